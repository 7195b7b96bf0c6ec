//! Runs a parsed command line, one function per command: arguments → load → [`check::run`]
//! → output, and returns the exit code.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::check;
use crate::cli::{
    CatalogArg, CatalogFormat, CheckArgs, Cli, CollectArgs, CollectionArgs, Command,
    CompletionsArgs, ExplainArgs, FixArgs, Format, InitArgs, LintArgs, OutputArgs, RulesArgs,
    StageArg, TopologyArg,
};
use crate::collect::bundle::Bundle;
use crate::collect::{self, CatalogChoice, RowProbe};
use crate::exit;
use crate::facts::{Facts, Tenant};
use crate::i18n::{self, Lang};
use crate::plan::{Plan, Secrets};
use crate::plan::{date::Date, waivers::Waivers};
use crate::progress::{self, Endpoint};
use crate::report::text::printable;
use crate::report::{self, Report};
use crate::rules::{Input, Rule, Stage, Topology, docs, engine, registry};

/// What every command shares: the language people read, and whether stderr stays quiet.
#[derive(Debug, Clone, Copy)]
struct Ui {
    lang: Lang,
    quiet: bool,
}

impl Ui {
    /// A note on stderr ("wrote bundle.json"), unless `--quiet`.
    fn note(self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

pub fn run(cli: Cli) -> u8 {
    let ui = Ui {
        lang: cli.lang.unwrap_or_else(Lang::from_env),
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Check(args) => check(args, ui),
        Command::Lint(args) => lint(args, ui),
        Command::Collect(args) => collect_bundle(args, ui),
        Command::Fix(args) => fix(args, ui),
        Command::Init(args) => init(args, ui),
        Command::Rules(args) => Ok(list_rules(args, ui)),
        Command::Schema => {
            print_stdout(report::json::SCHEMA);
            Ok(exit::OK)
        }
        Command::Explain(args) => explain(args, ui),
        Command::Completions(args) => Ok(completions(args)),
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

fn check(args: CheckArgs, ui: Ui) -> Result<u8, Failure> {
    let rules =
        engine::select(&args.selection.select, &args.selection.ignore, None).map_err(usage)?;
    let base = args.plan.as_deref().or(args.snapshot.as_deref());
    let mut waivers = Waivers::default();
    // At an explicit reverse stage no rule reads the target's rows; auto may turn out forward.
    let rows = match args.stage {
        StageArg::Reverse | StageArg::Running => RowProbe::Skip,
        StageArg::Auto | StageArg::Forward => RowProbe::Probe,
    };
    let Loaded { plan, facts, as_of } = load(
        args.plan.as_deref(),
        args.snapshot.as_deref(),
        &args.collection,
        rows,
        ui,
        |plan| {
            waivers = load_waivers(args.waivers.as_deref(), plan, base)?;
            Ok(())
        },
    )?;
    let options = check::Options {
        stage: stage(args.stage),
        fail_on: args.output.fail_on,
        waivers: &waivers.list,
        today: as_of,
    };
    let report = check::run(&plan, Some(&facts), &rules, &options);
    emit(&report, &args.output, ui)?;
    Ok(report.exit_code)
}

fn lint(args: LintArgs, ui: Ui) -> Result<u8, Failure> {
    let rules = engine::select(
        &args.selection.select,
        &args.selection.ignore,
        Some(Input::Plan),
    )
    .map_err(usage)?;
    let plan = load_plan(&args.plan)?;
    let waivers = load_waivers(args.waivers.as_deref(), &plan, Some(&args.plan))?;
    let options = check::Options {
        stage: Some(Stage::Forward),
        fail_on: args.output.fail_on,
        waivers: &waivers.list,
        today: Date::today(),
    };
    let report = check::run(&plan, None, &rules, &options);
    emit(&report, &args.output, ui)?;
    Ok(report.exit_code)
}

/// The plan at `path`; a bundle given where the plan belongs is named as such, with the option
/// that takes it.
fn load_plan(path: &std::path::Path) -> Result<Plan, Failure> {
    Plan::load(path).map_err(|error| {
        if looks_like_bundle(path) {
            usage(BundleAsPlan {
                path: path.display().to_string(),
            })
        } else {
            usage(error)
        }
    })
}

/// Whether the file opens like a bundle written by `collect` (a JSON object naming its facts).
fn looks_like_bundle(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.trim_start().starts_with('{')
        && ["\"facts\"", "\"format_version\"", "\"collected_at\""]
            .iter()
            .any(|key| head.contains(key))
}

/// What a run judges: the plan, its facts, and the day the facts describe.
struct Loaded {
    plan: Plan,
    facts: Facts,
    /// The day the facts were collected: today for a live run, the bundle's collection date
    /// for `--snapshot`, so a bundle attached to a ticket gets the same verdicts (waivers'
    /// expiry included) next week.
    as_of: Date,
}

/// The plan and facts of a run: from a bundle (`--snapshot`, the plan optional) or collected
/// live from the plan.
fn load(
    plan: Option<&std::path::Path>,
    snapshot: Option<&std::path::Path>,
    collection: &CollectionArgs,
    rows: RowProbe,
    ui: Ui,
    before_collecting: impl FnOnce(&Plan) -> Result<(), Failure>,
) -> Result<Loaded, Failure> {
    match snapshot {
        Some(path) => {
            let bundle = Bundle::read(path).map_err(usage)?;
            let as_of = bundle.collected_on();
            let (plan, facts) = match plan {
                // Another plan than the bundle's own: only what the bundle collected for it.
                Some(plan) => {
                    let plan = load_plan(plan)?;
                    let facts = bundle.facts_for(&plan);
                    (plan, facts)
                }
                None => (bundle.plan().map_err(usage)?, bundle.facts),
            };
            before_collecting(&plan)?;
            Ok(Loaded { plan, facts, as_of })
        }
        None => {
            let Some(path) = plan else {
                return Err(usage(MissingPlan));
            };
            let plan = load_plan(path)?;
            let secrets = Secrets::resolve(&plan).map_err(usage)?;
            // Usage errors first: nobody should wait for a collection to learn of a typo.
            before_collecting(&plan)?;
            let facts = collect_live(&plan, &secrets, collection, rows, ui)?;
            Ok(Loaded {
                plan,
                facts,
                as_of: Date::today(),
            })
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
fn fix(args: FixArgs, ui: Ui) -> Result<u8, Failure> {
    let Loaded { plan, facts, as_of } = load(
        args.plan.as_deref(),
        args.snapshot.as_deref(),
        &args.collection,
        RowProbe::Probe,
        ui,
        |_| Ok(()),
    )?;
    let rules = engine::select(&[], &[], None).map_err(usage)?;
    let options = check::Options {
        today: as_of,
        ..check::Options::default()
    };
    let report = check::run(&plan, Some(&facts), &rules, &options);
    std::fs::create_dir_all(&args.out_dir).map_err(|error| {
        usage(WriteError {
            path: args.out_dir.display().to_string(),
            reason: error.to_string(),
        })
    })?;
    for tenant in Tenant::BOTH {
        let script = report::fix::script_in(&report, &plan, tenant, ui.lang);
        let path = args.out_dir.join(format!("tenant-{tenant}.sql"));
        std::fs::write(&path, &script.text).map_err(|error| {
            usage(WriteError {
                path: path.display().to_string(),
                reason: error.to_string(),
            })
        })?;
        ui.note(&format!(
            "wrote {} ({} statements)",
            path.display(),
            script.statements
        ));
    }
    for tenant in Tenant::BOTH {
        if let Some(reason) = facts.tenant(tenant).login.unavailable_reason() {
            // A server's words may hold control characters: shown escaped, like every report.
            let line = crate::text!(
                "incomplete: tenant {tenant} could not be read: {reason}",
                "不完整：无法读取租户 {tenant}：{reason}";
                reason = reason
            );
            eprintln!("{}", printable(line.get(ui.lang)));
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

fn collect_bundle(args: CollectArgs, ui: Ui) -> Result<u8, Failure> {
    let plan = load_plan(&args.plan)?;
    let secrets = Secrets::resolve(&plan).map_err(usage)?;
    // A bundle may be replayed at either stage: probe.
    let facts = collect_live(&plan, &secrets, &args.collection, RowProbe::Probe, ui)?;
    let incomplete: Vec<i18n::Text> = Tenant::BOTH
        .iter()
        .filter_map(|tenant| {
            let facts = facts.tenant(*tenant);
            facts.login.unavailable_reason().map(|reason| {
                crate::text!(
                    "incomplete: tenant {tenant}: {reason}",
                    "不完整：租户 {tenant}：{reason}";
                    reason = reason
                )
            })
        })
        .collect();
    Bundle::new(&plan, facts).write(&args.out).map_err(usage)?;
    ui.note(&format!("wrote {}", args.out.display()));
    for line in &incomplete {
        eprintln!("{}", printable(line.get(ui.lang)));
    }
    Ok(if incomplete.is_empty() {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}

fn list_rules(args: RulesArgs, ui: Ui) -> u8 {
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
            table.set_header(
                ["id", "severity", "stage", "checks"].map(|word| i18n::tr(ui.lang, word)),
            );
            for rule in registry::ALL {
                table.add_row(vec![
                    rule.id,
                    i18n::tr(ui.lang, rule.severity.as_str()),
                    &i18n::stages(ui.lang, rule),
                    i18n::summary(ui.lang, rule),
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

/// `explain ID` prints the rule's page; `explain AREA` lists the area's rules.
fn explain(args: ExplainArgs, ui: Ui) -> Result<u8, Failure> {
    if let Some(page) = i18n::pages::area(ui.lang, &args.id) {
        print_stdout(&page);
        return Ok(exit::OK);
    }
    let rule = registry::find(&args.id).ok_or_else(|| {
        let mut names: Vec<&str> = registry::ALL.iter().map(|rule| rule.id).collect();
        for rule in registry::ALL {
            if !names.contains(&rule.area()) {
                names.push(rule.area());
            }
        }
        usage(engine::UnknownSelector {
            selector: args.id.clone(),
            help: crate::plan::did_you_mean(&args.id, &names)
                .or(Some("`oms-preflight rules` lists the catalog".into())),
        })
    })?;
    print_stdout(&i18n::pages::page(ui.lang, rule));
    Ok(exit::OK)
}

/// `init`: a commented plan to fill in, on stdout or in a new file.
fn init(args: InitArgs, ui: Ui) -> Result<u8, Failure> {
    let text = crate::init::template(match args.topology {
        TopologyArg::TwoProjects => Topology::TwoProjects,
        TopologyArg::SingleProject => Topology::SingleProject,
    });
    let Some(path) = args.out else {
        print_stdout(text);
        return Ok(exit::OK);
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    written.map_err(|error| {
        usage(WriteError {
            path: path.display().to_string(),
            reason: error.to_string(),
        })
    })?;
    ui.note(&format!(
        "wrote {}: fill in every \"\" (hosts, users, the OMS url), then run `oms-preflight lint {}`",
        path.display(),
        path.display()
    ));
    Ok(exit::OK)
}

fn completions(args: CompletionsArgs) -> u8 {
    let script = crate::cli::completions(args.shell);
    print_stdout(&String::from_utf8_lossy(&script));
    exit::OK
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
    ui: Ui,
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
    // Progress for a person at a terminal only: never on stdout, never in a pipe or a log.
    let _progress = (!ui.quiet && std::io::stderr().is_terminal()).then(|| {
        let mut endpoints = vec![Endpoint::Tenant(Tenant::A), Endpoint::Tenant(Tenant::B)];
        if plan.oms.is_some() {
            endpoints.push(Endpoint::Oms);
        }
        progress::Display::start(&endpoints)
    });
    Ok(runtime.block_on(collect::collect(plan, secrets, options)))
}

/// Prints the report in `--format` and writes every `--report FORMAT=PATH`. Output never changes
/// the exit code, except that an unwritable report file is a usage error.
fn emit(report: &Report, output: &OutputArgs, ui: Ui) -> Result<(), Failure> {
    let mut text = render(
        report,
        output.format,
        color(std::io::stdout().is_terminal()),
        ui.lang,
    );
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true");
    if in_actions && output.format == Format::Human && !output.no_annotations {
        text.push_str(&report::github::render_in(report, ui.lang));
    }
    print_stdout(&text);
    let mut github = output.format == Format::Github;
    for target in &output.report {
        github |= target.format == Format::Github;
        std::fs::write(&target.path, render(report, target.format, false, ui.lang)).map_err(
            |error| {
                usage(WriteError {
                    path: target.path.display().to_string(),
                    reason: error.to_string(),
                })
            },
        )?;
    }
    if github || in_actions {
        // The job summary is best effort: a runner without one is not an error of the check.
        let _ = report::github::write_step_summary(report, ui.lang);
    }
    Ok(())
}

/// The report in `format`, what it says in `lang`; ids, keys and exit codes never change.
fn render(report: &Report, format: Format, color: bool, lang: Lang) -> String {
    match format {
        Format::Human => report::human::render_in(report, color, lang),
        Format::Json => report::json::render_in(report, lang),
        Format::Sarif => report::sarif::render_in(report, lang),
        Format::Junit => report::junit::render_in(report, lang),
        Format::Github => report::github::render_in(report, lang),
        Format::Gitlab => report::gitlab::render_in(report, lang),
        Format::Markdown => report::markdown::render_in(report, lang),
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
#[error("{path} is a bundle written by `collect`, not a plan")]
#[diagnostic(
    code(usage::bundle_as_plan),
    help("replay it with `oms-preflight check --snapshot {path}` (its plan travels with it)")
)]
struct BundleAsPlan {
    path: String,
}

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
