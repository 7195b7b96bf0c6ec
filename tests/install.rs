//! What installing gives a user, checked without building a package: the completion scripts
//! driven in bash, zsh and fish the way a shell drives them on TAB, for every command and option
//! the command line has; the man pages pointing only at pages that exist; the .deb and .rpm
//! asset lists covering exactly the files `scripts/dist-assets` stages; `rust-version` in
//! Cargo.toml no older than what the locked dependencies need; and every relative link of the
//! Markdown manual leading to a file (and heading) that exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use oms_preflight::cli::{self, BIN, Shell};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A line to complete (the words before the cursor and the word being typed, perhaps empty) and
/// the candidates it must offer.
struct Case {
    words: Vec<String>,
    expected: Vec<String>,
}

impl Case {
    fn line(&self) -> String {
        self.words.join(" ")
    }
}

/// The cases, read off clap's command tree, so a command added later is covered as it comes:
/// the commands at the top level; for each command, its long options after `--`, one option from
/// its first letters (`check --st` → `--stage`), and each option's possible values.
fn cases() -> Vec<Case> {
    let mut command = <oms_preflight::cli::Cli as clap::CommandFactory>::command();
    command.build();
    let words = |words: &[&str]| {
        words
            .iter()
            .map(|word| word.to_string())
            .collect::<Vec<_>>()
    };
    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .collect();
    assert!(subcommands.len() >= 9, "the command tree lost its commands");
    let mut cases = vec![Case {
        words: words(&[BIN, ""]),
        expected: subcommands
            .iter()
            .map(|sub| sub.get_name().to_string())
            .collect(),
    }];
    for sub in &subcommands {
        let longs: Vec<&clap::Arg> = sub
            .get_arguments()
            .filter(|arg| !arg.is_hide_set() && arg.get_long().is_some())
            .collect();
        cases.push(Case {
            words: words(&[BIN, sub.get_name(), "--"]),
            expected: longs
                .iter()
                .map(|arg| format!("--{}", arg.get_long().unwrap()))
                .collect(),
        });
        // The first option of the command's own, by its first letters.
        if let Some(own) = longs.iter().find(|arg| !arg.is_global_set()) {
            let long = own.get_long().unwrap();
            let prefix = &long[..long.len().min(2)];
            let expected: Vec<String> = longs
                .iter()
                .map(|arg| arg.get_long().unwrap())
                .filter(|other| other.starts_with(prefix))
                .map(|other| format!("--{other}"))
                .collect();
            cases.push(Case {
                words: words(&[BIN, sub.get_name(), &format!("--{prefix}")]),
                expected,
            });
        }
        for arg in &longs {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|value| !value.is_hide_set())
                .map(|value| value.get_name().to_string())
                .collect();
            if values.is_empty() || !arg.get_action().takes_values() {
                continue;
            }
            cases.push(Case {
                words: words(&[
                    BIN,
                    sub.get_name(),
                    &format!("--{}", arg.get_long().unwrap()),
                    "",
                ]),
                expected: values,
            });
        }
    }
    cases
}

/// Whether `program` runs here; under CI its absence is a failure (`.ci/run` installs the
/// shells), elsewhere it is said and that shell is not driven.
fn shell_here(program: &str) -> bool {
    let here = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !here {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is not installed: .ci/run installs it so its completions are driven"
        );
        eprintln!("{program} is not installed: its completions are not driven here");
    }
    here
}

