//! Bootstrap and orchestration for Datacheck: `cargo xtask serve`, `cargo xtask test`.
//!
//! Owns everything a fresh Debian machine needs before the app can build and run: the
//! wasm target, cargo-leptos, a wasm-bindgen CLI that matches Cargo.lock, wasm-opt from
//! npm, PostgreSQL (a private cluster under `target/` unless `DATABASE_URL` is set),
//! Chromium and the Playwright packages. Every step checks first and skips what is
//! already present, so a second run installs nothing. It must not contain product logic:
//! the server binary owns migrations and demo data.

mod bench;
mod checks;
mod demo_server;
mod lint;
mod pg;
mod relocs;
mod site;
mod tools;

use checks::{layers_point_down, sqlx_freshness, sqlx_prepare, wasm_has_no_server_crates};
use demo_server::DemoServer;

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
        Some("bench") => bench::bench(&root),
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
