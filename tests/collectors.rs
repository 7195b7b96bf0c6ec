//! Recorded OMS bodies (fixtures/oms) → facts, with no network: the pure half of the OMS
//! collector, on the same files the test server serves.

use oms_preflight::collect::oms::api::{
    self, DataSourceDto, DescribedDto, Envelope, FaultKind, PlanEndpoints, ProgressDto, ProjectDto,
    ProjectItemDto, StepDto,
};
use oms_preflight::facts::Fact;
use oms_preflight::facts::Tenant;
use oms_preflight::facts::oms::{StepKind, TableFilter, Writes};

/// A fixture body with its placeholders filled in as the live tests do.
fn body(path: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!(
        "{}/fixtures/oms/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    [
        ("{{A_HOST}}", "10.0.0.1"),
        ("{{A_PORT}}", "2881"),
        ("{{B_HOST}}", "10.0.0.2"),
        ("{{B_PORT}}", "2881"),
        ("{{DB}}", "app"),
        ("{{FORWARD}}", "dr_app_a_to_b"),
        ("{{REVERSE}}", "dr_app_b_to_a"),
    ]
    .iter()
    .fold(text, |text, (key, value)| text.replace(key, value))
    .replace("{{NOW-2}}", "1794999998")
    .replace("{{NOW-3}}", "1794999997")
    .replace("{{NOW}}", "1795000000")
    .into_bytes()
}

fn data<T: serde::de::DeserializeOwned>(action: &str, path: &str) -> T {
    let envelope: Envelope<T> = api::decode(action, 200, &body(path)).unwrap();
    envelope.data.expect("data")
}

const TENANTS: &[(Tenant, &str, u16)] =
    &[(Tenant::A, "10.0.0.1", 2881), (Tenant::B, "10.0.0.2", 2881)];

fn tenants() -> PlanEndpoints {
    PlanEndpoints::new(TENANTS)
}

#[test]
fn the_base_forward_project_decodes_to_a_healthy_active_active_project() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        &tenants(),
    );
    assert_eq!(
        sources
            .iter()
            .map(|s| (s.id.as_str(), s.tenant))
            .collect::<Vec<_>>(),
        vec![
            ("e_tenant_a", Some(Tenant::A)),
            ("e_tenant_b", Some(Tenant::B))
        ]
    );
    let items: Vec<ProjectItemDto> = data("ListProjects", "base/ListProjects.json");
    assert_eq!(items.len(), 2);

    let mut project = api::project(
        data::<ProjectDto>("DescribeProject", "base/DescribeProject.np_forward.json"),
        &sources,
        &tenants(),
    );
    project.steps = oms_preflight::facts::Fact::Observed(api::steps(data::<Vec<StepDto>>(
        "DescribeProjectSteps",
        "base/DescribeProjectSteps.np_forward.json",
    )));
    let progress: ProgressDto = data(
        "DescribeProjectProgress",
        "base/DescribeProjectProgress.np_forward.json",
    );
    assert_eq!(progress.struct_transfer_progress, Some(100));
    assert_eq!(
        (project.source, project.sink),
        (Some(Tenant::A), Some(Tenant::B))
    );
    assert_eq!(project.ddl_sync, vec!["CREATE_TABLE", "ADD_COLUMN"]);
    assert_eq!(project.active_active, Some(true));
    assert!(project.migration.schema && project.migration.full && project.migration.incremental);
    assert_eq!(project.step(StepKind::Schema).unwrap().status, "FINISHED");
    assert_eq!(
        project.step(StepKind::Incremental).unwrap().status,
        "MONITORING"
    );
    assert_eq!(project.writes_database("app"), Writes::Yes { rule: None });
}

/// The data of `path` (action `action`), which must be missing or null: the answer decodes,
/// and the collector's next step calls it malformed.
fn without_data<T: serde::de::DeserializeOwned>(action: &str, path: &str) -> Envelope<T> {
    let envelope: Envelope<T> = api::decode(action, 200, &body(path)).unwrap();
    assert!(envelope.data.is_none(), "{path} has no data");
    envelope
}

