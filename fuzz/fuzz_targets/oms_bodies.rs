//! The OMS body decoders on arbitrary bytes, as the collector drives them: each action's
//! envelope decoded, then its DTOs turned into facts (data sources matched to the plan's
//! tenants, a described project with its endpoints and object selection, steps, progress,
//! stores, verified tables),
//! and the selection asked whether it writes the names it carries. Never panics.
//!
//! The first byte picks the HTTP status (most values are 200); the rest is the body.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use libfuzzer_sys::fuzz_target;
use oms_preflight::collect::oms::api::{
    self, ComponentsDto, DataSourceDto, DescribedDto, PlanEndpoints, ProgressDto, ProjectItemDto,
    StepDto, VerifyResultDto,
};
use oms_preflight::facts::Tenant;

const STATUSES: [u16; 8] = [200, 200, 200, 200, 201, 401, 404, 503];

fn endpoints() -> PlanEndpoints {
    let mut plan = PlanEndpoints::new(&[
        (Tenant::A, "10.0.0.1", 2881),
        (Tenant::B, "db-b.example", 2881),
    ]);
    plan.addresses.insert(
        api::host_key("db-b.example"),
        Ok(vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))]),
    );
    plan.addresses
        .insert(
            api::host_key("localhost"),
            Err(oms_preflight::i18n::Text::same("no such host")),
        );
    plan
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(first % 8)];
    let plan = endpoints();

    let mut sources = Vec::new();
    if let Ok(envelope) = api::decode::<Vec<DataSourceDto>>("ListDataSource", status, body)
        && let Ok((items, _)) = api::page("ListDataSource", 1, envelope)
    {
        let hosts: Vec<_> = items
            .iter()
            .map(|item| (item.ip.as_deref(), item.port))
            .collect();
        let _ = plan.names_to_resolve(hosts);
        sources = api::data_sources(items, &plan);
    }
    if let Ok(envelope) = api::decode::<Vec<ProjectItemDto>>("ListProjects", status, body) {
        let _ = api::page("ListProjects", 1, envelope);
    }
    if let Ok(envelope) = api::decode::<DescribedDto>("DescribeProject", status, body)
        && let Some(Ok(dto)) = envelope.data.map(DescribedDto::single)
    {
        let _ = plan.names_to_resolve(dto.endpoint_hosts(&sources));
        let project = api::project(dto, &sources, &plan);
        let _ = (
            project.writes_database("app"),
            project.writes("app", "orders"),
        );
        for database in &project.mapping {
            let name = database.target_name();
            let _ = project.writes_database(name);
            for table in &database.tables {
                let _ = project.writes(name, table.target_name());
            }
        }
    }
    if let Ok(envelope) = api::decode::<Vec<StepDto>>("DescribeProjectSteps", status, body) {
        let _ = api::project_steps("np_forward", envelope);
    }
    if let Ok(envelope) = api::decode::<ProgressDto>("DescribeProjectProgress", status, body) {
        let _ = envelope.data.and_then(|p| p.struct_transfer_progress);
    }
    if let Ok(envelope) =
        api::decode::<ComponentsDto>("DescribeProjectComponents", status, body)
    {
        let _ = envelope.data.map(ComponentsDto::components);
    }
    if let Ok(envelope) =
        api::decode::<VerifyResultDto>("ListProjectFullVerifyResult", status, body)
    {
        let _ = envelope.data.map(VerifyResultDto::tables);
    }
});
