//! DescribeProjectSteps, DescribeProjectProgress, DescribeProjectComponents and
//! ListProjectFullVerifyResult: where a project's steps, checkpoints, stores and verification
//! stand.

use serde::Deserialize;
use serde_json::Value;

use super::lenient;
use super::*;
use crate::facts::Fact;
use crate::facts::oms::{
    Components, Progress, Step, StepKind, Store, VerifiedTable, Worker, WorkerKind,
};
use crate::i18n::Text;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StepDto {
    #[serde(deserialize_with = "lenient::integer")]
    pub order: Option<i64>,
    pub name: String,
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::percent")]
    pub progress: Option<u8>,
    pub extra_info: Option<StepExtraDto>,
    pub step_info: Option<StepInfoDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StepInfoDto {
    #[serde(deserialize_with = "lenient::timestamp")]
    pub incr_timestamp_checkpoint: Option<u64>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub checkpoint_sample_timestamp: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StepExtraDto {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

/// DescribeProjectSteps of project `id` → its steps; no data is a malformed answer.
pub fn project_steps(id: &str, envelope: Envelope<Vec<StepDto>>) -> Result<Vec<Step>, Fault> {
    envelope
        .data
        .map(steps)
        .ok_or_else(|| no_data("DescribeProjectSteps", Text::same(id)))
}

pub fn steps(items: Vec<StepDto>) -> Vec<Step> {
    let mut steps: Vec<Step> = items
        .into_iter()
        .map(|item| Step {
            order: item.order,
            kind: StepKind::of(&item.name),
            status: item
                .status
                .unwrap_or_else(|| "UNKNOWN".into())
                .to_ascii_uppercase(),
            progress: item.progress,
            checkpoint: item
                .step_info
                .as_ref()
                .and_then(|info| info.incr_timestamp_checkpoint),
            checkpoint_sampled_at: item
                .step_info
                .as_ref()
                .and_then(|info| info.checkpoint_sample_timestamp),
            error: item
                .extra_info
                .and_then(|extra| match (extra.error_code, extra.error_msg) {
                    (None, None) => None,
                    (code, message) => Some(
                        [code, message]
                            .into_iter()
                            .flatten()
                            .filter(|part| !part.is_empty())
                            .collect::<Vec<_>>()
                            .join(": "),
                    )
                    .filter(|text| !text.is_empty()),
                }),
            name: item.name,
        })
        .collect();
    steps.sort_by_key(|step| step.order.unwrap_or(i64::MAX));
    steps
}

// --- DescribeProjectProgress -------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProgressDto {
    #[serde(deserialize_with = "lenient::percent")]
    pub struct_transfer_progress: Option<u8>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub incr_sync_checkpoint: Option<u64>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub reverse_incr_transfer_checkpoint: Option<u64>,
    /// HIGH, MEDIUM, LOW, IGNORE.
    #[serde(deserialize_with = "lenient::text")]
    pub alarm_level: Option<String>,
}

impl ProgressDto {
    pub fn progress(&self) -> Progress {
        Progress {
            incremental_checkpoint: self.incr_sync_checkpoint,
            reverse_checkpoint: self.reverse_incr_transfer_checkpoint,
        }
    }
}

// --- DescribeProjectComponents -----------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComponentsDto {
    #[serde(deserialize_with = "nullable")]
    pub store_list: Vec<StoreDto>,
    #[serde(deserialize_with = "nullable")]
    pub reverse_store_list: Vec<StoreDto>,
    #[serde(deserialize_with = "nullable")]
    pub incr_sync_components: Vec<WorkerDto>,
    #[serde(deserialize_with = "nullable")]
    pub reverse_incr_sync_components: Vec<WorkerDto>,
    #[serde(deserialize_with = "nullable")]
    pub full_import_components: Vec<WorkerDto>,
    #[serde(deserialize_with = "nullable")]
    pub full_verify_components: Vec<WorkerDto>,
}

/// An Incr-Sync, Full-Import or Full-Verification component: where it runs and, for an
/// Incr-Sync, where it stands.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkerDto {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub identity: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub ip: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// A UTC date-time without zone in every example (`"2023-08-01T09:09:37"`).
    #[serde(deserialize_with = "lenient::timestamp")]
    pub checkpoint: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub delay: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StoreDto {
    /// What the API reference names a store by; older answers (and this tool's earlier test
    /// bodies) give an `id`.
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub id: Option<String>,
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub begin_checkpoint: Option<u64>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub end_checkpoint: Option<u64>,
    #[serde(deserialize_with = "lenient::timestamp")]
    pub lately_heartbeat_time_sec: Option<u64>,
    pub err_msg: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub ip: Option<String>,
    /// Seconds behind the source.
    #[serde(deserialize_with = "lenient::count")]
    pub delay: Option<u64>,
}

impl ComponentsDto {
    pub fn components(self) -> Components {
        let mut workers = Vec::new();
        let store_workers = |kind: WorkerKind, list: &[StoreDto]| {
            list.iter()
                .take(MAX_LISTED)
                .map(|store| Worker {
                    kind,
                    name: given(store.name.clone()).or(given(store.id.clone())),
                    host: given(store.ip.clone()),
                    status: given(store.status.clone()),
                    delay: store.delay,
                    checkpoint: None,
                })
                .collect::<Vec<_>>()
        };
        workers.extend(store_workers(WorkerKind::Store, &self.store_list));
        workers.extend(store_workers(
            WorkerKind::ReverseStore,
            &self.reverse_store_list,
        ));
        for (kind, list) in [
            (WorkerKind::IncrSync, self.incr_sync_components),
            (
                WorkerKind::ReverseIncrSync,
                self.reverse_incr_sync_components,
            ),
            (WorkerKind::FullImport, self.full_import_components),
            (WorkerKind::FullVerify, self.full_verify_components),
        ] {
            workers.extend(list.into_iter().take(MAX_LISTED).map(|worker| Worker {
                kind,
                name: given(worker.name).or(given(worker.identity)),
                host: given(worker.ip),
                status: given(worker.status).map(|status| status.to_ascii_uppercase()),
                delay: worker.delay,
                checkpoint: worker.checkpoint,
            }));
        }
        let stores = |list: Vec<StoreDto>| {
            list.into_iter()
                .take(MAX_LISTED)
                .map(|store| Store {
                    id: given(store.name).or(given(store.id)),
                    status: store
                        .status
                        .unwrap_or_else(|| "UNKNOWN".into())
                        .to_ascii_uppercase(),
                    begin: store.begin_checkpoint,
                    end: store.end_checkpoint,
                    heartbeat: store.lately_heartbeat_time_sec,
                    error: store.err_msg.filter(|message| !message.is_empty()),
                })
                .collect()
        };
        Components {
            stores: stores(self.store_list),
            reverse_stores: stores(self.reverse_store_list),
            workers: Fact::Observed(workers),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VerifyResultDto {
    #[serde(deserialize_with = "nullable")]
    pub full_verify_table_statistics: Vec<VerifiedTableDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VerifiedTableDto {
    pub source_schema_name: Option<String>,
    pub source_table_name: Option<String>,
    pub dest_schema_name: Option<String>,
    pub dest_table_name: Option<String>,
    #[serde(deserialize_with = "lenient::count")]
    pub source_only_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub dest_only_count: Option<u64>,
    #[serde(deserialize_with = "lenient::count")]
    pub mismatched_count: Option<u64>,
    pub status: Option<String>,
    pub result_desc: Option<String>,
    pub error_details: Option<Value>,
}

impl VerifyResultDto {
    pub fn tables(self) -> Vec<VerifiedTable> {
        self.full_verify_table_statistics
            .into_iter()
            .take(MAX_LISTED)
            .map(|table| {
                let name = |schema: Option<String>, table: Option<String>| match (schema, table) {
                    (Some(schema), Some(table)) => Some(format!("{schema}.{table}")),
                    (None, Some(table)) => Some(table),
                    _ => None,
                };
                // No doc version has `destTableName`: a table keeps its name on the target.
                let dest_table = given(table.dest_table_name).or(table.source_table_name.clone());
                let error = match table.error_details {
                    Some(Value::String(text)) if !text.is_empty() => Some(text),
                    Some(Value::Null) | None => None,
                    Some(other) => Some(other.to_string()),
                };
                VerifiedTable {
                    source: name(table.source_schema_name, table.source_table_name)
                        .unwrap_or_else(|| "an unnamed table".into()),
                    target: table
                        .dest_schema_name
                        .and_then(|schema| name(Some(schema), dest_table)),
                    source_only: table.source_only_count.unwrap_or(0),
                    target_only: table.dest_only_count.unwrap_or(0),
                    mismatched: table.mismatched_count.unwrap_or(0),
                    status: table
                        .status
                        .unwrap_or_else(|| "UNKNOWN".into())
                        .to_ascii_uppercase(),
                    // `resultDesc` describes the result type ("一致", "Consistent"): not an error.
                    error,
                }
            })
            .collect()
    }
}