#[test]
fn list_answers_without_data_are_malformed_not_empty() {
    for (action, path) in [
        ("ListProjects", "projects-no-data/ListProjects.json"),
        ("ListDataSource", "sources-no-data/ListDataSource.json"),
    ] {
        let envelope = without_data::<Vec<serde_json::Value>>(action, path);
        let fault = api::page(action, 1, envelope).unwrap_err();
        assert_eq!(fault.kind, FaultKind::Malformed, "{path}");
        assert!(
            fault.reason.starts_with(&format!("{action} (page 1)"))
                && fault.reason.contains("no data"),
            "{}",
            fault.reason
        );
    }
    let envelope = without_data::<Vec<StepDto>>(
        "DescribeProjectSteps",
        "steps-no-data/DescribeProjectSteps.np_forward.json",
    );
    let fault = api::project_steps("np_forward", envelope).unwrap_err();
    assert!(fault.reason.contains("np_forward"), "{}", fault.reason);
    // An empty list stays a real "none".
    let (items, _) = api::page(
        "ListProjects",
        1,
        api::decode::<Vec<ProjectItemDto>>(
            "ListProjects",
            200,
            &body("forward-absent/ListProjects.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(items.is_empty());
}

fn described(path: &str) -> ProjectDto {
    data::<DescribedDto>("DescribeProject", path)
        .single()
        .unwrap()
}

#[test]
fn a_project_selecting_by_matching_rule_writes_what_its_rules_select() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        &tenants(),
    );
    let project = api::project(
        described("wildcard-project/DescribeProject.np_rules.json"),
        &sources,
        &tenants(),
    );
    assert_eq!(
        project.sink,
        Some(Tenant::B),
        "the endpoint in sinkConnectInfo"
    );
    assert_eq!(project.source, None);
    let by_rule = Writes::Yes {
        rule: Some("app.*".into()),
    };
    assert_eq!(project.writes_database("app"), by_rule);
    assert_eq!(project.writes("app", "orders"), by_rule);
    assert_eq!(project.writes("app", "tmp_orders"), Writes::No);

    let excluded = api::project(
        described("wildcard-project/DescribeProject.np_excluded.json"),
        &sources,
        &tenants(),
    );
    assert_eq!(excluded.writes_database("app"), Writes::No);
    assert_eq!(
        excluded.writes_database("billing"),
        Writes::Yes {
            rule: Some("*.*".into())
        }
    );
}

#[test]
fn a_complex_selection_is_undecided() {
    let project = api::project(
        described("complex-project/DescribeProject.np_complex.json"),
        &[],
        &tenants(),
    );
    assert!(
        matches!(project.writes_database("app"), Writes::Undecided(reason) if reason.contains("COMPLEX")),
        "{:?}",
        project.selection
    );
}

#[test]
fn a_data_source_registered_by_host_name_is_compared_by_address() {
    let mut plan = PlanEndpoints::new(TENANTS);
    let items = data::<Vec<DataSourceDto>>("ListDataSource", "named-source/ListDataSource.json");
    let names = plan.names_to_resolve(items.iter().map(|item| (item.ip.as_deref(), item.port)));
    assert_eq!(names.into_iter().collect::<Vec<_>>(), vec!["localhost"]);
    // What the collector's lookup would have found: a name for tenant B's address.
    plan.addresses
        .insert("localhost".into(), Ok(vec!["10.0.0.2".parse().unwrap()]));
    let sources = api::data_sources(items, &plan);
    assert_eq!(sources[1].tenant, Some(Tenant::B));

    let mut plan = PlanEndpoints::new(TENANTS);
    plan.addresses.insert(
        "db-b.invalid".into(),
        Err(oms_preflight::i18n::Text::same(
            "host name db-b.invalid does not resolve here",
        )),
    );
    let items =
        data::<Vec<DataSourceDto>>("ListDataSource", "unresolvable-source/ListDataSource.json");
    let sources = api::data_sources(items, &plan);
    assert_eq!(sources[1].tenant, None);
    let unresolved = sources[1].unresolved.as_ref().unwrap();
    assert_eq!(unresolved.data_source, "ob_tenant_b (db-b.invalid:2881)");
    // Both tenants listen on 2881 in the recorded plan: it may be either.
    assert_eq!(unresolved.tenants, vec![Tenant::A, Tenant::B]);
}

#[test]
fn both_step_naming_schemes_give_the_same_facts() {
    let kinds = |path: &str| {
        api::steps(data::<Vec<StepDto>>("DescribeProjectSteps", path))
            .into_iter()
            // Progress is left out: the old-named fixture omits it for monitoring steps.
            .map(|step| (step.kind, step.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds("base/DescribeProjectSteps.np_forward.json"),
        kinds("old-step-names/DescribeProjectSteps.np_forward.json")
    );
}

#[test]
fn a_failed_step_keeps_its_error() {
    let steps = api::steps(data::<Vec<StepDto>>(
        "DescribeProjectSteps",
        "forward-failed/DescribeProjectSteps.np_forward.json",
    ));
    let failed = steps.iter().find(|step| step.status == "FAILED").unwrap();
    assert_eq!(failed.kind, StepKind::Full);
    assert_eq!(
        failed.error.as_deref(),
        Some("GHANA-OPERAT0001: write to target failed: Duplicate entry")
    );
}

/// ListDataSource's OceanBase `connExtraAttributes` (OMS CE 4.2.2): the log user and config
/// URL; a body without them (an older OMS) is "not shown", never "empty".
#[test]
fn data_sources_keep_how_oms_reads_their_logs() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        &tenants(),
    );
    let log = sources[0].log_source.as_ref().expect("shown");
    assert_eq!(log.drc_user.as_deref(), Some("drc_user"));
    assert!(
        log.config_url
            .as_deref()
            .unwrap()
            .contains("ObCluster=dr_cluster_1")
    );
    assert_eq!(sources[0].timezone.as_deref(), Some("+08:00"));
    assert_eq!((&sources[0].ocp_name, &sources[0].schema), (&None, &None));
    let bare: Vec<DataSourceDto> = serde_json::from_str(
        r#"[{"id": "e1", "type": "OB_MYSQL", "ip": "10.0.0.1", "port": 2881, "ocpName": "", "connExtraAttributes": {"drcUser": ""}}]"#,
    )
    .unwrap();
    let bare = api::data_sources(bare, &tenants());
    assert_eq!(
        bare[0].log_source.as_ref().unwrap().drc_user,
        None,
        "empty is none"
    );
    assert_eq!(bare[0].ocp_name, None);
}

/// `recordTypeWhiteList` is kept as OMS shows it, for link.exact-mirror.
#[test]
fn the_record_types_a_project_carries_are_kept() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        &tenants(),
    );
    let project = api::project(
        described("base/DescribeProject.np_forward.json"),
        &sources,
        &tenants(),
    );
    assert_eq!(
        project.record_types,
        Some(vec![
            "INSERT".into(),
            "UPDATE".into(),
            "DELETE".into(),
            "DDL".into()
        ])
    );
    assert_eq!(project.reverse_record_types, None);
}

