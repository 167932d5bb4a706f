//! The release site, as production serves it: `cargo leptos build --release --split` (the
//! server, the staff bundle split into a main module and a part per group of pages, the
//! style sheet), then what cargo-leptos does not do:
//! - the customer pages' own bundle (`customer-frontend`), built like the staff bundle
//!   (the same wasm profile, target directory and environment, so the shared crates
//!   compile once), bound by wasm-bindgen and shrunk by wasm-opt;
//! - content-hashed names for every bundle file and the style sheet, so browsers keep
//!   them for a year and two builds never mix their parts. The staff bundle's files name
//!   each other relatively (the loader imports `./datacheck.js` and fetches its parts
//!   beside itself), so they keep their names and move together into a directory named
//!   by the hash of them all: `pkg/staff.<hash>/`;
//! - brotli (quality 11) and gzip copies beside each, so the server sends what was
//!   compressed once instead of compressing on every download;
//! - `asset-manifest.json` in the site root, which tells the server those names.

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// cargo-leptos' output name (the staff bundle and the style sheet) and the customer
/// bundle's, in `target/site/pkg`.
pub const STAFF: &str = "datacheck";
pub const CUSTOMER: &str = "datacheck-customer";
const MANIFEST: &str = "asset-manifest.json";

pub fn pkg_dir(root: &Path) -> PathBuf {
    root.join("target/site/pkg")
}

/// What a build makes.
pub enum Parts {
    /// The release server too, as production runs it.
    Everything,
    /// Only what a browser loads, for a server built otherwise (the tests' build).
    Bundles,
}

/// Builds the site; `env` sets up each cargo command (the database for the query
/// checks, the tools on PATH, the lints).
pub fn build(root: &Path, env: &dyn Fn(&mut Command), parts: Parts) -> Result<()> {
    let mut build = Command::new("cargo");
    build.args(["leptos", "build", "--release", "--split"]);
    if let Parts::Bundles = parts {
        build.arg("--frontend-only");
    }
    println!(
        "\n==> cargo leptos build --release ({})",
        match parts {
            Parts::Everything => "server and staff bundle",
            Parts::Bundles => "staff bundle",
        }
    );
    env(&mut build);
    // Every file left in pkg/ after this build is this build's: the staff bundle's parts
    // are told apart from the rest by being there.
    let pkg = pkg_dir(root);
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg)?;
    }
    if !build.status()?.success() {
        bail!("release build failed");
    }
    let staff_files = staff_files(&pkg)?;
    println!("\n==> the customer pages' bundle");
    customer_bundle(root, env)?;
    let manifest = fingerprint(root, &staff_files)?;
    std::fs::write(
        root.join("target/site").join(MANIFEST),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    println!("  wrote target/site/{MANIFEST}");
    Ok(())
}

/// What cargo-leptos passes to its wasm build in a release: a different value would
/// make cargo rebuild the shared crates (leptos reads LEPTOS_OUTPUT_NAME at compile time).
fn leptos_env(cmd: &mut Command) {
    cmd.env("LEPTOS_OUTPUT_NAME", STAFF)
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
        .env("LEPTOS_RELOAD_PORT", "3001")
        .env("LEPTOS_LIB_DIR", "frontend")
        .env("LEPTOS_BIN_DIR", "server")
        .env("LEPTOS_JS_MINIFY", "true")
        .env("LEPTOS_HASH_FILES", "false")
        // What `--split` adds for the staff bundle's link; the same flags keep cargo from
        // compiling the shared crates a second time for this bundle.
        .env("RUSTFLAGS", SPLIT_RUSTFLAGS);
}

/// cargo-leptos' RUSTFLAGS for a split wasm build: the splitter reads the relocations.
const SPLIT_RUSTFLAGS: &str = "-Clink-args=--emit-relocs";

fn run(mut cmd: Command, what: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed with {status}");
    }
    Ok(())
}

