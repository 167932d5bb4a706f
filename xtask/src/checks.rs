//! The checks of `cargo xtask test` that are not builds: the layering of the dependency trees and the freshness of `.sqlx/`, and its refresh.

use crate::*;

/// The hydrate build must compile none of the server's crates: they would bloat the
/// bundle, and some (tokio's networking, argon2) have no business in a browser.
pub(crate) fn wasm_has_no_server_crates() -> Result<()> {
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
pub(crate) fn layers_point_down() -> Result<()> {
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
pub(crate) fn tree_without(
    package: &str,
    target: Option<&str>,
    forbidden: &[&str],
) -> Result<usize> {
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
pub(crate) fn sqlx_freshness(root: &Path) -> Result<()> {
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

pub(crate) fn list_json(dir: &Path) -> Result<Vec<String>> {
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

pub(crate) fn sqlx_prepare(root: &Path) -> Result<()> {
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
