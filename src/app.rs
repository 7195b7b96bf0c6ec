//! Runs a parsed command line, one function per command: arguments → load → [`check::run`]
//! → output, and returns the exit code.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::check;
use crate::cli::{
    CatalogArg, CatalogFormat, CheckArgs, Cli, CollectArgs, CollectionArgs, Command, ExplainArgs,
    FixArgs, Format, LintArgs, OutputArgs, RulesArgs, StageArg,
};
use crate::collect::bundle::Bundle;
use crate::collect::{self, CatalogChoice, RowProbe};
use crate::exit;
use crate::facts::{Facts, Tenant};
use crate::plan::{Plan, Secrets};
use crate::plan::{date::Date, waivers::Waivers};
use crate::report::text::printable;
use crate::report::{self, Report};
use crate::rules::{Input, Rule, Stage, Topology, docs, engine, registry};

pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Lint(args) => lint(args),
        Command::Collect(args) => collect_bundle(args),
        Command::Fix(args) => fix(args),
        Command::Rules(args) => Ok(list_rules(args)),
        Command::Schema => {
            print_stdout(report::json::SCHEMA);
            Ok(exit::OK)
        }
        Command::Explain(args) => explain(args),
    };
    result.unwrap_or_else(|failure| {
        print_diagnostic(failure.diagnostic.as_ref());
        failure.exit_code
    })
}

/// Why a command stopped before its report: the diagnostic shown, and the exit code.
struct Failure {
    diagnostic: Box<dyn miette::Diagnostic + Send + Sync>,
    exit_code: u8,
}

/// A usage or plan error (exit 2).
fn usage(diagnostic: impl miette::Diagnostic + Send + Sync + 'static) -> Failure {
    Failure {
        diagnostic: Box::new(diagnostic),
        exit_code: exit::USAGE,
    }
}

/// An error of the tool itself, not of its input (exit 4).
fn internal(diagnostic: impl miette::Diagnostic + Send + Sync + 'static) -> Failure {
    Failure {
        diagnostic: Box::new(diagnostic),
        exit_code: exit::INTERNAL,
    }
}

fn check(args: CheckArgs) -> Result<u8, Failure> {
    let rules =
        engine::select(&args.selection.select, &args.selection.ignore, None).map_err(usage)?;
    let base = args.plan.as_deref().or(args.snapshot.as_deref());
    let mut waivers = Waivers::default();
    // At an explicit reverse stage no rule reads the target's rows; auto may turn out forward.
    let rows = match args.stage {
        StageArg::Reverse | StageArg::Running => RowProbe::Skip,
        StageArg::Auto | StageArg::Forward => RowProbe::Probe,
    };
    let (plan, facts) = load(
        args.plan.as_deref(),
        args.snapshot.as_deref(),
        &args.collection,
        rows,
        |plan| {
            waivers = load_waivers(args.waivers.as_deref(), plan, base)?;
            Ok(())
        },
    )?;
    let options = check::Options {
        stage: stage(args.stage),
        fail_on: args.output.fail_on,
        waivers: &waivers.list,
        today: Date::today(),
    };
    let report = check::run(&plan, Some(&facts), &rules, &options);
    emit(&report, &args.output)?;
    Ok(report.exit_code)
}

fn lint(args: LintArgs) -> Result<u8, Failure> {
    let rules = engine::select(
        &args.selection.select,
        &args.selection.ignore,
        Some(Input::Plan),
    )
    .map_err(usage)?;
    let plan = Plan::load(&args.plan).map_err(usage)?;
    let waivers = load_waivers(args.waivers.as_deref(), &plan, Some(&args.plan))?;
    let options = check::Options {
        stage: Some(Stage::Forward),
        fail_on: args.output.fail_on,
        waivers: &waivers.list,
        today: Date::today(),
    };
    let report = check::run(&plan, None, &rules, &options);
    emit(&report, &args.output)?;
    Ok(report.exit_code)
}

/// The plan and facts of a run: from a bundle (`--snapshot`, the plan optional) or collected
/// live from the plan.
fn load(
    plan: Option<&std::path::Path>,
    snapshot: Option<&std::path::Path>,
    collection: &CollectionArgs,
    rows: RowProbe,
    before_collecting: impl FnOnce(&Plan) -> Result<(), Failure>,
) -> Result<(Plan, Facts), Failure> {
    match snapshot {
        Some(path) => {
            let bundle = Bundle::read(path).map_err(usage)?;
            let plan = match plan {
                Some(plan) => Plan::load(plan).map_err(usage)?,
                None => bundle.plan().map_err(usage)?,
            };
            before_collecting(&plan)?;
            Ok((plan, bundle.facts))
        }
        None => {
            let Some(path) = plan else {
                return Err(usage(MissingPlan));
            };
            let plan = Plan::load(path).map_err(usage)?;
            let secrets = Secrets::resolve(&plan).map_err(usage)?;
            // Usage errors first: nobody should wait for a collection to learn of a typo.
            before_collecting(&plan)?;
            let facts = collect_live(&plan, &secrets, collection, rows)?;
            Ok((plan, facts))
        }
    }
}