fn customer_bundle(root: &Path, env: &dyn Fn(&mut Command)) -> Result<()> {
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--package=customer-frontend",
        "--lib",
        "--target-dir=target/front",
        "--target=wasm32-unknown-unknown",
        "--no-default-features",
        "--profile=wasm-release",
    ]);
    env(&mut cargo);
    leptos_env(&mut cargo);
    run(cargo, "cargo build -p customer-frontend (wasm)")?;

    let linked =
        root.join("target/front/wasm32-unknown-unknown/wasm-release/customer_frontend.wasm");
    let stripped = root.join("target/front/customer_frontend.wasm");
    std::fs::write(&stripped, crate::relocs::strip(&std::fs::read(&linked)?)?)?;

    let pkg = pkg_dir(root);
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target=web", "--no-typescript"])
        .arg(format!("--out-name={CUSTOMER}"))
        .arg(format!("--out-dir={}", pkg.display()))
        .arg(&stripped);
    env(&mut bindgen);
    run(bindgen, "wasm-bindgen (customer bundle)")?;
    let wasm = pkg.join(format!("{CUSTOMER}.wasm"));
    std::fs::rename(pkg.join(format!("{CUSTOMER}_bg.wasm")), &wasm)?;

    // The same optimisation cargo-leptos runs on the staff bundle.
    let mut opt = Command::new("wasm-opt");
    opt.args([
        "-Oz",
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
    ])
    .arg(&wasm)
    .arg("-o")
    .arg(&wasm);
    env(&mut opt);
    run(opt, "wasm-opt (customer bundle)")
}

/// `name.ext` → `name.<hash>.ext`: 16 characters of the SHA-256 of the content, in
/// URL-safe base64 (96 bits: no two builds' files share a name).
fn hashed_name(name: &str, content: &[u8]) -> Result<String> {
    let (stem, ext) = name
        .rsplit_once('.')
        .context("a file name with an extension")?;
    let digest = Sha256::digest(content);
    let hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..12]);
    Ok(format!("{stem}.{hash}.{ext}"))
}

/// Renames a file of `pkg` to its hashed name, writes its compressed copies, and
/// returns its URL path.
fn publish(pkg: &Path, name: &str) -> Result<String> {
    let path = pkg.join(name);
    let content = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let hashed = hashed_name(name, &content)?;
    std::fs::rename(&path, pkg.join(&hashed))?;
    compress_beside(&pkg.join(&hashed), &content)?;
    Ok(format!("/pkg/{hashed}"))
}

/// Writes `<file>.br` (brotli 11) and `<file>.gz` (gzip 9) beside a file.
fn compress_beside(file: &Path, content: &[u8]) -> Result<()> {
    let beside = |ext: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    std::fs::write(beside(".br"), brotli_best(content)?)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(content)?;
    std::fs::write(beside(".gz"), gz.finish()?)?;
    Ok(())
}

pub fn brotli_best(content: &[u8]) -> Result<Vec<u8>> {
    let mut packed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &content[..], &mut packed, &params)?;
    Ok(packed)
}

/// The files cargo-leptos wrote for the staff bundle: everything in pkg/ but the style
/// sheet.
fn staff_files(pkg: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(pkg)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != format!("{STAFF}.css") {
            names.push(name);
        }
    }
    names.sort();
    for wanted in [
        format!("{STAFF}.js"),
        format!("{STAFF}.wasm"),
        SPLIT_LOADER.into(),
    ] {
        if !names.contains(&wanted) {
            bail!("cargo leptos build --split wrote no {wanted}");
        }
    }
    Ok(names)
}

/// The split build's loader of parts, and its map from a split point to the parts it
/// needs (both named by wasm-split, through cargo-leptos).
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";
const SPLIT_MAP: &str = "__wasm_split_manifest.json";

/// Moves the staff bundle's files into `pkg/staff.<hash of them all>/`, with compressed
/// copies, and returns the bundle as the manifest names it. The split map goes into the
/// manifest rather than the directory: the server reads it, browsers never do.
fn publish_staff(pkg: &Path, names: &[String]) -> Result<serde_json::Value> {
    let mut all = Sha256::new();
    for name in names {
        all.update(name.as_bytes());
        all.update([0]);
        let content = std::fs::read(pkg.join(name))?;
        all.update((content.len() as u64).to_le_bytes());
        all.update(&content);
    }
    let hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&all.finalize()[..12]);
    let dir_name = format!("staff.{hash}");
    let dir = pkg.join(&dir_name);
    std::fs::create_dir_all(&dir)?;
    let mut parts = serde_json::Value::Null;
    for name in names {
        let from = pkg.join(name);
        if name == SPLIT_MAP {
            parts = serde_json::from_slice(&std::fs::read(&from)?)
                .context("reading the split build's map of parts")?;
            std::fs::remove_file(&from)?;
            continue;
        }
        let content = std::fs::read(&from)?;
        std::fs::rename(&from, dir.join(name))?;
        compress_beside(&dir.join(name), &content)?;
    }
    let url = format!("/pkg/{dir_name}");
    Ok(serde_json::json!({
        "js": format!("{url}/{STAFF}.js"),
        "wasm": format!("{url}/{STAFF}.wasm"),
        "split": { "dir": url, "loader": SPLIT_LOADER, "parts": parts },
    }))
}

