//! The command line: every command and option, from which `--help`, the completions and the
//! man page are generated.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::FailOn;
use crate::i18n::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "oms-preflight",
    version,
    about = "Pre-flight checks for OceanBase OMS active-active (disaster recovery) pairs",
    long_about = "Checks tenant A, tenant B and the planned OMS links before the forward or the reverse \
                  project is created. Only reads: SELECT and SHOW on the tenants.\n\n\
                  Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage or plan error, \
                  3 incomplete (a rule was inconclusive), 4 an output that could not be written, \
                  or an internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The language of what people read in every report format (messages, help, reasons),
    /// `explain`, `rules` and the comments of `fix` and `grants`: en or zh-CN (default: from
    /// LC_ALL, LC_MESSAGES or LANG; zh_* is zh-CN). Ids, JSON keys, SQL and exit codes never
    /// change with it.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// No progress and no notes on stderr; reports and errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the pair: connect to both tenants (or replay a bundle) and evaluate every rule.
    Check(CheckArgs),
    /// Evaluate the rules that read only the plan; no network.
    Lint(LintArgs),
    /// Collect both tenants' facts into a bundle for support or replay (`check --snapshot`).
    Collect(CollectArgs),
    /// Write reviewable SQL per tenant that resolves the grant and anti-loop findings; never run.
    Fix(FixArgs),
    /// Print the GRANT statements the plan's migration users need, per tenant; no network.
    Grants(GrantsArgs),
    /// Write a commented plan to fill in.
    Init(InitArgs),
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Print the JSON Schema of the JSON report.
    Schema,
    /// Print one rule's documentation, or the rules of an area.
    Explain(ExplainArgs),
    /// Print a shell completion script, e.g. `oms-preflight completions bash > /etc/bash_completion.d/oms-preflight`.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// two-projects: a forward and a reverse project (OMS enterprise, OMS CE up to 4.2.0);
    /// single-project: one 容灾双活 project that runs its own reverse step (OMS CE 4.2.1 and later).
    #[arg(long, value_enum, default_value_t = TopologyArg::TwoProjects)]
    pub topology: TopologyArg,
    /// Where to write the plan (never over an existing file); stdout when not given.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TopologyArg {
    TwoProjects,
    SingleProject,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// The name the binary is installed under, which the completions register and the man pages
/// are titled with.
pub const BIN: &str = "oms-preflight";

/// The completion script of `shell` for the command line.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell.generator(), &mut command, BIN, &mut script);
    match shell {
        Shell::Bash => mend_bash(&String::from_utf8_lossy(&script)).into_bytes(),
        _ => script,
    }
}

/// clap_complete's bash script, made to work for a binary whose name has a hyphen. It spells a
/// subcommand's state two ways (clap-rs/clap#6421): the loop over the words sets
/// `cmd="oms__preflight__subcmd__check"`, the case that completes it is labelled
/// `oms__subcmd__preflight__subcmd__check`, so nothing below the top level completed. The labels
/// are spelled as the loop spells them. And the function is named `_oms__preflight`: bash in
/// POSIX mode (`/bin/sh` as bash) refuses `_oms-preflight` as a function name
/// (clap-rs/clap#6468). Both are no-ops once clap_complete spells them so itself.
fn mend_bash(script: &str) -> String {
    let state = BIN.replace('-', "__");
    let misspelled = format!("{}__subcmd__", BIN.replace('-', "__subcmd__"));
    script
        .replace(&misspelled, &format!("{state}__subcmd__"))
        .replace(&format!("_{BIN}()"), &format!("_{state}()"))
        .replace(&format!("-F _{BIN} "), &format!("-F _{state} "))
}

