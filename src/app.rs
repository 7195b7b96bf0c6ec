//! Runs a parsed command line, one function per command: arguments → load → [`check::run`]
//! → output, and returns the exit code.

use std::io::IsTerminal;
use std::time::Duration;

use crate::check;
use crate::cli::{
    CatalogArg, CatalogFormat, CheckArgs, Cli, CollectArgs, CollectionArgs, Command,
    CompletionsArgs, ExplainArgs, FixArgs, Format, GrantsArgs, InitArgs, LintArgs, OutputArgs,
    RulesArgs, StageArg, TenantArg, TopologyArg,
};
use crate::collect::bundle::Bundle;
use crate::collect::{self, CatalogChoice, RowProbe};
use crate::exit;
use crate::facts::{Facts, Tenant};
use crate::i18n::Lang;
use crate::output::{self, WriteError};
use crate::plan::Plan;
use crate::plan::{date::Date, waiver_file::Waivers};
use crate::progress::{self, Endpoint};
use crate::report::printable::printable;
use crate::report::{self, Report};
use crate::rules::{Area, Input, Rule, Stage, Topology, docs, engine, registry};

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
            output::stderr(&format!("{text}\n"));
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
        Command::Grants(args) => grants(args, ui),
        Command::Init(args) => init(args, ui),
        Command::Rules(args) => list_rules(args, ui),
        Command::Schema => print_stdout(report::json::SCHEMA).map(|()| exit::OK),
        Command::Explain(args) => explain(args, ui),
        Command::Completions(args) => completions(args),
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

/// An output that could not be written (exit 4, whatever the verdict): a gate must not pass on
/// a report that never arrived.
fn unwritten(error: WriteError) -> Failure {
    Failure {
        diagnostic: Box::new(error),
        exit_code: exit::OUTPUT_FAILED,
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
            // Usage errors first: nobody should wait for a collection, or for a password file
            // that is a pipe, to learn of a typo.
            before_collecting(&plan)?;
            let (plan, facts) = collect_live(&plan, collection, rows, ui)?;
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
    output::create_dir_all(&args.out_dir).map_err(unwritten)?;
    for tenant in Tenant::BOTH {
        let script = report::fix::script_in(&report, &plan, tenant, ui.lang);
        let path = args.out_dir.join(format!("tenant-{tenant}.sql"));
        output::replace(&path, script.text.as_bytes()).map_err(unwritten)?;
        ui.note(&format!(
            "wrote {} ({} statements)",
            path.display(),
            script.statements
        ));
    }
    let unread = say_unread(&facts, ui.lang);
    if report.summary.inconclusive > 0 {
        output::stderr(&format!(
            "incomplete: {} rules could not be checked; the scripts list them\n",
            report.summary.inconclusive
        ));
    }
    if unread || report.summary.inconclusive > 0 {
        return Ok(exit::INCOMPLETE);
    }
    Ok(exit::OK)
}

/// `grants`: every statement the plan's migration users need, per tenant, from the plan alone.
fn grants(args: GrantsArgs, ui: Ui) -> Result<u8, Failure> {
    let plan = load_plan(&args.plan)?;
    let tenants: &[Tenant] = match args.tenant {
        Some(TenantArg::A) => &[Tenant::A],
        Some(TenantArg::B) => &[Tenant::B],
        None => &Tenant::BOTH,
    };
    let path = args.plan.display().to_string();
    let scripts: Vec<String> = tenants
        .iter()
        .map(|&tenant| {
            report::grants::script(&plan, &path, tenant, env!("CARGO_PKG_VERSION"), ui.lang).text
        })
        .collect();
    print_stdout(&scripts.join("\n"))?;
    Ok(exit::OK)
}

/// Says on stderr what could not be read of each tenant ([`collect::unread`]); whether
/// anything was, which makes what `collect` and `fix` wrote partial.
fn say_unread(facts: &Facts, lang: Lang) -> bool {
    let mut any = false;
    for tenant in Tenant::BOTH {
        for line in collect::unread(facts.tenant(tenant)) {
            let line = crate::text!(
                "incomplete: tenant {tenant} could not be read: {line}",
                "不完整：无法读取租户 {tenant}：{line}";
                line = line
            );
            // A server's words may hold control characters: shown escaped, like every report.
            output::stderr(&format!("{}\n", printable(line.get(lang))));
            any = true;
        }
    }
    any
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
    // A bundle may be replayed at either stage: probe.
    let (plan, facts) = collect_live(&plan, &args.collection, RowProbe::Probe, ui)?;
    let bundle = Bundle::new(&plan, facts);
    bundle.write(&args.out).map_err(unwritten)?;
    ui.note(&format!("wrote {}", args.out.display()));
    if say_unread(&bundle.facts, ui.lang) {
        output::stderr(&format!(
            "incomplete: {} is partial; `check --snapshot` on it leaves what was not read inconclusive\n",
            args.out.display()
        ));
        return Ok(exit::INCOMPLETE);
    }
    Ok(exit::OK)
}

fn list_rules(args: RulesArgs, ui: Ui) -> Result<u8, Failure> {
    let text = match args.format {
        CatalogFormat::Json => {
            let catalog: Vec<serde_json::Value> = registry::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id,
                        "area": rule.area().as_str(),
                        "severity": rule.severity,
                        "stages": stages(rule),
                        "topologies": topologies(rule),
                        "reads": docs::reads_in(ui.lang, rule),
                        // Keys and ids never change with the language; what people read does.
                        "summary": docs::summary(ui.lang, rule),
                        "docs": docs::body_in(ui.lang, rule),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&catalog).expect("the catalog serializes") + "\n"
        }
        CatalogFormat::Human => report::catalog::human(ui.lang),
    };
    print_stdout(&text)?;
    Ok(exit::OK)
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
    if let Some(page) = docs::area(ui.lang, &args.id) {
        print_stdout(&page)?;
        return Ok(exit::OK);
    }
    let rule = registry::find(&args.id).ok_or_else(|| {
        let mut names: Vec<&str> = registry::ALL.iter().map(|rule| rule.id).collect();
        names.extend(Area::ALL.map(Area::as_str));
        usage(engine::UnknownSelector {
            selector: args.id.clone(),
            help: crate::plan::did_you_mean(&args.id, &names)
                .or(Some("`oms-preflight rules` lists the catalog".into())),
        })
    })?;
    print_stdout(&docs::page_in(ui.lang, rule))?;
    Ok(exit::OK)
}