/// The manifest the server reads (`app::shell::assets::Assets`).
fn fingerprint(root: &Path, staff_files: &[String]) -> Result<serde_json::Value> {
    let pkg = pkg_dir(root);
    let bundle = |name: &str| -> Result<serde_json::Value> {
        Ok(serde_json::json!({
            "js": publish(&pkg, &format!("{name}.js"))?,
            "wasm": publish(&pkg, &format!("{name}.wasm"))?,
        }))
    };
    Ok(serde_json::json!({
        "style": publish(&pkg, &format!("{STAFF}.css"))?,
        "staff": publish_staff(&pkg, staff_files)?,
        "customer": bundle(CUSTOMER)?,
        "hashed": true,
    }))
}

/// One bundle's files as the manifest names them, relative to the site root.
pub struct Sent {
    pub label: &'static str,
    pub files: Vec<PathBuf>,
}

/// What a customer page and the staff app's first pages load: each bundle's wasm and
/// JS, the style sheet, and for a staff page the loader and the parts of its group of
/// pages, as files in the site.
pub fn sent(root: &Path) -> Result<Vec<Sent>> {
    let site = root.join("target/site");
    let text = std::fs::read(site.join(MANIFEST)).context("reading the asset manifest")?;
    let m: serde_json::Value = serde_json::from_slice(&text)?;
    let file = |v: &serde_json::Value| -> Result<PathBuf> {
        let url = v.as_str().context("a file name in the manifest")?;
        Ok(site.join(url.trim_start_matches('/')))
    };
    let split = &m["staff"]["split"];
    let dir = site.join(
        split["dir"]
            .as_str()
            .context("the staff bundle's directory")?
            .trim_start_matches('/'),
    );
    // A group's split point is named after its function in `app::routes`.
    let staff_page = |label: &'static str, group: &str| -> Result<Sent> {
        let parts = split["parts"]
            .as_object()
            .context("the staff bundle's parts")?
            .iter()
            .find(|(point, _)| point.starts_with(group))
            .with_context(|| format!("no split point {group}_*"))?
            .1
            .as_array()
            .context("a list of parts")?;
        let mut files = vec![
            file(&m["staff"]["wasm"])?,
            file(&m["staff"]["js"])?,
            dir.join(split["loader"].as_str().context("the loader's name")?),
            file(&m["style"])?,
        ];
        for part in parts {
            files.push(dir.join(format!("{}.wasm", part.as_str().context("a part's name")?)));
        }
        Ok(Sent { label, files })
    };
    Ok(vec![
        Sent {
            label: "customer page",
            files: vec![
                file(&m["customer"]["wasm"])?,
                file(&m["customer"]["js"])?,
                file(&m["style"])?,
            ],
        },
        staff_page("staff sign-in page", "sign_in_pages_")?,
        staff_page("staff runs page (after sign-in)", "runs_list_pages_")?,
    ])
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn names_follow_the_content() {
        let a = hashed_name("datacheck.wasm", b"one").unwrap();
        assert!(a.starts_with("datacheck.") && a.ends_with(".wasm"), "{a}");
        assert_eq!(a.len(), "datacheck..wasm".len() + 16);
        assert_eq!(a, hashed_name("datacheck.wasm", b"one").unwrap());
        assert_ne!(a, hashed_name("datacheck.wasm", b"two").unwrap());
        let c = hashed_name("datacheck-customer.js", b"one").unwrap();
        assert!(
            c.starts_with("datacheck-customer.") && c.ends_with(".js"),
            "{c}"
        );
    }
}
