//! Embeds the Chinese rule texts: every `src/i18n/zh-CN/<rule id>.md` becomes an entry of
//! `ZH_CN_RULES`, so adding a rule's Chinese text is writing one file. Also sets the
//! `live_kernels` cfg the live tests are marked with (see `live_kernels` below).

use std::fmt::Write;
use std::path::Path;

fn main() {
    live_kernels();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/zh-CN");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .map(|path| {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let id = path.file_stem().unwrap().to_string_lossy().into_owned();
                    (id, path.display().to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let mut code = String::from(
        "/// (rule id, its Chinese text), by id.\npub static ZH_CN_RULES: &[(&str, &str)] = &[\n",
    );
    for (id, path) in entries {
        let _ = writeln!(code, "    ({id:?}, include_str!({path:?})),");
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("zh_cn_rules.rs");
    std::fs::write(out, code).unwrap();
}

/// `cfg(live_kernels)` when the tests are built to run against two kernels: `scripts/test` sets
/// `OMS_PREFLIGHT_TEST_LIVE`, and with `CI` set they must run. Without it, every test that needs
/// the kernels carries `#[cfg_attr(not(live_kernels), ignore = "...")]` and `cargo test` lists it
/// as ignored, with the reason, rather than passing it without running it.
///
/// Keyed on a variable of its own rather than on `OMS_PREFLIGHT_TEST_A`: that one holds a port
/// that changes on every `scripts/test`, and a changed value would rebuild the whole package.
fn live_kernels() {
    println!("cargo::rustc-check-cfg=cfg(live_kernels)");
    println!("cargo:rerun-if-env-changed=OMS_PREFLIGHT_TEST_LIVE");
    println!("cargo:rerun-if-env-changed=CI");
    if std::env::var_os("OMS_PREFLIGHT_TEST_LIVE").is_some() || std::env::var_os("CI").is_some() {
        println!("cargo::rustc-cfg=live_kernels");
    }
}
