//! Embeds the Chinese rule texts: every `src/i18n/zh-CN/<rule id>.md` becomes an entry of
//! `ZH_CN_RULES`, so adding a rule's Chinese text is writing one file.

use std::fmt::Write;
use std::path::Path;

fn main() {
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
