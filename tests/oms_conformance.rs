//! The truth about OMS is what OceanBase wrote: every response example of the OMS CE API
//! reference (fixtures/oms/conformance/, one folder per doc version V4.1.1–V4.2.2, zh-CN and
//! en-US, sources in sources.toml) goes through the decoder → facts path the collector uses, and
//! the facts are asserted. Our own stand-in bodies (fixtures/oms/<scenario>/) rewritten into the
//! documented shapes must give the very same facts as in their own shapes.

use oms_preflight_testkit as common;

use std::path::{Path, PathBuf};

use oms_preflight::collect::oms::READ_ACTIONS;
use oms_preflight::collect::oms::api::{
    self, ComponentsDto, DataSourceDto, DescribedDto, Envelope, Fault, PlanEndpoints, ProgressDto,
    ProjectItemDto, Reach, StepDto, VerifyResultDto,
};
use oms_preflight::facts::Tenant;
use oms_preflight::facts::oms::{
    Components, DataSource, Progress, Project, Selection, Step, StepKind, VerifiedTable, WorkerKind,
};
use oms_preflight::plan::date::parse_date_time;

/// What one answer says, as the collector turns it into facts.
#[derive(Debug, PartialEq)]
enum Decoded {
    Sources {
        sources: Vec<DataSource>,
        total: Option<u64>,
    },
    /// ListProjects: each item's id, name, whether it has ended, and whether it may touch the
    /// pair (what the collector decides from a list item).
    Items {
        items: Vec<(String, String, bool, Reach)>,
        total: Option<u64>,
    },
    Project(Box<Project>),
    Steps(Vec<Step>),
    Progress {
        progress: Progress,
        schema: Option<u8>,
        alarm_level: Option<String>,
    },
    Components(Components),
    Verified {
        tables: Vec<VerifiedTable>,
        total: Option<u64>,
    },
}

/// The plan's tenants where the examples put their data sources (hosts as the docs mask them).
fn plan() -> PlanEndpoints {
    PlanEndpoints::new(&[
        (Tenant::A, "xxx.xxx.xxx.1", 2883),
        (Tenant::B, "xxx.xxx.xxx.4", 2883),
    ])
}

fn decode(
    action: &str,
    body: &str,
    sources: &[DataSource],
    plan: &PlanEndpoints,
) -> Result<Decoded, Fault> {
    let body = body.as_bytes();
    Ok(match action {
        "ListDataSource" => {
            let envelope: Envelope<Vec<DataSourceDto>> = api::decode(action, 200, body)?;
            let (items, total) = api::page(action, 1, envelope)?;
            Decoded::Sources {
                sources: api::data_sources(items, plan),
                total,
            }
        }
        "ListProjects" => {
            let envelope: Envelope<Vec<ProjectItemDto>> = api::decode(action, 200, body)?;
            let (items, total) = api::page(action, 1, envelope)?;
            Decoded::Items {
                items: items
                    .iter()
                    .map(|item| {
                        let ended = item
                            .status
                            .as_deref()
                            .is_some_and(oms_preflight::facts::oms::has_ended);
                        (
                            item.id.clone(),
                            item.name.clone(),
                            ended,
                            item.reach(sources),
                        )
                    })
                    .collect(),
                total,
            }
        }
        "DescribeProject" => {
            let envelope: Envelope<DescribedDto> = api::decode(action, 200, body)?;
            let dto = envelope
                .data
                .ok_or_else(|| api::no_data(action, oms_preflight::i18n::Text::same("example")))?
                .single()
                .map_err(|reason| Fault {
                    kind: api::FaultKind::Malformed,
                    reason,
                })?;
            Decoded::Project(Box::new(api::project(dto, sources, plan)))
        }
        "DescribeProjectSteps" => {
            let envelope: Envelope<Vec<StepDto>> = api::decode(action, 200, body)?;
            Decoded::Steps(api::project_steps("example", envelope)?)
        }
        "DescribeProjectProgress" => {
            let envelope: Envelope<ProgressDto> = api::decode(action, 200, body)?;
            let data = envelope
                .data
                .ok_or_else(|| api::no_data(action, oms_preflight::i18n::Text::same("example")))?;
            Decoded::Progress {
                progress: data.progress(),
                schema: data.struct_transfer_progress,
                alarm_level: data.alarm_level.clone(),
            }
        }
        "DescribeProjectComponents" => {
            let envelope: Envelope<ComponentsDto> = api::decode(action, 200, body)?;
            let data = envelope
                .data
                .ok_or_else(|| api::no_data(action, oms_preflight::i18n::Text::same("example")))?;
            Decoded::Components(data.components())
        }
        "ListProjectFullVerifyResult" => {
            let envelope: Envelope<VerifyResultDto> = api::decode(action, 200, body)?;
            let total = envelope.total_count;
            let data = envelope
                .data
                .ok_or_else(|| api::no_data(action, oms_preflight::i18n::Text::same("example")))?;
            Decoded::Verified {
                tables: data.tables(),
                total,
            }
        }
        other => panic!("{other} is not an action the collector decodes"),
    })
}

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oms/conformance")
}

