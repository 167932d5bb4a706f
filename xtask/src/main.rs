//! Bootstrap and orchestration for Datacheck: `cargo xtask serve`, `cargo xtask test`.
//!
//! Owns everything a fresh Debian machine needs before the app can build and run: the
//! wasm target, cargo-leptos, a wasm-bindgen CLI that matches Cargo.lock, wasm-opt from
//! npm, PostgreSQL (a private cluster under `target/` unless `DATABASE_URL` is set),
//! Chromium and the Playwright packages. Every step checks first and skips what is
//! already present, so a second run installs nothing. It must not contain product logic:
//! the server binary owns migrations and demo data.

mod lint;
mod pg;
mod relocs;
mod site;
mod tools;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Demo credentials: fixed so the README, the e2e tests and a newcomer agree on them.
/// They exist only in databases the demo seed fills (never in production: the server
/// refuses to seed in prod mode).
pub const DEMO_ADMIN: (&str, &str) = ("admin@datacheck.test", "demo-admin-pass");
pub const DEMO_STAFF: (&str, &str) = ("staff@datacheck.test", "demo-staff-pass");

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve          install what is missing, start PostgreSQL, seed demo data, serve on :3000
  test           install what is missing, then fmt, the builds (clippy lints them as
                 they compile), Rust tests, the .sqlx freshness check, the release
                 bundles and the Playwright suite
  e2e            only the builds and the Playwright suite
  build          the release site as production serves it: server, both bundles with
                 hashed names and their brotli/gzip copies, in target/
  sqlx-prepare   rebuild the query metadata in .sqlx/ from the live schema
  db-url         start the database server if needed and print the URL of its
                 `datacheck` database (made when missing)
  bench          benchmarks (not tests): the 50,000-row CSV import against COPY
";