/// The waivers of a run: `--waivers`, else the file the plan names, relative to the directory
/// of `base` (the plan file, or the bundle it came in).
fn load_waivers(
    flag: Option<&std::path::Path>,
    plan: &Plan,
    base: Option<&std::path::Path>,
) -> Result<Waivers, Failure> {
    let path = match (flag, &plan.waivers) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(named)) => base
            .and_then(|base| base.parent())
            .map(|dir| dir.join(named))
            .unwrap_or_else(|| named.into()),
        (None, None) => return Ok(Waivers::default()),
    };
    Waivers::load(&path, &registry::Catalog).map_err(usage)
}

/// `fix`: the fix lines of every finding, per tenant, written for review. Never executed.
fn fix(args: FixArgs) -> Result<u8, Failure> {
    let (plan, facts) = load(
        args.plan.as_deref(),
        args.snapshot.as_deref(),
        &args.collection,
        RowProbe::Probe,
        |_| Ok(()),
    )?;
    let rules = engine::select(&[], &[], None).map_err(usage)?;
    let report = check::run(&plan, Some(&facts), &rules, &check::Options::default());
    std::fs::create_dir_all(&args.out_dir).map_err(|error| {
        usage(WriteError {
            path: args.out_dir.display().to_string(),
            reason: error.to_string(),
        })
    })?;
    for tenant in Tenant::BOTH {
        let script = report::fix::script(&report, &plan, tenant);
        let path = args.out_dir.join(format!("tenant-{tenant}.sql"));
        std::fs::write(&path, &script.text).map_err(|error| {
            usage(WriteError {
                path: path.display().to_string(),
                reason: error.to_string(),
            })
        })?;
        eprintln!(
            "wrote {} ({} statements)",
            path.display(),
            script.statements
        );
    }
    for tenant in Tenant::BOTH {
        if let Some(reason) = facts.tenant(tenant).login.unavailable_reason() {
            // A server's words may hold control characters: shown escaped, like every report.
            eprintln!(
                "incomplete: tenant {tenant} could not be read: {}",
                printable(reason)
            );
        }
    }
    if report.summary.inconclusive > 0 {
        eprintln!(
            "incomplete: {} rules could not be checked; the scripts list them",
            report.summary.inconclusive
        );
        return Ok(exit::INCOMPLETE);
    }
    Ok(exit::OK)
}

/// The stage `--stage` asks for; `None` is auto.
fn stage(arg: StageArg) -> Option<Stage> {
    match arg {
        StageArg::Auto => None,
        StageArg::Forward => Some(Stage::Forward),
        StageArg::Reverse => Some(Stage::Reverse),
        StageArg::Running => Some(Stage::Running),
    }
}

fn collect_bundle(args: CollectArgs) -> Result<u8, Failure> {
    let plan = Plan::load(&args.plan).map_err(usage)?;
    let secrets = Secrets::resolve(&plan).map_err(usage)?;
    // A bundle may be replayed at either stage: probe.
    let facts = collect_live(&plan, &secrets, &args.collection, RowProbe::Probe)?;
    let incomplete: Vec<String> = Tenant::BOTH
        .iter()
        .filter_map(|tenant| {
            let facts = facts.tenant(*tenant);
            facts
                .login
                .unavailable_reason()
                .map(|reason| format!("tenant {tenant}: {reason}"))
        })
        .collect();
    Bundle::new(&plan, facts).write(&args.out).map_err(usage)?;
    eprintln!("wrote {}", args.out.display());
    for line in &incomplete {
        eprintln!("incomplete: {}", printable(line));
    }
    Ok(if incomplete.is_empty() {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}

fn list_rules(args: RulesArgs) -> u8 {
    let text = match args.format {
        CatalogFormat::Json => {
            let catalog: Vec<serde_json::Value> = registry::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id,
                        "area": rule.area(),
                        "severity": rule.severity,
                        "stages": stages(rule),
                        "topologies": topologies(rule),
                        "reads": docs::reads(rule),
                        "summary": rule.summary,
                        "docs": docs::body(rule),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&catalog).expect("the catalog serializes") + "\n"
        }
        CatalogFormat::Human => {
            let mut table = comfy_table::Table::new();
            table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(vec!["id", "severity", "stage", "checks"]);
            for rule in registry::ALL {
                table.add_row(vec![
                    rule.id,
                    rule.severity.as_str(),
                    &docs::stage(rule),
                    rule.summary,
                ]);
            }
            format!("{table}\n")
        }
    };
    print_stdout(&text);
    exit::OK
}

/// The stages a rule applies at, each named (an empty declaration is every stage).
fn stages(rule: &Rule) -> Vec<&'static str> {
    Stage::ALL
        .into_iter()
        .filter(|stage| rule.applies_at(*stage))
        .map(Stage::as_str)
        .collect()
}