/// One documented example: the file, and where OceanBase printed it.
struct Example {
    file: String,
    action: String,
    origin: String,
}

fn examples() -> Vec<Example> {
    let text = std::fs::read_to_string(conformance().join("sources.toml")).unwrap();
    let mut value = toml_span::parse(&text).unwrap();
    let mut table = value.take();
    let toml_span::value::ValueInner::Table(table) = &mut table else {
        panic!("sources.toml is a table");
    };
    let fixtures = table
        .iter_mut()
        .find(|(key, _)| key.name == "fixture")
        .map(|(_, value)| value.take())
        .expect("[[fixture]] entries");
    let toml_span::value::ValueInner::Array(fixtures) = fixtures else {
        panic!("[[fixture]] is an array");
    };
    fixtures
        .into_iter()
        .map(|mut fixture| {
            let fixture = fixture.take();
            let toml_span::value::ValueInner::Table(fields) = fixture else {
                panic!("a [[fixture]] is a table");
            };
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(key, _)| key.name == name)
                    .and_then(|(_, value)| value.as_str().map(str::to_string))
                    .unwrap_or_else(|| panic!("a [[fixture]] without {name}"))
            };
            Example {
                file: field("file"),
                action: field("action"),
                origin: format!(
                    "oceanbase/oms-doc {} ({}) {} lines {}",
                    field("branch"),
                    &field("commit")[..7],
                    if field("lang") == "en-US" {
                        field("en_path")
                    } else {
                        field("path")
                    },
                    field("lines")
                ),
            }
        })
        .collect()
}

