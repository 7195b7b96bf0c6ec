//! Describing one project: DescribeProject, then for the planned projects their steps,
//! progress, stores and verification side by side.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::facts::Fact;
use crate::facts::oms::{DataSource, Project, VerifiedTable};
use crate::i18n::Text;
use crate::text;
use api::{Fault, FaultKind, PlanEndpoints};

use super::*;

pub(super) type Described = tokio::task::JoinHandle<Result<Project, Fault>>;

pub(super) fn joined(
    result: Result<Result<Project, Fault>, tokio::task::JoinError>,
) -> Result<Project, Fault> {
    result.unwrap_or_else(|error| {
        Err(Fault {
            kind: FaultKind::Unusable,
            reason: text!("internal: {error}", "内部错误：{error}"),
        })
    })
}

/// A planned project: absent when OMS does not list it, unavailable when it could not be read.
pub(super) async fn planned(task: Option<Described>) -> Fact<Option<Project>> {
    match task {
        None => Fact::Observed(None),
        Some(task) => match joined(task.await) {
            Ok(project) => Fact::Observed(Some(project)),
            Err(fault) => Fact::unavailable(fault.reason),
        },
    }
}

/// What is read of a described project besides DescribeProject: the planned projects' steps
/// and progress, nothing more for the others.
#[derive(Clone, Copy)]
pub(super) enum Details {
    None,
    StepsAndProgress,
}

/// What describing one project needs, shared by the concurrent describe tasks.
pub(super) struct Describe {
    pub(super) client: Arc<Client>,
    pub(super) sources: Arc<Vec<DataSource>>,
    pub(super) endpoints: Arc<PlanEndpoints>,
    pub(super) resolver: Arc<Resolver>,
    pub(super) limit: Arc<Semaphore>,
}

impl Describe {
    pub(super) async fn project(&self, id: &str, details: Details) -> Result<Project, Fault> {
        let client = &self.client;
        let request = json!({ "id": id });
        let envelope = {
            let _permit = self.limit.acquire().await.expect("never closed");
            client
                .call::<api::DescribedDto>("DescribeProject", &request)
                .await?
        };
        let dto = envelope
            .data
            .ok_or_else(|| client.at(api::no_data("DescribeProject", Text::same(id))))?
            .single()
            .map_err(|what| {
                client.at(Fault {
                    kind: FaultKind::Malformed,
                    reason: text!(
                        "DescribeProject ({id}): {what}",
                        "DescribeProject（{id}）：{what}";
                        what = what
                    ),
                })
            })?;
        // An endpoint shown only by host and port may need a lookup of its own.
        let names = self
            .endpoints
            .names_to_resolve(dto.endpoint_hosts(&self.sources));
        let mut endpoints = (*self.endpoints).clone();
        endpoints
            .addresses
            .extend(self.resolver.resolve(names).await);
        let mut project = api::project(dto, &self.sources, &endpoints);
        if project.id.is_empty() {
            project.id = id.to_string();
        }
        if matches!(details, Details::StepsAndProgress) {
            // The planned projects' details are independent: asked side by side.
            let (steps, progress, components, verification) = tokio::join!(
                self.read::<Vec<api::StepDto>>("DescribeProjectSteps", &request, id),
                self.read::<api::ProgressDto>("DescribeProjectProgress", &request, id),
                self.read::<api::ComponentsDto>("DescribeProjectComponents", &request, id),
                self.verification(id),
            );
            project.steps = match steps {
                Ok(steps) => Fact::Observed(api::steps(steps)),
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.progress = match progress {
                Ok(progress) => {
                    project.schema_progress = progress.struct_transfer_progress;
                    if project.alarm_level.observed().is_none() {
                        project.alarm_level = api::alarm_level(
                            progress.alarm_level.clone(),
                            "DescribeProject or DescribeProjectProgress",
                        );
                    }
                    Fact::Observed(progress.progress())
                }
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.components = match components {
                Ok(components) => Fact::Observed(components.components()),
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.verification = match verification {
                Ok(tables) => Fact::Observed(tables),
                Err(fault) => Fact::unavailable(fault.reason),
            };
        }
        Ok(project)
    }

    /// The data of one read action about project `id`; an answer without data is malformed.
    async fn read<T: DeserializeOwned>(
        &self,
        action: &'static str,
        request: &Value,
        id: &str,
    ) -> Result<T, Fault> {
        let _permit = self.limit.acquire().await.expect("never closed");
        let envelope = self.client.call::<T>(action, request).await?;
        envelope
            .data
            .ok_or_else(|| self.client.at(api::no_data(action, Text::same(id))))
    }

    /// Every verified table of project `id`, page by page, as [`next_page`] reads a list;
    /// more than [`MAX_PAGES`] pages is unavailable, never a shorter list.
    async fn verification(&self, id: &str) -> Result<Vec<VerifiedTable>, Fault> {
        let mut tables: Vec<VerifiedTable> = Vec::new();
        let mut seen = BTreeSet::new();
        for page in 1..=MAX_PAGES {
            let request = json!({"projectId": id, "pageNumber": page, "pageSize": PAGE_SIZE});
            let envelope = {
                let _permit = self.limit.acquire().await.expect("never closed");
                self.client
                    .call::<api::VerifyResultDto>("ListProjectFullVerifyResult", &request)
                    .await?
            };
            let total = envelope.total_count;
            let data = envelope.data.ok_or_else(|| {
                self.client
                    .at(api::no_data("ListProjectFullVerifyResult", Text::same(id)))
            })?;
            let before = tables.len();
            tables.extend(
                data.tables()
                    .into_iter()
                    .filter(|table| seen.insert((table.source.clone(), table.target.clone()))),
            );
            match next_page(before, tables.len(), total) {
                Paging::Next => {}
                Paging::Done => return Ok(tables),
                Paging::EndedShort => {
                    return Err(self.client.at(Fault {
                        kind: FaultKind::Malformed,
                        reason: text!(
                            "ListProjectFullVerifyResult ({id}, page {page}): a page of only tables already listed, or none ({} so far, totalCount {}): the list cannot be read whole",
                            "ListProjectFullVerifyResult（{id}，第 {page} 页）：该页只有已列出的表，或为空（目前 {} 张，totalCount {}）：无法完整读取该列表",
                            tables.len(),
                            total.unwrap_or_default()
                        ),
                    }));
                }
            }
        }
        Err(self.client.at(Fault {
            kind: FaultKind::Malformed,
            reason: text!(
                "ListProjectFullVerifyResult ({id}): more than {MAX_PAGES} pages of {PAGE_SIZE} tables, past this tool's bound; not read whole",
                "ListProjectFullVerifyResult（{id}）：超过 {MAX_PAGES} 页（每页 {PAGE_SIZE} 张表），超出本工具的上限；未完整读取"
            ),
        }))
    }
}