/// The man pages of the command line (roff), generated from the same definitions as `--help`:
/// `oms-preflight.1`, then `oms-preflight-<command>.1` for each command.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    // clap's own `help` command says nothing the pages do not, and has no page of its own: the
    // pages neither list it nor point at an `oms-preflight-help(1)`.
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    // Built, each command knows its full name (`oms-preflight check`) and page title.
    command.build();
    let mut pages = Vec::new();
    let mut render = |command: clap::Command| {
        let name = command
            .get_display_name()
            .unwrap_or(command.get_name())
            .to_string();
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut page)
            .expect("writing to memory succeeds");
        pages.push((format!("{name}.1"), page));
    };
    render(command.clone());
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        render(sub.clone());
    }
    pages
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// The plan file (TOML). Optional with --snapshot, which carries its plan.
    pub plan: Option<PathBuf>,
    /// Use a bundle written by `collect` instead of connecting.
    #[arg(long, value_name = "BUNDLE")]
    pub snapshot: Option<PathBuf>,
    /// Where to write tenant-a.sql and tenant-b.sql.
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub collection: CollectionArgs,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    /// The plan file (TOML).
    pub plan: PathBuf,
    /// Only this tenant's statements, e.g. to pipe to a client; both tenants when not given.
    #[arg(long, value_enum)]
    pub tenant: Option<TenantArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TenantArg {
    A,
    B,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = CatalogFormat::Human)]
    pub format: CatalogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (grants.target-write), or an area (grants) to list its rules.
    #[arg(value_name = "ID|AREA")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plan file (TOML). Optional with --snapshot, which carries its plan.
    pub plan: Option<PathBuf>,
    /// Which project is about to be created; auto: reverse when the forward project exists in OMS.
    #[arg(long, value_enum, default_value_t = StageArg::Auto)]
    pub stage: StageArg,
    /// Evaluate a bundle written by `collect` instead of connecting.
    #[arg(long, value_name = "BUNDLE")]
    pub snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub collection: CollectionArgs,
    /// Accepted findings (TOML); overrides the plan's `waivers` file.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    pub plan: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Accepted findings (TOML); overrides the plan's `waivers` file.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    pub plan: PathBuf,
    /// Where to write the bundle (JSON).
    #[arg(long, value_name = "BUNDLE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub collection: CollectionArgs,
}

/// How a live collection runs.
#[derive(Debug, Args)]
pub struct CollectionArgs {
    /// Seconds allowed for each connection and each statement, and for the password and CA files
    /// the plan names (all together) when they are pipes or devices.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: f64,
    /// Where columns, keys and triggers are read: the kernel's inner tables (fast; needs SELECT on
    /// oceanbase.*), information_schema, or auto: the inner tables, else information_schema.
    #[arg(long, value_enum, default_value_t = CatalogArg::Auto)]
    pub catalog: CatalogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogArg {
    Auto,
    InnerTables,
    InformationSchema,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// The report printed on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write a report to a file, e.g. --report sarif=preflight.sarif. Repeatable. Each file is
    /// replaced whole or not at all.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report_target)]
    pub report: Vec<ReportTarget>,
    /// The lowest finding severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Do not add GitHub annotations to the human report when GITHUB_ACTIONS=true.
    #[arg(long)]
    pub no_annotations: bool,
}

#[derive(Debug, Clone)]
pub struct ReportTarget {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_report_target(text: &str) -> Result<ReportTarget, String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| "expected FORMAT=PATH, e.g. sarif=preflight.sarif".to_string())?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{format}`; one of {}", names.join(", "))
    })?;
    if path.is_empty() {
        return Err("the report path is empty".into());
    }
    Ok(ReportTarget {
        format,
        path: path.into(),
    })
}

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Only these rules: a rule id (grants.target-write) or an area (grants). Repeatable.
    #[arg(long, value_name = "ID|AREA")]
    pub select: Vec<String>,
    /// Leave these rules out: a rule id or an area. Repeatable. A selection that leaves no rule
    /// is a usage error.
    #[arg(long, value_name = "ID|AREA")]
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    Auto,
    Forward,
    Reverse,
    Running,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Markdown,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 86_400.0 => Ok(seconds),
        _ => Err("a number of seconds greater than 0 (and at most 86400)".into()),
    }
}
