//! Where the browser's files are: the style sheet and the two hydrate bundles (the staff
//! app's and the customer pages' own, small one), by the content-hashed names the release
//! build gives them (`cargo xtask build` writes `asset-manifest.json` into the site root).
//!
//! Without a manifest (`cargo leptos watch` in development) the files keep the names
//! cargo-leptos gives, and the customer pages hydrate with the staff bundle, whose entry
//! knows both roots. Nothing here renders: the documents in `crate::shell` read it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The manifest's file name in the site root.
pub const MANIFEST: &str = "asset-manifest.json";

/// One hydrate bundle: the wasm-bindgen module and its wasm, as absolute URL paths.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub js: String,
    pub wasm: String,
    /// The lazily loaded parts of a split bundle (the staff app's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
}

/// A split bundle's parts: they sit with its module in one directory and are loaded by
/// the splitter's loader, which a page's `<head>` names with the parts its lazily loaded
/// page needs, so the browser fetches them beside the main module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// The directory's URL path, without a trailing slash.
    pub dir: String,
    /// The loader's file name in `dir`.
    pub loader: String,
    /// Split point → the parts (file stems in `dir`, `.wasm`) it needs.
    pub parts: HashMap<String, Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assets {
    pub style: String,
    pub staff: Bundle,
    /// `None` in development: the customer pages then load the staff bundle.
    pub customer: Option<Bundle>,
    /// Whether the names carry a content hash, so browsers may keep them for a year.
    #[serde(default)]
    pub hashed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AssetsError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not an asset manifest: {source}")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

impl Assets {
    /// The names cargo-leptos gives (`<output name>.js/.wasm/.css`), with no customer
    /// bundle of its own.
    pub fn unhashed(pkg_dir: &str, output_name: &str) -> Assets {
        let file = |ext: &str| format!("/{pkg_dir}/{output_name}.{ext}");
        Assets {
            style: file("css"),
            staff: Bundle {
                js: file("js"),
                wasm: file("wasm"),
                split: None,
            },
            customer: None,
            hashed: false,
        }
    }

    /// The site's manifest, or the unhashed names when the site has none. A manifest
    /// that cannot be read is an error: pages would point at files that are not there.
    pub fn for_site(
        site_root: &Path,
        pkg_dir: &str,
        output_name: &str,
    ) -> Result<Assets, AssetsError> {
        let path = site_root.join(MANIFEST);
        let shown = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| AssetsError::Parse {
                path: shown,
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut assets = Assets::unhashed(pkg_dir, output_name);
                assets.staff.split = Split::unhashed(site_root, pkg_dir);
                Ok(assets)
            }
            Err(source) => Err(AssetsError::Read {
                path: shown,
                source,
            }),
        }
    }

    /// The bundle that hydrates the customer pages.
    pub fn customer_bundle(&self) -> &Bundle {
        self.customer.as_ref().unwrap_or(&self.staff)
    }

    /// Whether a request path is one of this build's hashed files: its content never
    /// changes under that name.
    pub fn is_immutable(&self, path: &str) -> bool {
        if !self.hashed {
            return false;
        }
        let mut names = vec![&self.style, &self.staff.js, &self.staff.wasm];
        if let Some(c) = &self.customer {
            names.extend([&c.js, &c.wasm]);
        }
        let in_split_dir = |b: &Bundle| {
            b.split.as_ref().is_some_and(|s| {
                path.strip_prefix(s.dir.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|name| !name.is_empty() && !name.contains('/'))
            })
        };
        names.into_iter().any(|n| n == path) || in_split_dir(&self.staff)
    }
}