/// `init`: a commented plan to fill in, on stdout or in a new file.
fn init(args: InitArgs, ui: Ui) -> Result<u8, Failure> {
    let text = crate::init::template(match args.topology {
        TopologyArg::TwoProjects => Topology::TwoProjects,
        TopologyArg::SingleProject => Topology::SingleProject,
    });
    let Some(path) = args.out else {
        print_stdout(text)?;
        return Ok(exit::OK);
    };
    // A plan someone already filled in is never overwritten: asking for that is a usage error.
    output::create_new(&path, text.as_bytes()).map_err(|error| {
        if error.already_exists() {
            usage(error)
        } else {
            unwritten(error)
        }
    })?;
    ui.note(&format!(
        "wrote {}: fill in every \"\" (hosts, users, the OMS url), then run `oms-preflight lint {}`",
        path.display(),
        path.display()
    ));
    Ok(exit::OK)
}

fn completions(args: CompletionsArgs) -> Result<u8, Failure> {
    let script = crate::cli::completions(args.shell);
    print_stdout(&String::from_utf8_lossy(&script))?;
    Ok(exit::OK)
}

/// `text` on stdout; a closed pipe (`| head`) is not an error of the command, any other failed
/// write is.
fn print_stdout(text: &str) -> Result<(), Failure> {
    output::stdout(text).map_err(unwritten)
}

/// The facts of `plan`, collected live: first the passwords and CA files it names (a file that
/// cannot be read by `--timeout` is a plan error, exit 2), then the endpoints; and the plan as
/// the rest of the run shows it. Every password the collection sent is blanked in both,
/// whatever repeated it.
fn collect_live(
    plan: &Plan,
    collection: &CollectionArgs,
    rows: RowProbe,
    ui: Ui,
) -> Result<(Plan, Facts), Failure> {
    let timeout = Duration::from_secs_f64(collection.timeout);
    let (secrets, certificates) = crate::plan::read_named_files(plan, timeout).map_err(usage)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| internal(RuntimeError(error.to_string())))?;
    let options = collect::Options {
        timeout,
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
    let facts = runtime.block_on(collect::collect(plan, &secrets, &certificates, options));
    Ok((secrets.blank_plan(plan), facts))
}

/// Prints the report in `--format`, writes every `--report FORMAT=PATH` (each whole or not at
/// all) and, on GitHub, appends the job summary. What is written never changes the verdict,
/// but an output that could not be written is exit 4: every output is still attempted, each
/// failure is shown, and the run fails on them.
fn emit(report: &Report, args: &OutputArgs, ui: Ui) -> Result<(), Failure> {
    let mut text = render(
        report,
        args.format,
        color(std::io::stdout().is_terminal()),
        ui.lang,
    );
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true");
    if in_actions && args.format == Format::Human && !args.no_annotations {
        text.push_str(&report::github::render_in(report, ui.lang));
    }
    let mut failures = Vec::new();
    failures.extend(output::stdout(&text).err());
    let mut github = args.format == Format::Github;
    for target in &args.report {
        github |= target.format == Format::Github;
        let text = render(report, target.format, false, ui.lang);
        failures.extend(output::replace(&target.path, text.as_bytes()).err());
    }
    // GitHub gives each step its own summary file, to append to; a runner without one (the
    // variable unset) has no summary to write.
    let summary = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|path| !path.is_empty());
    if let (true, Some(path)) = (github || in_actions, summary) {
        let markdown = report::markdown::render_in(report, ui.lang);
        failures.extend(output::append(path.as_ref(), markdown.as_bytes()).err());
    }
    let last = failures.pop();
    for failure in failures {
        print_diagnostic(&failure);
    }
    last.map_or(Ok(()), |failure| Err(unwritten(failure)))
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
    output::stderr(&report::human::render_diagnostic(&handler, diagnostic));
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
#[error("cannot start the async runtime: {0}")]
#[diagnostic(code(internal::runtime))]
struct RuntimeError(String);