#[test]
fn every_documented_example_decodes_to_the_facts_it_shows() {
    let examples = examples();
    // Four doc versions, eight actions each, and the en-US examples that differ.
    assert!(examples.len() >= 32, "{} examples", examples.len());
    let mut actions = std::collections::BTreeSet::new();
    for example in &examples {
        actions.insert(example.action.clone());
        let body = std::fs::read_to_string(conformance().join(&example.file)).unwrap();
        let english = example.file.ends_with(".en-US.json");
        if !READ_ACTIONS.contains(&example.action.as_str()) {
            // Documented, read for its fields, never sent: the tool's allowlist does not hold it.
            assert_eq!(
                example.action, "DescribeProjectStepMetric",
                "{}",
                example.origin
            );
            continue;
        }
        let sources = documented_sources();
        let decoded = decode(&example.action, &body, &sources, &plan())
            .unwrap_or_else(|fault| panic!("{}: {}", example.origin, fault.reason));
        let expect = |expected: Decoded| {
            assert_eq!(decoded, expected, "{}", example.origin);
        };
        match example.action.as_str() {
            "ListDataSource" => expect(Decoded::Sources {
                sources: documented_sources(),
                total: Some(54),
            }),
            "ListProjects" => expect(Decoded::Items {
                // Its endpoints are data sources ListDataSource's example does not list: only
                // describing the project tells whether it touches the pair.
                items: vec![(
                    "np_4w****".into(),
                    "j_oms4****9_56_obo".into(),
                    false,
                    Reach::Unknown,
                )],
                total: Some(151),
            }),
            "DescribeProject" => {
                let Decoded::Project(project) = &decoded else {
                    panic!("{}: {decoded:?}", example.origin);
                };
                assert_documented_project(project, &example.origin);
            }
            "DescribeProjectSteps" => {
                let Decoded::Steps(steps) = &decoded else {
                    panic!("{}: {decoded:?}", example.origin);
                };
                let kinds: Vec<(Option<i64>, StepKind, &str)> = steps
                    .iter()
                    .map(|step| (step.order, step.kind, step.status.as_str()))
                    .collect();
                assert_eq!(
                    kinds,
                    [
                        (Some(1), StepKind::Precheck, "FINISHED"),
                        (Some(2), StepKind::Schema, "FINISHED"),
                        (Some(3), StepKind::LogPull, "FINISHED"),
                        (Some(4), StepKind::Full, "FINISHED"),
                        (Some(5), StepKind::Index, "FINISHED"),
                        (Some(6), StepKind::Incremental, "MONITORING"),
                        (Some(7), StepKind::Verify, "INIT"),
                        (Some(8), StepKind::Switch, "INIT"),
                        (Some(9), StepKind::ReverseIncremental, "INIT"),
                    ],
                    "{}",
                    example.origin
                );
                let incremental = &steps[5];
                assert!(incremental.is_running());
                assert_eq!(incremental.checkpoint, Some(1_689_832_976));
                assert_eq!(incremental.checkpoint_sampled_at, Some(1_689_832_977));
                assert!(!steps[8].has_started(), "{}", example.origin);
                assert!(steps.iter().all(|step| step.error.is_none()));
            }
            "DescribeProjectProgress" => expect(Decoded::Progress {
                progress: Progress {
                    incremental_checkpoint: Some(1_689_248_064),
                    reverse_checkpoint: Some(1_689_248_075),
                },
                schema: Some(100),
                alarm_level: Some("MEDIUM".into()),
            }),
            "DescribeProjectComponents" => {
                let Decoded::Components(components) = &decoded else {
                    panic!("{}: {decoded:?}", example.origin);
                };
                let (name, begin, end, heartbeat) = if english {
                    (
                        "xxx.xxx.xxx.1-7145:OB_ORACLE_np_4w3r***_4w:0000***97",
                        "2023-07-13T09:19:53",
                        "2023-07-13T12:07:27",
                        1_689_250_071,
                    )
                } else {
                    (
                        "xxx.xxx.xxx.1-7100:MYSQL_np_4x****40_4xz45vk-1-0:0000000003",
                        "2023-08-01T06:34:01",
                        "2023-08-01T09:09:18",
                        1_690_880_980,
                    )
                };
                assert_eq!(components.stores.len(), 1, "{}", example.origin);
                let store = &components.stores[0];
                assert_eq!(store.id.as_deref(), Some(name), "{}", example.origin);
                assert_eq!(store.status, "ACTIVE");
                assert_eq!(store.begin, parse_date_time(begin), "{}", example.origin);
                assert_eq!(store.end, parse_date_time(end));
                assert!(store.begin.is_some() && store.end.is_some());
                assert_eq!(store.heartbeat, Some(heartbeat));
                // The store's `gmt` (Unix seconds) equals its endCheckpoint: the strings are UTC.
                if !english {
                    assert_eq!(store.end, Some(1_690_880_958));
                }
                assert!(components.reverse_stores.is_empty());
                // Every component names its host (`ip`); the store and the Incr-Sync their
                // delays, the Incr-Sync its checkpoint as a UTC date-time.
                let workers = components.workers.observed().expect("workers");
                let kinds: Vec<WorkerKind> = workers.iter().map(|worker| worker.kind).collect();
                let expected: &[WorkerKind] = if english {
                    &[WorkerKind::Store, WorkerKind::FullImport]
                } else {
                    &[
                        WorkerKind::Store,
                        WorkerKind::IncrSync,
                        WorkerKind::FullImport,
                        WorkerKind::FullVerify,
                    ]
                };
                assert_eq!(kinds, expected, "{}", example.origin);
                assert!(
                    workers
                        .iter()
                        .all(|worker| worker.host.as_deref() == Some("xxx.xxx.xxx.1")),
                    "{}",
                    example.origin
                );
                assert_eq!(workers[0].delay, Some(if english { 1 } else { 0 }));
                if !english {
                    assert_eq!(workers[1].delay, Some(2));
                    assert_eq!(
                        workers[1].checkpoint,
                        parse_date_time("2023-08-01T09:09:37")
                    );
                }
            }
            "ListProjectFullVerifyResult" => expect(Decoded::Verified {
                tables: vec![VerifiedTable {
                    source: "TION1295***RACLE3.E****Y0RU".into(),
                    // No destTableName in any doc version: the table keeps its name.
                    target: Some("IGRAT****OR19ADG.E****Y0RU".into()),
                    source_only: 0,
                    target_only: 0,
                    mismatched: 0,
                    status: "FINISHED".into(),
                    // resultDesc ("一致", "Consistent") describes the result, not an error.
                    error: None,
                }],
                total: Some(415),
            }),
            other => panic!("{other}: no expectation"),
        }
    }
    // Every action the collector sends has a documented example.
    for action in READ_ACTIONS {
        assert!(
            actions.contains(*action),
            "no documented example of {action}"
        );
    }
}

