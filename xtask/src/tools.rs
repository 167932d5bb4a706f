//! Installs the tools the build and the tests need, each only when missing.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

const CARGO_LEPTOS_VERSION: &str = "0.3.10";
/// binaryen from npm: Debian's 108 emits a wasm that fails to hydrate.
const BINARYEN_VERSION: &str = "132.0.0";
/// Lighthouse for the benchmark's mobile audit (the 12 line runs on Node 20).
const LIGHTHOUSE_VERSION: &str = "12.8.2";

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn run(mut cmd: Command, what: &str) -> Result<()> {
    println!("install: {what}");
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed with {status}");
    }
    Ok(())
}

/// PATH with the project's own tool folder first (wasm-opt from npm) and cargo's bin.
pub fn path_with_tools(root: &Path) -> String {
    let mut parts = vec![root.join("target/tools/node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        parts.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo/bin"));
    }
    let mut path: Vec<PathBuf> = parts;
    if let Some(existing) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(path)
        .expect("paths without separators")
        .to_string_lossy()
        .into_owned()
}

/// Debian packages, installed with apt as root; otherwise the exact command is printed.
fn ensure_apt(packages: &[&str], present: impl Fn() -> bool) -> Result<()> {
    if present() {
        return Ok(());
    }
    let cmd = format!(
        "apt-get update && apt-get install -y {}",
        packages.join(" ")
    );
    if !is_root() || output_of("which", &["apt-get"]).is_none() {
        bail!("missing {}: run as root:\n  {cmd}", packages.join(", "));
    }
    let mut update = Command::new("apt-get");
    update.arg("update");
    run(update, "apt-get update")?;
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install, &format!("apt-get install {}", packages.join(" ")))?;
    if !present() {
        bail!(
            "{} still missing after apt-get install",
            packages.join(", ")
        );
    }
    Ok(())
}

/// The newest PostgreSQL server binaries on this machine (installing Debian's package).
pub fn ensure_postgres() -> Result<PathBuf> {
    ensure_apt(&["postgresql"], || find_pg_bin().is_some() && which("psql"))?;
    find_pg_bin().context("initdb not found after installing postgresql")
}

fn which(program: &str) -> bool {
    output_of("which", &[program]).is_some()
}

fn find_pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    // Not Debian's layout: initdb on PATH.
    output_of("which", &["initdb"]).and_then(|p| PathBuf::from(p).parent().map(Path::to_path_buf))
}

pub fn ensure_build_tools(root: &Path) -> Result<()> {
    // wasm32 target
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        let mut c = Command::new("rustup");
        c.args(["target", "add", "wasm32-unknown-unknown"]);
        run(c, "rustup target add wasm32-unknown-unknown")?;
    }

    let path = path_with_tools(root);
    let tool_version = |program: &str, args: &[&str]| -> Option<String> {
        let out = Command::new(program)
            .args(args)
            .env("PATH", &path)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };

    // cargo-leptos, built without its downloader: it uses the tools below from PATH.
    let have = tool_version("cargo-leptos", &["--version"]).unwrap_or_default();
    if !have.ends_with(CARGO_LEPTOS_VERSION) {
        let mut c = Command::new("cargo");
        c.args([
            "install",
            "cargo-leptos",
            "--version",
            CARGO_LEPTOS_VERSION,
            "--locked",
            "--features",
            "no_downloads",
        ])
        // cargo-leptos' own release profile is fat LTO in one codegen unit; the tool works
        // the same without it, and its last compile and link drop from about 5 minutes to
        // under 2 on a 2-core machine.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
        run(c, "cargo-leptos (takes about 15 minutes once)")?;
    }

    // wasm-bindgen CLI at exactly the library's version in Cargo.lock.
    let wanted = wasm_bindgen_version(root)?;
    let have = tool_version("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(wanted.as_str()) {
        // Not --locked: the CLI's own lock names a crate version the registry lacks.
        let mut c = Command::new("cargo");
        c.args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]);
        run(c, &format!("wasm-bindgen-cli {wanted}"))?;
    }

    // wasm-opt from npm's binaryen, in target/tools.
    ensure_apt(&["nodejs", "npm"], || which("node") && which("npm"))?;
    let have = tool_version("wasm-opt", &["--version"]).unwrap_or_default();
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    if !have.contains(&format!("version {major}")) {
        let dir = root.join("target/tools");
        std::fs::create_dir_all(&dir)?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("binaryen@{BINARYEN_VERSION}"));
        run(c, &format!("binaryen {BINARYEN_VERSION} (wasm-opt)"))?;
    }
    Ok(())
}

/// Chromium from Debian and the Playwright packages from end2end/package-lock.json.
pub fn ensure_browser_tools(root: &Path) -> Result<()> {
    ensure_apt(&["chromium"], || Path::new("/usr/bin/chromium").exists())?;
    let e2e = root.join("end2end");
    let lock = e2e.join("package-lock.json");
    let marker = e2e.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&marker)) {
        (Ok(l), Ok(m)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        let mut c = Command::new("npm");
        c.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e)
            // Playwright must not try to download its own browsers: there is no network.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        run(c, "npm ci (end2end)")?;
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Lock {
    package: Vec<LockPackage>,
}

#[derive(serde::Deserialize)]
struct LockPackage {
    name: String,
    version: String,
}

fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let lock: Lock = toml::from_str(&text).context("parsing Cargo.lock")?;
    lock.package
        .into_iter()
        .find(|p| p.name == "wasm-bindgen")
        .map(|p| p.version)
        .context("wasm-bindgen is not in Cargo.lock")
}

/// Postfix's `smtp-sink` and `smtp-source`, for `cargo xtask bench` only. The package is
/// installed unconfigured: its mail system never starts, only the two tools are used.
pub fn ensure_postfix_tools() -> Result<()> {
    let present =
        || Path::new("/usr/sbin/smtp-sink").exists() && Path::new("/usr/sbin/smtp-source").exists();
    if !present() && is_root() {
        let mut preseed = Command::new("debconf-set-selections");
        preseed.stdin(std::process::Stdio::piped());
        let mut child = preseed.spawn().context("running debconf-set-selections")?;
        use std::io::Write;
        child
            .stdin
            .take()
            .context("debconf-set-selections' input")?
            .write_all(b"postfix postfix/main_mailer_type select No configuration\n")?;
        child.wait()?;
    }
    ensure_apt(&["postfix"], present)
}

/// Lighthouse in target/tools, for `cargo xtask bench` only.
pub fn ensure_lighthouse(root: &Path) -> Result<()> {
    let bin = root.join("target/tools/node_modules/.bin/lighthouse");
    let have = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if have != LIGHTHOUSE_VERSION {
        let dir = root.join("target/tools");
        std::fs::create_dir_all(&dir)?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("lighthouse@{LIGHTHOUSE_VERSION}"));
        run(c, &format!("lighthouse {LIGHTHOUSE_VERSION}"))?;
    }
    Ok(())
}
