//! Drops the relocation sections from a linked wasm module.
//!
//! The staff bundle is split, and the splitter reads the relocations that
//! `-Clink-args=--emit-relocs` makes the linker keep. cargo-leptos sets that flag in
//! RUSTFLAGS, which cargo counts in every crate's fingerprint, so the customer bundle is
//! built with the same flag to reuse the crates compiled for the staff bundle. Its module
//! then carries a `linking` section and `reloc.*` sections that nothing reads: wasm-opt
//! cannot optimise a module that has them, and they would be downloaded by every phone.

use anyhow::{Context, Result};
use wasmparser::{Parser, Payload};

/// Whether a custom section is one the linker kept for relocation.
fn is_reloc_section(name: &str) -> bool {
    name == "linking" || name.starts_with("reloc.")
}

/// The module without its `linking` and `reloc.*` sections; every other section as it
/// was, in its order.
pub fn strip(module: &[u8]) -> Result<Vec<u8>> {
    let mut out = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload.context("reading the wasm module")?;
        if let Payload::CustomSection(c) = &payload
            && is_reloc_section(c.name())
        {
            continue;
        }
        // The code section is copied whole at its start; the function bodies reported
        // after it are not sections of their own.
        if let Some((id, range)) = payload.as_section() {
            let start = usize::try_from(range.start)?;
            let end = usize::try_from(range.end)?;
            out.section(&wasm_encoder::RawSection {
                id,
                data: &module[start..end],
            });
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{CustomSection, Module, TypeSection};

    fn custom(name: &str, data: &[u8]) -> CustomSection<'static> {
        CustomSection {
            name: name.to_string().into(),
            data: data.to_vec().into(),
        }
    }

    #[test]
    fn keeps_everything_but_the_relocation_sections() {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut with = Module::new();
        with.section(&types);
        with.section(&custom("linking", &[2, 0]));
        with.section(&custom("reloc.CODE", &[1, 2, 3]));
        with.section(&custom("name", b"names"));
        let mut without = Module::new();
        without.section(&types);
        without.section(&custom("name", b"names"));
        let stripped = strip(&with.finish()).unwrap();
        assert_eq!(stripped, without.finish());
        wasmparser::validate(&stripped).unwrap();
    }

    #[test]
    fn a_module_without_them_is_unchanged() {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut m = Module::new();
        m.section(&types);
        m.section(&custom("producers", b"rustc"));
        let bytes = m.finish();
        assert_eq!(strip(&bytes).unwrap(), bytes);
    }
}