fn main() {
    if let Err(e) = run() {
        eprintln!("\nerror: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("serve") => serve(&root),
        Some("test") => test(&root),
        Some("e2e") => {
            let db = prepare_common(&root, true)?;
            if !ssr_build(&root, &db).status()?.success() {
                bail!("the server build failed");
            }
            site::build(
                &root,
                &|cmd| build_env(cmd, &root, &db),
                site::Parts::Bundles,
            )?;
            e2e(&root, &db)
        }
        Some("build") => {
            let db = prepare_common(&root, false)?;
            site::build(
                &root,
                &|cmd| build_env(cmd, &root, &db),
                site::Parts::Everything,
            )
        }
        Some("sqlx-prepare") => sqlx_prepare(&root),
        Some("bench") => bench(&root),
        Some("db-url") => {
            let db = pg::ensure(&root)?;
            // The URL must open something: `#[sqlx::test]` connects to it to make its
            // per-test databases, also before the first `serve` made this one.
            pg::create_db_if_missing(&db, "datacheck")?;
            println!("{}", db.url("datacheck"));
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Installs the build tools and makes sure a database server is up. Returns the server.
fn prepare_common(root: &Path, browser: bool) -> Result<pg::Server> {
    tools::ensure_build_tools(root)?;
    if browser {
        tools::ensure_browser_tools(root)?;
    }
    let db = pg::ensure(root)?;
    // The query macros check every query against this schema while compiling.
    pg::recreate_schema_db(&db, root)?;
    Ok(db)
}

/// Environment for every cargo build: online query checking against the schema database,
/// with the metadata written to target/ so it can be compared to the committed .sqlx/.
fn build_env(cmd: &mut Command, root: &Path, db: &pg::Server) {
    // The query macros write their metadata there and fail when it is missing (a fresh
    // clone that builds before it tests).
    let _ = std::fs::create_dir_all(root.join("target/sqlx-fresh"));
    if std::env::var_os("CI").is_some() {
        // A clean clone builds everything once: incremental data would only fill the disk.
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    cmd.env("DATABASE_URL", db.url(pg::SCHEMA_DB))
        .env("SQLX_OFFLINE", "false")
        .env("SQLX_OFFLINE_DIR", root.join("target/sqlx-fresh"))
        .env("PATH", tools::path_with_tools(root));
    // Every build lints the workspace's crates as it compiles them (see lint.rs), so
    // the builds share their artifacts and none is made for clippy alone.
    lint::env(cmd);
}

fn serve(root: &Path) -> Result<()> {
    let db = prepare_common(root, false)?;
    let url = db.url("datacheck");
    pg::create_db_if_missing(&db, "datacheck")?;
    println!();
    println!("  Datacheck is starting at http://127.0.0.1:3000 (staff: /staff/login)");
    println!("  admin: {} / {}", DEMO_ADMIN.0, DEMO_ADMIN.1);
    println!(
        "  staff: {} / {}  (limited to one company)",
        DEMO_STAFF.0, DEMO_STAFF.1
    );
    println!("  database: {url}");
    println!();
    let mut cmd = Command::new("cargo");
    // The staff pages are lazily loaded parts of the bundle (app/src/routes.rs): every
    // build of it is split, or their loader would be missing.
    cmd.args(["leptos", "watch", "--split"]);
    // cargo-leptos hands one environment to the build and to the server it starts, so
    // the build reads the committed .sqlx/ (offline) and DATABASE_URL is the server's.
    cmd.env("SQLX_OFFLINE", "true")
        .env("DATABASE_URL", &url)
        .env("PATH", tools::path_with_tools(root))
        .env("DATACHECK_DEMO", "true")
        .env("DATACHECK_ENV", "dev");
    let status = cmd.status().context("running cargo leptos watch")?;
    if !status.success() {
        bail!("cargo leptos watch exited with {status}");
    }
    Ok(())
}

struct Step {
    name: &'static str,
    ok: bool,
    secs: f64,
}

fn run_step(steps: &mut Vec<Step>, name: &'static str, mut cmd: Command) -> bool {
    println!("\n==> {name}");
    let start = Instant::now();
    let ok = match cmd.status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("could not start {name}: {e}");
            false
        }
    };
    steps.push(Step {
        name,
        ok,
        secs: start.elapsed().as_secs_f64(),
    });
    ok
}

/// Like `run_step`, for a check the xtask makes itself.
fn run_check(steps: &mut Vec<Step>, name: &'static str, check: impl FnOnce() -> Result<()>) {
    println!("\n==> {name}");
    let start = Instant::now();
    let result = check();
    if let Err(e) = &result {
        eprintln!("{e:#}");
    }
    steps.push(Step {
        name,
        ok: result.is_ok(),
        secs: start.elapsed().as_secs_f64(),
    });
}

fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    let db = prepare_common(root, true)?;
    let _ = std::fs::remove_dir_all(root.join("target/sqlx-fresh"));
    std::fs::create_dir_all(root.join("target/sqlx-fresh"))?;
    let mut steps = Vec::new();

    let mut fmt = Command::new("cargo");
    fmt.args(["fmt", "--all", "--check"]);
    run_step(&mut steps, "cargo fmt --check", fmt);

    run_check(&mut steps, "clippy lints the builds", lint::probe);
    run_step(
        &mut steps,
        "clippy + build (ssr: server, app, tests, benches)",
        ssr_build(root, &db),
    );

    let mut rust_tests = Command::new("cargo");
    rust_tests.arg("test").args(SSR_PACKAGES);
    build_env(&mut rust_tests, root, &db);
    // #[sqlx::test] makes one database per test on this server.
    rust_tests.env("DATABASE_URL", db.url(pg::SCHEMA_DB));
    run_step(&mut steps, "Rust tests (real PostgreSQL)", rust_tests);

    run_check(
        &mut steps,
        "wasm build has no sqlx/tokio/argon2/axum",
        wasm_has_no_server_crates,
    );
    run_check(
        &mut steps,
        "backend and core have no views",
        layers_point_down,
    );

    // The fuzz target runs on nightly (`cargo +nightly fuzz run open_token`); here it
    // must at least keep compiling against the codec.
    let mut fuzz = Command::new("cargo");
    fuzz.args(["check", "--manifest-path", "fuzz/Cargo.toml", "--quiet"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/fuzz"));
    run_step(&mut steps, "fuzz target compiles", fuzz);

    run_check(&mut steps, ".sqlx matches the schema", || {
        sqlx_freshness(root)
    });
    run_check(
        &mut steps,
        "clippy + release bundles (hydrate: both entries on wasm32)",
        || site::build(root, &|cmd| build_env(cmd, root, &db), site::Parts::Bundles),
    );
    run_check(&mut steps, "Playwright (the tests' server build)", || {
        e2e(root, &db)
    });

    println!("\n==> summary");
    for s in &steps {
        println!(
            "  {:<4} {:<45} {:>7.1}s",
            if s.ok { "ok" } else { "FAIL" },
            s.name,
            s.secs
        );
    }
    println!("  total {:.1}s", started.elapsed().as_secs_f64());
    let failed = steps.iter().filter(|s| !s.ok).count();
    if failed > 0 {
        bail!("{failed} step(s) failed");
    }
    Ok(())
}

/// The server side's packages, built and tested with the `ssr` feature.
const SSR_PACKAGES: [&str; 16] = [
    "-p",
    "server",
    "-p",
    "app",
    "-p",
    "backend",
    "-p",
    "demo",
    "-p",
    "datacheck-core",
    "-p",
    "link-token",
    "-p",
    "xtask",
    "--features",
    "app/ssr",
];

/// Every server-side target (the tests' and benches' too) in the dev profile, linted as
/// it compiles; the server binary it leaves in target/debug is the one the browser tests
/// run, so no release build of the server is made for them.
fn ssr_build(root: &Path, db: &pg::Server) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["test", "--all-targets", "--no-run"])
        .args(SSR_PACKAGES);
    build_env(&mut cmd, root, db);
    cmd
}

/// The hydrate build must compile none of the server's crates: they would bloat the
/// bundle, and some (tokio's networking, argon2) have no business in a browser.
fn wasm_has_no_server_crates() -> Result<()> {
    let forbidden = [
        "sqlx",
        "tokio",
        "argon2",
        "axum",
        "hyper",
        "lettre",
        "chacha20poly1305",
        "link-token",
        "backend",
        "demo",
        "leptos_axum",
        "mio",
        "phonenumber",
        "csv",
        "encoding_rs",
    ];
    let n = tree_without("frontend", Some("wasm32-unknown-unknown"), &forbidden)?;
    println!("  {n} crates in the wasm build, none of them server-only");
    Ok(())
}

/// The layers' arrows point down (UI → server functions → backend → db → core): the
/// backend and the core compile without a view, a router or the app, so nothing in them
/// can reach up into a page.
fn layers_point_down() -> Result<()> {
    let views = [
        "leptos",
        "tachys",
        "reactive_graph",
        "leptos_axum",
        "axum",
        "app",
    ];
    let n = tree_without("backend", None, &views)?;
    let core_forbidden = [&views[..], &["sqlx", "tokio", "backend"]].concat();
    let m = tree_without("datacheck-core", None, &core_forbidden)?;
    println!("  backend: {n} crates, core: {m} crates, no views among them");
    Ok(())
}

/// How many crates `package` compiles (for `target`), failing if any is `forbidden`.
fn tree_without(package: &str, target: Option<&str>, forbidden: &[&str]) -> Result<usize> {
    let mut cmd = Command::new("cargo");
    cmd.args(["tree", "-p", package, "-e", "normal", "--prefix", "none"]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    let out = cmd.output().context("running cargo tree")?;
    if !out.status.success() {
        bail!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let distinct: std::collections::BTreeSet<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let found: Vec<&str> = distinct
        .iter()
        .copied()
        .filter(|name| forbidden.contains(name))
        .collect();
    if !found.is_empty() {
        bail!("{package} pulls in {}", found.join(", "));
    }
    Ok(distinct.len())
}

/// Every query the build just checked against the live schema must be in .sqlx/
/// unchanged; on a clean build (CI) .sqlx/ must also hold nothing else.
fn sqlx_freshness(root: &Path) -> Result<()> {
    let fresh_dir = root.join("target/sqlx-fresh");
    let committed_dir = root.join(".sqlx");
    let fresh = list_json(&fresh_dir)?;
    let committed = list_json(&committed_dir).unwrap_or_default();
    let mut problems = Vec::new();
    for name in &fresh {
        let a = std::fs::read(fresh_dir.join(name))?;
        match std::fs::read(committed_dir.join(name)) {
            Ok(b) if b == a => {}
            Ok(_) => problems.push(format!("changed: {name}")),
            Err(_) => problems.push(format!("missing: {name}")),
        }
    }
    if std::env::var_os("CI").is_some() {
        for name in &committed {
            if !fresh.contains(name) {
                problems.push(format!("unused: {name}"));
            }
        }
    }
    if problems.is_empty() {
        println!("  {} queries checked, .sqlx/ is up to date", fresh.len());
        Ok(())
    } else {
        bail!(
            ".sqlx/ is stale ({}); run `cargo xtask sqlx-prepare` and commit .sqlx/",
            problems.join(", ")
        )
    }
}

fn list_json(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Runs the benchmarks on a fresh database of their own, in the optimised bench profile,
/// after the release build: import, send, the customer page's throughput and the
/// mutation review (cargo bench), then what a browser downloads and a Lighthouse mobile
/// run of the customer page.
fn bench(root: &Path) -> Result<()> {
    let db = prepare_common(root, true)?;
    // The customer page's benchmark downloads the release site's bundle.
    let server_bin = release_build(root, &db)?;
    // The outbox's benchmark sends to Postfix's SMTP sink and compares with its client.
    tools::ensure_postfix_tools()?;
    pg::drop_and_create_db(&db, "datacheck_bench")?;
    let mut cmd = Command::new("cargo");
    cmd.args([
        "bench",
        "-p",
        "server",
        "--bench",
        "import",
        "--bench",
        "send",
        "--bench",
        "portal",
        "--bench",
        "mutations",
        "--bench",
        "outbox",
    ]);
    build_env(&mut cmd, root, &db);
    cmd.env("BENCH_DATABASE_URL", db.url("datacheck_bench"))
        .env("BENCH_SITE_ROOT", root.join("target/site"));
    if !cmd.status()?.success() {
        bail!("benchmark failed");
    }

    println!("\n==> what a browser downloads once (raw, and as sent: brotli at quality 11)");
    for sent in site::sent(root)? {
        let (mut raw, mut packed) = (0, 0);
        for file in &sent.files {
            let r = std::fs::metadata(file)?.len();
            let mut br = file.clone().into_os_string();
            br.push(".br");
            let b = std::fs::metadata(&br)
                .with_context(|| format!("no brotli copy of {}", file.display()))?
                .len();
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            println!("  {name:<44} {r:>10} B raw {b:>9} B sent");
            raw += r;
            packed += b;
        }
        println!("  {:<44} {raw:>10} B raw {packed:>9} B sent\n", sent.label);
    }

    tools::ensure_lighthouse(root)?;
    let server = DemoServer::start(root, &db, "datacheck_lighthouse", &server_bin)?;
    let link = server.demo_link("person")?;
    let report = root.join("target/lighthouse-portal.json");
    println!("\n==> Lighthouse (mobile, Debian Chromium) on the customer page");
    let mut lh = Command::new("lighthouse");
    lh.arg(&link)
        .args([
            "--quiet",
            "--form-factor=mobile",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            "--chrome-path=/usr/bin/chromium",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync",
        ])
        .arg(format!("--output-path={}", report.display()))
        .env("PATH", tools::path_with_tools(root));
    let ok = lh.status()?.success();
    if !ok {
        bail!("lighthouse failed");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
    for (key, cat) in json["categories"].as_object().into_iter().flatten() {
        let score = cat["score"].as_f64().unwrap_or(0.0) * 100.0;
        println!("  {key:<16} {score:>4.0}");
    }
    for audit in [
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "interactive",
    ] {
        let a = &json["audits"][audit];
        println!(
            "  {:<26} {}",
            a["title"].as_str().unwrap_or(audit),
            a["displayValue"].as_str().unwrap_or("-")
        );
    }
    println!("  full report: {}", report.display());

    println!("\n==> first byte until hydrated (Chromium, phone, fresh cache, CPU 6× slower)");
    let mut hydration = Command::new("node");
    hydration
        .current_dir(root.join("end2end"))
        .args(["bench/hydration.mjs", "7"])
        .arg(format!("customer page (its own bundle)={link}"))
        .arg(format!(
            "sign-in page (staff bundle)={}/staff/login",
            server.base_url
        ));
    if !hydration.status()?.success() {
        bail!("the hydration benchmark failed");
    }
    drop(server);
    Ok(())
}

fn sqlx_prepare(root: &Path) -> Result<()> {
    let db = prepare_common(root, false)?;
    let out = root.join("target/sqlx-fresh");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    // Force the crates with queries to expand their macros again.
    let mut clean = Command::new("cargo");
    clean.args(["clean", "-p", "backend", "-p", "demo"]);
    clean.status()?;
    let mut check = Command::new("cargo");
    check.args(["check", "-p", "server", "--all-targets"]);
    build_env(&mut check, root, &db);
    if !check.status()?.success() {
        bail!("cargo check failed");
    }
    let committed = root.join(".sqlx");
    let _ = std::fs::remove_dir_all(&committed);
    std::fs::create_dir_all(&committed)?;
    for name in list_json(&out)? {
        std::fs::copy(out.join(&name), committed.join(&name))?;
    }
    println!(
        "wrote {} query files to .sqlx/",
        list_json(&committed)?.len()
    );
    Ok(())
}

/// Runs Playwright against the tests' server build (`ssr_build`) and the release bundles
/// (`site::Parts::Bundles`) on a fresh, seeded database, on a port of its own so a
/// running `serve` is not disturbed.
fn e2e(root: &Path, db: &pg::Server) -> Result<()> {
    let server = DemoServer::start(root, db, "datacheck_e2e", &root.join("target/debug/server"))?;

    println!(
        "\n==> Playwright (Debian Chromium) against {}",
        server.base_url
    );
    let mut pw = Command::new("npx");
    pw.args(["playwright", "test"])
        .current_dir(root.join("end2end"))
        .env("BASE_URL", &server.base_url)
        // The demo customer links are printed at start-up; the portal tests read them.
        .env("SERVER_LOG", &server.log_path)
        .env("DEMO_ADMIN_EMAIL", DEMO_ADMIN.0)
        .env("DEMO_ADMIN_PASSWORD", DEMO_ADMIN.1)
        .env("DEMO_STAFF_EMAIL", DEMO_STAFF.0)
        .env("DEMO_STAFF_PASSWORD", DEMO_STAFF.1)
        .env("PATH", tools::path_with_tools(root));
    let ok = pw.status()?.success();
    let log_path = server.log_path.clone();
    drop(server);
    if !ok {
        bail!(
            "Playwright failed (server log: {}, report: end2end/playwright-report)",
            log_path.display()
        );
    }
    Ok(())
}

/// The optimised server (target/server-release) and both hydrate bundles in
/// target/site, as production runs them.
fn release_build(root: &Path, db: &pg::Server) -> Result<PathBuf> {
    site::build(
        root,
        &|cmd| build_env(cmd, root, db),
        site::Parts::Everything,
    )?;
    Ok(root.join("target/server-release/server"))
}

/// The release server with demo data on a fresh database and a free port; stopped
/// (gracefully) when dropped.
struct DemoServer {
    base_url: String,
    log_path: PathBuf,
    _process: KillOnDrop,
}

impl DemoServer {
    fn start(root: &Path, db: &pg::Server, database: &str, bin: &Path) -> Result<DemoServer> {
        pg::drop_and_create_db(db, database)?;
        let port = free_port()?;
        let base_url = format!("http://127.0.0.1:{port}");
        let log_path = root.join(format!("target/{database}-server.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut server = Command::new(bin);
        server
            .arg("serve")
            .env("DATABASE_URL", db.url(database))
            .env("DATACHECK_ENV", "dev")
            .env("DATACHECK_DEMO", "true")
            .env("DATACHECK_PUBLIC_URL", &base_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .env("LEPTOS_OUTPUT_NAME", "datacheck")
            .env("LEPTOS_ENV", "PROD")
            .env("RUST_LOG", "info")
            .stdout(log.try_clone()?)
            .stderr(log);
        let child = server
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut guard = KillOnDrop(child);
        wait_ready(&format!("127.0.0.1:{port}"), &mut guard.0, &log_path)?;
        Ok(DemoServer {
            base_url,
            log_path,
            _process: guard,
        })
    }

    /// The first demo customer link of a kind ("person", "organisation", …) it printed.
    fn demo_link(&self, kind: &str) -> Result<String> {
        let log = std::fs::read_to_string(&self.log_path)?;
        log.lines()
            .filter_map(|l| l.strip_prefix("demo customer link ("))
            .find(|l| {
                l.split_once(')')
                    .is_some_and(|(label, _)| label.ends_with(kind))
            })
            .and_then(|l| l.split_once("): "))
            .map(|(_, url)| url.trim().to_string())
            .with_context(|| format!("no demo {kind} link in {}", self.log_path.display()))
    }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SIGTERM first so the server's graceful shutdown runs; then make sure.
        let _ = Command::new("kill")
            .arg(self.0.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Waits until the server answers /readyz, or fails with the tail of its log.
fn wait_ready(addr: &str, child: &mut Child, log: &Path) -> Result<()> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            bail!("server exited with {status}:\n{text}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(addr) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let req = format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if s.write_all(req.as_bytes()).is_ok() {
                let mut resp = String::new();
                let _ = s.read_to_string(&mut resp);
                if resp.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    bail!("server did not become ready within 60 s:\n{text}")
}