/// Row filters and column selections, in both body shapes: the older one (`data` an object,
/// endpoint ids at the top) and OMS CE 4.2.2's (`data` a one-element list); the recorded
/// projects without any read as "none", not "unknown".
#[test]
fn row_filters_and_column_selections_are_read_from_both_body_shapes() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        &tenants(),
    );
    let older = api::project(
        data::<ProjectDto>(
            "DescribeProject",
            "row-filter/DescribeProject.np_forward.json",
        ),
        &sources,
        &tenants(),
    );
    let table = |row_filter: Option<&str>, columns: &[&str]| TableFilter {
        database: "app".into(),
        table: "orders".into(),
        row_filter: row_filter.map(str::to_string),
        columns: columns.iter().map(|c| c.to_string()).collect(),
    };
    assert_eq!(
        older.filters,
        Fact::Observed(vec![table(Some("amount >= 100"), &[])])
    );
    assert_eq!(older.writes("app", "orders"), Writes::Yes { rule: None });
    let newer = api::project(
        described("column-selection/DescribeProject.np_forward.json"),
        &sources,
        &tenants(),
    );
    assert_eq!(
        newer.filters,
        Fact::Observed(vec![table(None, &["id", "amount"])])
    );
    for (unfiltered, path) in [
        (
            api::project(
                data::<ProjectDto>("DescribeProject", "base/DescribeProject.np_forward.json"),
                &sources,
                &tenants(),
            ),
            "base",
        ),
        (
            api::project(
                described("single-project/DescribeProject.np_forward.json"),
                &sources,
                &tenants(),
            ),
            "single-project",
        ),
    ] {
        assert_eq!(unfiltered.filters, Fact::Observed(vec![]), "{path}");
    }
}
