//! `cargo xtask bench`: every benchmark against a fresh database and the release site.

use crate::*;

/// Runs the benchmarks on a fresh database of their own, in the optimised bench profile,
/// after the release build: import, send, the customer page's throughput and the
/// mutation review (cargo bench), then what a browser downloads and a Lighthouse mobile
/// run of the customer page.
pub(crate) fn bench(root: &Path) -> Result<()> {
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