/// Runs `script` in `program` with `args`, bounded in time; its stdout.
fn drive(program: &str, args: &[&str]) -> String {
    let output = Command::new("timeout")
        .arg("60")
        .arg(program)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The candidates each case's line got, from output where `== LINE` starts a case and every
/// other line is a candidate (a description after a tab or a space is cut).
fn offered(output: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut offered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in output.lines() {
        if let Some(line) = line.strip_prefix("== ") {
            current = Some(line.to_string());
            offered.entry(line.to_string()).or_default();
        } else if let Some(current) = &current {
            let candidate = line.split(['\t', ' ']).next().unwrap_or("").to_string();
            if !candidate.is_empty() {
                offered.get_mut(current).unwrap().insert(candidate);
            }
        }
    }
    offered
}

fn assert_offered(shell: &str, output: &str, cases: &[Case]) {
    let offered = offered(output);
    let mut missing = Vec::new();
    for case in cases {
        let got = offered.get(&case.line()).cloned().unwrap_or_default();
        for expected in &case.expected {
            if !got.contains(expected) {
                missing.push(format!(
                    "`{}` did not offer {expected} (got {got:?})",
                    case.line()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{shell} completion:\n{}",
        missing.join("\n")
    );
}

fn script_file(dir: &Path, name: &str, shell: Shell) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, cli::completions(shell)).unwrap();
    file
}

/// bash as it completes on TAB: the function `complete -p` registered for the command, called
/// with COMP_WORDS and COMP_CWORD set and the command, the current and the previous word as
/// arguments; what it leaves in COMPREPLY is offered. Also in POSIX mode, where a function
/// named with a hyphen is refused.
#[test]
fn bash_completes_every_command_its_options_and_their_values() {
    if !shell_here("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file(dir.path(), "oms-preflight.bash", Shell::Bash);
    let cases = cases();
    let mut script = format!(
        r#"source {file}
spec="$(complete -p {BIN})" || exit 1
function="${{spec#*-F }}"; function="${{function%% *}}"
offer() {{
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
    echo "== $*"
    "$function" {BIN} "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
    printf '%s\n' "${{COMPREPLY[@]}}"
}}
"#,
        file = file.display()
    );
    for case in &cases {
        let words: Vec<String> = case.words.iter().map(|w| format!("'{w}'")).collect();
        script.push_str(&format!("offer {}\n", words.join(" ")));
    }
    let output = drive("bash", &["--norc", "--noprofile", "-c", &script]);
    assert_offered("bash", &output, &cases);
    // `check --st` is the line the bug report tried.
    assert!(
        output.contains("== oms-preflight check --st\n--stage\n"),
        "{output}"
    );
    // /bin/sh as bash: sourcing must define the function.
    drive(
        "bash",
        &["--posix", "-c", &format!("source {}", file.display())],
    );
}

/// fish's own `complete -C LINE`, which prints what TAB would offer.
#[test]
fn fish_completes_every_command_its_options_and_their_values() {
    if !shell_here("fish") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file(dir.path(), "oms-preflight.fish", Shell::Fish);
    let cases = cases();
    let mut script = format!("source {}\n", file.display());
    for case in &cases {
        let line = case.line();
        script.push_str(&format!("echo '== {line}'\ncomplete -C '{line}'\n"));
    }
    let output = drive("fish", &["--no-config", "-c", &script]);
    assert_offered("fish", &output, &cases);
}

/// zsh completes only inside its line editor: an interactive zsh in a pseudo-terminal
/// (zsh/zpty) with the script on its fpath and compinit run types each line and TAB, while
/// `compadd`, wrapped, prints each candidate it is given that matches what was typed.
#[test]
fn zsh_completes_every_command_its_options_and_their_values() {
    if !shell_here("zsh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    script_file(dir.path(), &format!("_{BIN}"), Shell::Zsh);
    let cases = cases();
    let driver = root().join("tests/complete-zsh.zsh");
    let mut args = vec![
        "-f".to_string(),
        driver.display().to_string(),
        dir.path().display().to_string(),
    ];
    args.extend(cases.iter().map(Case::line));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = drive("zsh", &args);
    assert_offered("zsh", &output, &cases);
}

/// Every page a man page points at (`oms-preflight-check(1)`) is one of the pages.
#[test]
fn the_man_pages_point_only_at_pages_that_exist() {
    let pages = cli::man_pages();
    let names: BTreeSet<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
    for (name, page) in &pages {
        let text = String::from_utf8_lossy(page).replace("\\-", "-");
        for (at, _) in text.match_indices("(1)") {
            let start = text[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |i| i + 1);
            let referenced = format!("{}.1", &text[start..at]);
            assert!(
                names.contains(referenced.as_str()),
                "{name} points at {referenced}, which is no page"
            );
        }
    }
    assert!(!names.contains("oms-preflight-help.1"));
}

/// A package's assets: each source, and where it is installed.
type Assets = Vec<(String, String)>;

/// The assets of [package.metadata.deb] and [package.metadata.generate-rpm].
fn package_assets() -> (Assets, Assets) {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let value = toml_span::parse(&manifest).unwrap();
    let deb = value
        .pointer("/package/metadata/deb/assets")
        .and_then(|assets| assets.as_array())
        .expect("[package.metadata.deb] assets")
        .iter()
        .map(|asset| {
            let asset = asset.as_array().unwrap();
            let source = asset[0].as_str().unwrap().to_string();
            let dest = format!("/{}", asset[1].as_str().unwrap());
            (source, dest)
        })
        .collect();
    let rpm = value
        .pointer("/package/metadata/generate-rpm/assets")
        .and_then(|assets| assets.as_array())
        .expect("[package.metadata.generate-rpm] assets")
        .iter()
        .map(|asset| {
            let source = asset
                .pointer("/source")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            let dest = asset
                .pointer("/dest")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            (source, dest)
        })
        .collect();
    (deb, rpm)
}

/// The files a package installs: each asset's source found among the staged files (`target/
/// assets/` is `staged`, a `*` in a file name matches any text), its destination a file path or
/// a directory ending in `/` that takes the file's name.
fn installed(
    assets: &[(String, String)],
    staged: &Path,
    staged_files: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut installed = BTreeMap::new();
    for (source, dest) in assets {
        let matches: Vec<String> = if source == "target/release/oms-preflight" {
            vec![source.clone()]
        } else if let Some(asset) = source.strip_prefix("target/assets/") {
            let (prefix, suffix) = asset.split_once('*').unwrap_or((asset, ""));
            staged_files
                .iter()
                .filter(|file| {
                    if asset.contains('*') {
                        file.starts_with(prefix)
                            && file.ends_with(suffix)
                            && !file[prefix.len()..].contains('/')
                    } else {
                        file.as_str() == asset
                    }
                })
                .map(|file| format!("target/assets/{file}"))
                .collect()
        } else {
            assert!(
                root().join(source).is_file(),
                "{source} is not in the repository"
            );
            vec![source.clone()]
        };
        assert!(
            !matches.is_empty(),
            "{source} matches no staged file in {staged:?}"
        );
        for file in matches {
            let name = file.rsplit('/').next().unwrap();
            let to = if dest.ends_with('/') {
                format!("{dest}{name}")
            } else {
                dest.clone()
            };
            installed.insert(to, file);
        }
    }
    installed
}

/// Both packages install the binary, every man page, the three completion scripts where their
/// distributions look for them, and the README; every file `scripts/dist-assets` stages is in
/// both lists. (scripts/dist builds the packages and reads their file lists back with `dpkg -c`
/// and `rpm -qpl`; it takes a release build, so it is not part of the tests.)
#[test]
fn the_package_asset_lists_cover_exactly_the_staged_files() {
    let staged = tempfile::tempdir().unwrap();
    let status = Command::new(root().join("scripts/dist-assets"))
        .arg(env!("CARGO_BIN_EXE_oms-preflight"))
        .arg(staged.path())
        .status()
        .unwrap();
    assert!(status.success());
    let mut staged_files = BTreeSet::new();
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(staged.path().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            staged_files.insert(format!("{dir}/{name}"));
        }
    }
    let pages: Vec<String> = cli::man_pages().into_iter().map(|(name, _)| name).collect();
    for page in &pages {
        assert!(
            staged_files.contains(&format!("man/{page}.gz")),
            "{page} not staged"
        );
    }
    // The staged completions are what the binary prints.
    assert_eq!(
        std::fs::read(staged.path().join("completions/oms-preflight.bash")).unwrap(),
        cli::completions(Shell::Bash)
    );
    let (deb, rpm) = package_assets();
    for (package, assets, zsh) in [
        ("deb", deb, "/usr/share/zsh/vendor-completions"),
        ("rpm", rpm, "/usr/share/zsh/site-functions"),
    ] {
        let installed = installed(&assets, staged.path(), &staged_files);
        let mut expected: BTreeSet<String> = [
            "/usr/bin/oms-preflight".to_string(),
            "/usr/share/bash-completion/completions/oms-preflight".to_string(),
            format!("{zsh}/_oms-preflight"),
            "/usr/share/fish/vendor_completions.d/oms-preflight.fish".to_string(),
            "/usr/share/doc/oms-preflight/README.md".to_string(),
        ]
        .into();
        expected.extend(
            pages
                .iter()
                .map(|page| format!("/usr/share/man/man1/{page}.gz")),
        );
        let got: BTreeSet<String> = installed.keys().cloned().collect();
        assert_eq!(got, expected, "{package} installs");
        let sources: BTreeSet<String> = installed.values().cloned().collect();
        for file in &staged_files {
            assert!(
                sources.contains(&format!("target/assets/{file}")),
                "the {package} leaves out the staged {file}"
            );
        }
    }
}

/// `1.89` and `1.89.0` alike, as three numbers.
fn version(text: &str) -> Vec<u64> {
    let mut numbers: Vec<u64> = text.split('.').map(|part| part.parse().unwrap()).collect();
    numbers.resize(3, 0);
    numbers
}

/// `rust-version` in Cargo.toml is at least the highest `rust-version` of the locked packages the
/// binary is built from (normal and build dependencies, for this platform), as `cargo metadata`
/// reads them from the packages' own manifests; and the README and docs/install.md say the same
/// version. (Only one toolchain is installed here, so no older compiler can try the build; our
/// own code is held to it by clippy's `incompatible_msrv`, which reads the same field.)
#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let output = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages: BTreeMap<&str, &serde_json::Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| (package["id"].as_str().unwrap(), package))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| (node["id"].as_str().unwrap(), node))
        .collect();
    let ours = packages
        .values()
        .find(|package| package["name"] == "oms-preflight")
        .unwrap();
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");
    // Walk the normal and build dependencies from our package.
    let mut seen = BTreeSet::new();
    let mut todo = vec![ours["id"].as_str().unwrap()];
    let mut highest: (Vec<u64>, String) = (vec![0], String::new());
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        if let Some(needs) = package["rust_version"].as_str()
            && version(needs) > highest.0
        {
            highest = (
                version(needs),
                format!("{} {} needs {needs}", package["name"], package["version"]),
            );
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let kinds = dep["dep_kinds"].as_array().unwrap();
            if kinds.iter().any(|kind| kind["kind"] != "dev") {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(seen.len() > 100, "the walk found {} packages", seen.len());
    assert!(
        version(declared) >= highest.0,
        "Cargo.toml says rust-version = {declared}, but {}: raise it (and the README's)",
        highest.1
    );
    let minor = declared.split('.').take(2).collect::<Vec<_>>().join(".");
    for doc in ["README.md", "docs/install.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        assert!(
            text.contains(&format!("Rust {minor} or later")),
            "{doc} should say `Rust {minor} or later`"
        );
    }
}

/// The Markdown files of the product: the README, the manual and the rule pages.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for top in ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"] {
        files.push(root().join(top));
    }
    let mut dirs = vec![root().join("docs"), root().join("rules")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    files
}

/// GitHub's anchor of a heading: lower case, spaces to hyphens, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut anchors = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            anchors.insert(anchor(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// Every relative link `[text](target)` of the README, the manual and the rule pages leads to a
/// file or directory that exists and, with `#anchor`, to a heading of that file.
#[test]
fn every_relative_link_of_the_manual_leads_somewhere() {
    let mut broken = Vec::new();
    let mut count = 0;
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let relative = file.strip_prefix(root()).unwrap().display().to_string();
        let mut fenced = false;
        for (number, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            if fenced {
                continue;
            }
            for (at, _) in line.match_indices("](") {
                let rest = &line[at + 2..];
                let Some(end) = rest.find(')') else { continue };
                let target = &rest[..end];
                if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                    continue;
                }
                count += 1;
                let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
                let resolved = if path.is_empty() {
                    file.clone()
                } else {
                    file.parent().unwrap().join(path)
                };
                if !resolved.exists() {
                    broken.push(format!("{relative}:{}: {target}", number + 1));
                } else if !fragment.is_empty()
                    && resolved.extension().is_some_and(|ext| ext == "md")
                    && !anchors(&std::fs::read_to_string(&resolved).unwrap()).contains(fragment)
                {
                    broken.push(format!(
                        "{relative}:{}: {target} (no such heading)",
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(count > 100, "only {count} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
