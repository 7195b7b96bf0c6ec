//! Recorded OMS bodies (fixtures/oms) → facts, with no network: the pure half of the OMS
//! collector, on the same files the test server serves.

use oms_preflight::collect::oms::api::{
    self, DataSourceDto, Envelope, ProgressDto, ProjectDto, ProjectItemDto, StepDto,
};
use oms_preflight::facts::Tenant;
use oms_preflight::facts::oms::StepKind;

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
    .into_bytes()
}

fn data<T: serde::de::DeserializeOwned>(action: &str, path: &str) -> T {
    let envelope: Envelope<T> = api::decode(action, 200, &body(path)).unwrap();
    envelope.data.expect("data")
}

const TENANTS: &[(Tenant, &str, u16)] =
    &[(Tenant::A, "10.0.0.1", 2881), (Tenant::B, "10.0.0.2", 2881)];

#[test]
fn the_base_forward_project_decodes_to_a_healthy_active_active_project() {
    let sources = api::data_sources(
        data::<Vec<DataSourceDto>>("ListDataSource", "base/ListDataSource.json"),
        TENANTS,
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
    assert!(project.writes_database("app"));
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