/// ListDataSource's example as facts: an OB_MYSQL source at tenant A's host and port whose
/// `connExtraAttributes` is printed `{}` — its log settings are unknown, not absent.
fn documented_sources() -> Vec<DataSource> {
    vec![DataSource {
        id: "e_4w****v".into(),
        name: Some("RATION***1DBUTF11".into()),
        kind: Some("OB_MYSQL".into()),
        host: Some("xxx.xxx.xxx.1".into()),
        port: Some(2883),
        tenant_name: Some("dwr***".into()),
        cluster: Some("desx***".into()),
        user_name: Some("dexf***".into()),
        tenant: Some(Tenant::A),
        unresolved: None,
        log_source: None,
        ocp_name: Some("xxx.xxx.xxx.2".into()),
        schema: Some("t12***mysql".into()),
        timezone: Some("+08:00".into()),
    }]
}

fn assert_documented_project(project: &Project, origin: &str) {
    assert_eq!(project.id, "np_4w****", "{origin}");
    assert_eq!(project.name, "oms41_mig***");
    assert_eq!(project.status, "RUNNING");
    assert!(project.is_running());
    // Endpoints only in sourceConnectInfo / sinkConnectInfo (port "2883" a string), matched to
    // the plan's tenants by host and port (the docs mask every host alike).
    assert_eq!(project.source_endpoint_id.as_deref(), Some("e_4w1q****"));
    assert_eq!(project.sink_endpoint_id.as_deref(), Some("e_4w1qr2***"));
    assert_eq!(
        (project.source, project.sink),
        (Some(Tenant::A), Some(Tenant::B))
    );
    assert!(project.migration.schema && project.migration.full && project.migration.incremental);
    assert!(project.migration.reverse_incremental);
    // DDL is not among the record types: no DDL sync.
    assert!(project.ddl_sync.is_empty(), "{origin}");
    assert_eq!(
        project.record_types.as_deref(),
        Some(&["INSERT".to_string(), "DELETE".into(), "UPDATE".into()][..])
    );
    assert_eq!(project.active_active, Some(false));
    assert_eq!(project.selection, Selection::Listed);
    assert_eq!(project.mapping.len(), 1);
    let database = &project.mapping[0];
    assert_eq!(database.name, "GRATION129****");
    assert_eq!(database.target_name(), "tion12***20obmysql2");
    let tables: Vec<(&str, &str)> = database
        .tables
        .iter()
        .map(|table| (table.name.as_str(), table.target_name()))
        .collect();
    assert_eq!(tables, [("TEST_M***", "TEST_MA***")], "{origin}");
    assert_eq!(project.filters.observed().map(Vec::len), Some(0));
    assert_eq!(
        project.alarm_level.observed().map(String::as_str),
        Some("MEDIUM")
    );
}

/// `{{...}}` of the stand-in bodies, as a test fills them in.
fn vars() -> std::collections::BTreeMap<String, String> {
    [
        ("A_HOST", "127.0.0.1"),
        ("A_PORT", "2881"),
        ("B_HOST", "127.0.0.1"),
        ("B_PORT", "2882"),
        ("DB", "app"),
        ("FORWARD", "dr_app_a_to_b"),
        ("REVERSE", "dr_app_b_to_a"),
        ("NOW", "1764979200"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn our_stand_in_bodies_give_the_same_facts_in_the_documented_shapes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oms");
    let plan = PlanEndpoints::new(&[
        (Tenant::A, "127.0.0.1", 2881),
        (Tenant::B, "127.0.0.1", 2882),
    ]);
    let mut compared = 0;
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && !path.ends_with("conformance"))
        .collect();
    folders.sort();
    for folder in folders {
        let read = |name: &str| {
            std::fs::read_to_string(folder.join(name))
                .or_else(|_| std::fs::read_to_string(root.join("base").join(name)))
                .ok()
                .map(|text| common::oms_server::fill(&text, &vars()))
        };
        let sources = match read("ListDataSource.json")
            .map(|body| decode("ListDataSource", &body, &[], &plan))
        {
            Some(Ok(Decoded::Sources { sources, .. })) => sources,
            _ => vec![],
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let action = name.split('.').next().unwrap().to_string();
            let body = common::oms_server::fill(&std::fs::read_to_string(&file).unwrap(), &vars());
            let shaped = common::documented::documented(&action, &body, false);
            let ours = decode(&action, &body, &sources, &plan).map_err(|fault| fault.reason);
            let theirs = decode(&action, &shaped, &sources, &plan).map_err(|fault| fault.reason);
            assert_eq!(ours, theirs, "{}", file.display());
            compared += 1;
        }
    }
    assert!(compared > 60, "{compared} bodies compared");
}
