//! Clippy runs inside the builds the tests need anyway, instead of in builds of its own.
//!
//! `cargo clippy` is a `cargo check` with clippy-driver in place of rustc for the
//! workspace's crates: a check build of its own, which compiles every dependency once
//! more only to throw the result away. Cargo's workspace wrapper does the same inside a
//! real build: clippy-driver compiles our crates (it is rustc with clippy's lints) and
//! fails the build on a lint, while the dependencies are built by plain rustc, once, for
//! the tests and the bundles that need them. On a fresh machine that saves the two check
//! builds (about 20 minutes of a CI run).

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// What `cargo clippy -- -D warnings` hands clippy-driver: its arguments, each followed
/// by this separator.
const ARGS: &str = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__";

fn driver() -> Result<PathBuf> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .context("running rustc --print sysroot")?;
    let sysroot = String::from_utf8(out.stdout)?.trim().to_string();
    let driver = PathBuf::from(sysroot).join("bin/clippy-driver");
    if !driver.exists() {
        bail!(
            "{} is missing: rustup component add clippy",
            driver.display()
        );
    }
    Ok(driver)
}

/// Makes a cargo command lint the workspace's crates as it builds them, warnings denied.
/// Without the driver the build fails at its first crate; `probe` says why.
pub fn env(cmd: &mut Command) {
    let driver = driver().unwrap_or_else(|_| PathBuf::from("clippy-driver"));
    cmd.env("RUSTC_WORKSPACE_WRAPPER", driver)
        .env("CLIPPY_ARGS", ARGS);
}

/// Proves the wrapper lints: a crate with a clippy warning must fail to compile through
/// it, or every build that relies on it would pass unlinted.
pub fn probe() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("datacheck-lint-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let source = dir.join("probe.rs");
    // clippy::len_zero, a style lint: a warning that -D warnings makes an error.
    std::fs::write(&source, "pub fn empty(v: &[u8]) -> bool { v.len() == 0 }\n")?;
    let mut cmd = Command::new(driver()?);
    cmd.arg("rustc")
        .args([
            "--edition=2024",
            "--crate-type=lib",
            "--emit=metadata",
            "--out-dir",
        ])
        .arg(&dir)
        .arg(&source);
    env(&mut cmd);
    cmd.env_remove("RUSTC_WORKSPACE_WRAPPER");
    let out = cmd.output().context("running clippy-driver")?;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() || !stderr.contains("len_zero") {
        bail!(
            "clippy-driver let a lint through (status {}): builds would not be linted\n{stderr}",
            out.status
        );
    }
    println!("  clippy-driver denies lints in the builds");
    Ok(())
}