impl Split {
    /// The parts a group of lazily loaded pages needs. The group's split point is named
    /// after its function in `app::routes`, then `_` and a number the macro adds.
    pub fn parts_of(&self, group: &str) -> &[String] {
        self.parts
            .iter()
            .find(|(point, _)| {
                point
                    .strip_prefix(group)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .map_or(&[], |(_, parts)| parts.as_slice())
    }

    /// The parts of a split development build (`cargo leptos watch --split`), which
    /// leaves the splitter's map beside its files in the package directory.
    fn unhashed(site_root: &Path, pkg_dir: &str) -> Option<Split> {
        let map = std::fs::read(site_root.join(pkg_dir).join("__wasm_split_manifest.json")).ok()?;
        Some(Split {
            dir: format!("/{pkg_dir}"),
            loader: "__wasm_split.______________________.js".into(),
            parts: serde_json::from_slice(&map).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("datacheck-assets-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn without_a_manifest_the_customer_pages_use_the_staff_bundle() {
        let dir = site("none");
        let a = Assets::for_site(&dir, "pkg", "datacheck").unwrap();
        assert_eq!(a.style, "/pkg/datacheck.css");
        assert_eq!(a.customer_bundle(), &a.staff);
        assert_eq!(a.staff.wasm, "/pkg/datacheck.wasm");
        assert!(
            !a.is_immutable("/pkg/datacheck.wasm"),
            "unhashed names change content"
        );
    }

    #[test]
    fn a_manifest_names_the_hashed_files_and_only_those_are_immutable() {
        let dir = site("hashed");
        let written = Assets {
            style: "/pkg/datacheck.AAAAAAAAAAAAAAAA.css".into(),
            staff: Bundle {
                js: "/pkg/staff.BBBBBBBBBBBBBBBB/datacheck.js".into(),
                wasm: "/pkg/staff.BBBBBBBBBBBBBBBB/datacheck.wasm".into(),
                split: Some(Split {
                    dir: "/pkg/staff.BBBBBBBBBBBBBBBB".into(),
                    loader: "__wasm_split.js".into(),
                    parts: HashMap::from([("run_pages_1".into(), vec!["run_pages_1".into()])]),
                }),
            },
            customer: Some(Bundle {
                js: "/pkg/datacheck-customer.DDDDDDDDDDDDDDDD.js".into(),
                wasm: "/pkg/datacheck-customer.EEEEEEEEEEEEEEEE.wasm".into(),
                split: None,
            }),
            hashed: true,
        };
        std::fs::write(dir.join(MANIFEST), serde_json::to_vec(&written).unwrap()).unwrap();
        let read = Assets::for_site(&dir, "pkg", "datacheck").unwrap();
        assert_eq!(read, written);
        assert_eq!(
            read.customer_bundle().js,
            "/pkg/datacheck-customer.DDDDDDDDDDDDDDDD.js"
        );
        assert!(read.is_immutable("/pkg/datacheck-customer.EEEEEEEEEEEEEEEE.wasm"));
        assert!(read.is_immutable("/pkg/staff.BBBBBBBBBBBBBBBB/run_pages_1.wasm"));
        assert!(read.is_immutable("/pkg/staff.BBBBBBBBBBBBBBBB/__wasm_split.js"));
        assert!(!read.is_immutable("/pkg/staff.BBBBBBBBBBBBBBBB/"));
        assert!(!read.is_immutable("/pkg/staff.BBBBBBBBBBBBBBBBX/a.wasm"));
        assert!(!read.is_immutable("/pkg/datacheck.wasm"));
        assert!(!read.is_immutable("/favicon.svg"));
    }

    #[test]
    fn a_group_finds_its_own_parts_only() {
        let split = Split {
            dir: "/pkg/staff.X".into(),
            loader: "loader.js".into(),
            parts: HashMap::from([
                ("run_pages_123".into(), vec!["chunk_1".into()]),
                ("run_pages_extra_9".into(), vec!["chunk_2".into()]),
            ]),
        };
        assert_eq!(split.parts_of("run_pages"), ["chunk_1".to_string()]);
        assert_eq!(split.parts_of("run_pages_extra"), ["chunk_2".to_string()]);
        assert!(split.parts_of("run").is_empty());
        assert!(split.parts_of("setup_pages").is_empty());
    }

    #[test]
    fn a_broken_manifest_is_an_error_not_a_silent_default() {
        let dir = site("broken");
        std::fs::write(dir.join(MANIFEST), b"{\"style\":").unwrap();
        let err = Assets::for_site(&dir, "pkg", "datacheck").unwrap_err();
        assert!(
            err.to_string().contains("is not an asset manifest"),
            "{err}"
        );
    }
}
