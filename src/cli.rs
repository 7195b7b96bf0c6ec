//! The command line (SPEC §2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::FailOn;

#[derive(Debug, Parser)]
#[command(
    name = "oms-preflight",
    version,
    about = "Pre-flight checks for OceanBase OMS active-active (disaster recovery) pairs",
    long_about = "Checks tenant A, tenant B and the planned OMS links before the forward or the reverse \
                  project is created. Only reads: SELECT and SHOW on the tenants.\n\n\
                  Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage or plan error, \
                  3 incomplete (a rule was inconclusive), 4 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
    /// List the rule catalog.
    Rules(RulesArgs),
    /// Print one rule's documentation.
    Explain(ExplainArgs),
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
    /// Seconds allowed for each connection and each statement.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. grants.target-write.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plan file (TOML). Optional with --snapshot, which carries its plan.
    pub plan: Option<PathBuf>,
    /// Which project is about to be created; auto means forward until OMS is consulted.
    #[arg(long, value_enum, default_value_t = StageArg::Auto)]
    pub stage: StageArg,
    /// Evaluate a bundle written by `collect` instead of connecting.
    #[arg(long, value_name = "BUNDLE")]
    pub snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Seconds allowed for each connection and each statement.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: f64,
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
    /// Seconds allowed for each connection and each statement.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The lowest finding severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Only these rules: a rule id (grants.target-write) or an area (grants). Repeatable.
    #[arg(long, value_name = "ID|AREA")]
    pub select: Vec<String>,
    /// Leave these rules out: a rule id or an area. Repeatable.
    #[arg(long, value_name = "ID|AREA")]
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    Auto,
    Forward,
    Reverse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 86_400.0 => Ok(seconds),
        _ => Err("a number of seconds greater than 0 (and at most 86400)".into()),
    }
}