fn topologies(rule: &Rule) -> Vec<&'static str> {
    Topology::ALL
        .into_iter()
        .filter(|topology| rule.applies_to(*topology))
        .map(Topology::as_str)
        .collect()
}

fn explain(args: ExplainArgs) -> Result<u8, Failure> {
    let rule = registry::find(&args.id).ok_or_else(|| {
        let ids: Vec<&str> = registry::ALL.iter().map(|rule| rule.id).collect();
        usage(engine::UnknownSelector {
            selector: args.id.clone(),
            help: crate::plan::did_you_mean(&args.id, &ids)
                .or(Some("`oms-preflight rules` lists the catalog".into())),
        })
    })?;
    print_stdout(&docs::page(rule));
    Ok(exit::OK)
}

fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of the command.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn collect_live(
    plan: &Plan,
    secrets: &Secrets,
    collection: &CollectionArgs,
    rows: RowProbe,
) -> Result<Facts, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| internal(RuntimeError(error.to_string())))?;
    let options = collect::Options {
        timeout: Duration::from_secs_f64(collection.timeout),
        rows,
        catalog: match collection.catalog {
            CatalogArg::Auto => CatalogChoice::Auto,
            CatalogArg::InnerTables => CatalogChoice::InnerTables,
            CatalogArg::InformationSchema => CatalogChoice::InformationSchema,
        },
    };
    Ok(runtime.block_on(collect::collect(plan, secrets, options)))
}

/// Prints the report in `--format` and writes every `--report FORMAT=PATH`. Output never changes
/// the exit code, except that an unwritable report file is a usage error.
fn emit(report: &Report, output: &OutputArgs) -> Result<(), Failure> {
    let mut text = render(
        report,
        output.format,
        color(std::io::stdout().is_terminal()),
    );
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true");
    if in_actions && output.format == Format::Human && !output.no_annotations {
        text.push_str(&report::github::render(report));
    }
    print_stdout(&text);
    let mut github = output.format == Format::Github;
    for target in &output.report {
        github |= target.format == Format::Github;
        std::fs::write(&target.path, render(report, target.format, false)).map_err(|error| {
            usage(WriteError {
                path: target.path.display().to_string(),
                reason: error.to_string(),
            })
        })?;
    }
    if github || in_actions {
        // The job summary is best effort: a runner without one is not an error of the check.
        let _ = report::github::write_step_summary(report);
    }
    Ok(())
}

fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => report::human::render(report, color),
        Format::Json => report::json::render(report),
        Format::Sarif => report::sarif::render(report),
        Format::Junit => report::junit::render(report),
        Format::Github => report::github::render(report),
        Format::Gitlab => report::gitlab::render(report),
        Format::Markdown => report::markdown::render(report),
    }
}

/// Colors only on a terminal and only when NO_COLOR is unset or empty (no-color.org).
fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// A diagnostic on stderr, on an excerpt of its source: a label anywhere in a line of any
/// length renders.
fn print_diagnostic(diagnostic: &dyn miette::Diagnostic) {
    let handler = report::human::handler(color(std::io::stderr().is_terminal()));
    eprint!("{}", report::human::render_diagnostic(&handler, diagnostic));
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("check needs a plan file or --snapshot BUNDLE")]
#[diagnostic(
    code(usage::no_plan),
    help("oms-preflight check dr.toml, or oms-preflight check --snapshot bundle.json")
)]
struct MissingPlan;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {path}: {reason}")]
#[diagnostic(code(usage::write))]
struct WriteError {
    path: String,
    reason: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot start the async runtime: {0}")]
#[diagnostic(code(internal::runtime))]
struct RuntimeError(String);
