//! The OMS OpenAPI bodies (research/oms.md §1): the response envelope, one DTO per action, and
//! pure functions from a recorded HTTP answer to facts. DTOs ignore fields they do not know and
//! accept both step-naming schemes, so newer OMS versions still decode.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::facts::Tenant;
use crate::facts::oms::{
    DataSource, MappedDatabase, MappedTable, Migrations, Project, Step, StepKind,
};

/// Why an action gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The API answered and said no: HTTP 401/403 or `success: false`.
    Refused,
    /// Worth another try: HTTP 5xx or a timeout.
    Transient,
    /// No usable answer: anything else.
    Unusable,
}

/// The envelope every action answers with.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    pub success: Option<bool>,
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// An HTTP answer to `action` → its envelope's data. `status` is the HTTP status.
pub fn decode<T: DeserializeOwned>(
    action: &str,
    status: u16,
    body: &[u8],
) -> Result<Envelope<T>, Fault> {
    let fault = |kind, reason: String| Fault {
        kind,
        reason: format!("{action}: {reason}"),
    };
    match status {
        200..=299 => {}
        401 | 403 => {
            return Err(fault(
                FaultKind::Refused,
                format!("HTTP {status}: OMS rejected the user and password of [oms]"),
            ));
        }
        500..=599 => {
            return Err(fault(
                FaultKind::Transient,
                format!("HTTP {status} from OMS"),
            ));
        }
        _ => {
            return Err(fault(
                FaultKind::Unusable,
                format!("HTTP {status} from OMS"),
            ));
        }
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return Err(fault(
            FaultKind::Unusable,
            "OMS answered with HTML, not the API's JSON (a login page or a proxy in front of the API?); check [oms] url".into(),
        ));
    }
    let envelope: Envelope<T> = serde_json::from_slice(body).map_err(|error| {
        let what = if error.is_eof() {
            "the response body ends early (truncated)"
        } else {
            "the response body is not the API's JSON"
        };
        fault(FaultKind::Unusable, format!("{what}: {error}"))
    })?;
    match envelope.success {
        Some(true) => Ok(envelope),
        Some(false) => Err(fault(
            FaultKind::Refused,
            format!(
                "success=false, code {}, message {}, requestId {}",
                envelope
                    .code
                    .as_ref()
                    .map(render_code)
                    .unwrap_or_else(|| "none".into()),
                envelope.message.as_deref().unwrap_or("none"),
                envelope.request_id.as_deref().unwrap_or("none"),
            ),
        )),
        None => Err(fault(
            FaultKind::Unusable,
            "the JSON has no `success` field: not an OMS API answer".into(),
        )),
    }
}

fn render_code(code: &Value) -> String {
    match code {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

// --- ListDataSource ----------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSourceDto {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default, deserialize_with = "lenient_port")]
    pub port: Option<u16>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
}

/// A port as a number or a string, as different OMS versions send it.
fn lenient_port<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u16>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Data sources, each resolved to the plan's tenant at the same host and port.
pub fn data_sources(items: Vec<DataSourceDto>, tenants: &[(Tenant, &str, u16)]) -> Vec<DataSource> {
    items
        .into_iter()
        .map(|item| {
            let tenant = tenants
                .iter()
                .find(|(_, host, port)| {
                    item.ip
                        .as_deref()
                        .is_some_and(|ip| ip.eq_ignore_ascii_case(host))
                        && item.port == Some(*port)
                })
                .map(|(tenant, _, _)| *tenant);
            DataSource {
                id: item.id,
                name: item.name,
                kind: item.kind,
                host: item.ip,
                port: item.port,
                tenant_name: item.tenant,
                cluster: item.cluster,
                user_name: item.user_name,
                tenant,
            }
        })
        .collect()
}

// --- ListProjects ------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectItemDto {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
}

// --- DescribeProject ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectDto {
    pub id: String,
    pub name: String,
    pub status: Option<String>,
    pub source_endpoint_id: Option<String>,
    pub sink_endpoint_id: Option<String>,
    pub enable_struct_transfer: Option<bool>,
    pub enable_full_transfer: Option<bool>,
    pub enable_incr_transfer: Option<bool>,
    pub enable_reverse_incr_transfer: Option<bool>,
    pub incr_transfer_config: Option<IncrConfigDto>,
    pub reverse_incr_transfer_config: Option<IncrConfigDto>,
    pub common_transfer_config: Option<CommonConfigDto>,
    pub transfer_mapping: Option<MappingDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IncrConfigDto {
    #[serde(rename = "supportDDLTypes", alias = "supportDdlTypes")]
    pub support_ddl_types: Option<Vec<String>>,
    pub record_type_white_list: Option<Vec<String>>,
}

impl IncrConfigDto {
    /// DDL sync is on when DDL types are listed, or when `DDL` is a synced record type.
    fn ddl_sync(&self) -> Vec<String> {
        let types = self.support_ddl_types.clone().unwrap_or_default();
        if !types.is_empty() {
            return types;
        }
        let records_ddl = self
            .record_type_white_list
            .iter()
            .flatten()
            .any(|record| record.eq_ignore_ascii_case("DDL"));
        if records_ddl {
            vec!["DDL".into()]
        } else {
            vec![]
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommonConfigDto {
    pub active_active: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappingDto {
    pub databases: Vec<MappedDatabaseDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappedDatabaseDto {
    pub name: String,
    pub mapped_name: Option<String>,
    pub tables: Vec<MappedTableDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappedTableDto {
    pub name: String,
    pub mapped_name: Option<String>,
}

/// A described project, its endpoints resolved through `sources`. Steps and progress are
/// filled in separately.
pub fn project(dto: ProjectDto, sources: &[DataSource]) -> Project {
    let resolve = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| sources.iter().find(|source| &source.id == id))
            .and_then(|source| source.tenant)
    };
    let incr = dto.incr_transfer_config.unwrap_or_default();
    let reverse = dto.reverse_incr_transfer_config.unwrap_or_default();
    Project {
        source: resolve(&dto.source_endpoint_id),
        sink: resolve(&dto.sink_endpoint_id),
        id: dto.id,
        name: dto.name,
        status: dto.status.unwrap_or_else(|| "UNKNOWN".into()),
        source_endpoint_id: dto.source_endpoint_id,
        sink_endpoint_id: dto.sink_endpoint_id,
        migration: Migrations {
            schema: dto.enable_struct_transfer.unwrap_or(false),
            full: dto.enable_full_transfer.unwrap_or(false),
            incremental: dto.enable_incr_transfer.unwrap_or(false),
            reverse_incremental: dto.enable_reverse_incr_transfer.unwrap_or(false),
        },
        ddl_sync: incr.ddl_sync(),
        reverse_ddl_sync: reverse.ddl_sync(),
        active_active: dto
            .common_transfer_config
            .and_then(|common| common.active_active),
        mapping: dto
            .transfer_mapping
            .unwrap_or_default()
            .databases
            .into_iter()
            .map(|db| MappedDatabase {
                name: db.name,
                mapped_name: db.mapped_name,
                tables: db
                    .tables
                    .into_iter()
                    .map(|t| MappedTable {
                        name: t.name,
                        mapped_name: t.mapped_name,
                    })
                    .collect(),
            })
            .collect(),
        steps: crate::facts::Fact::unavailable("steps were not read for this project"),
        schema_progress: None,
    }
}

// --- DescribeProjectSteps ----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StepDto {
    pub order: Option<i64>,
    pub name: String,
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient_percent")]
    pub progress: Option<u8>,
    pub extra_info: Option<StepExtraDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StepExtraDto {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

/// A percentage as a number or a string (`"100"`, `100`, `100.0`).
fn lenient_percent<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u8>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(n)) => n.as_f64().map(|p| p.clamp(0.0, 100.0) as u8),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|p| p.clamp(0.0, 100.0) as u8),
        _ => None,
    })
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
    #[serde(deserialize_with = "lenient_percent")]
    pub struct_transfer_progress: Option<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_envelope_and_ignores_unknown_fields() {
        let body = br#"{"success":true,"errorDetail":null,"code":null,"requestId":"r1","cost":"3 ms",
            "totalCount":1,"somethingNew":{"x":1},
            "data":[{"id":"e_1","type":"OB_MYSQL","ip":"10.0.0.1","port":"2881","tenant":"t_a","extra":true}]}"#;
        let envelope: Envelope<Vec<DataSourceDto>> = decode("ListDataSource", 200, body).unwrap();
        let sources = data_sources(envelope.data.unwrap(), &[(Tenant::A, "10.0.0.1", 2881)]);
        assert_eq!(sources[0].tenant, Some(Tenant::A));
        assert_eq!(sources[0].port, Some(2881));
    }

    #[test]
    fn faults_become_reasons_never_panics() {
        let refused = decode::<Value>("ListProjects", 401, b"").unwrap_err();
        assert_eq!(refused.kind, FaultKind::Refused);
        assert_eq!(
            decode::<Value>("ListProjects", 503, b"oops")
                .unwrap_err()
                .kind,
            FaultKind::Transient
        );
        let html =
            decode::<Value>("ListProjects", 200, b"<!DOCTYPE html><html>login</html>").unwrap_err();
        assert!(html.reason.contains("HTML"), "{}", html.reason);
        let truncated = decode::<Value>(
            "ListProjects",
            200,
            br#"{"success":true,"data":[{"id":"np_1","na"#,
        )
        .unwrap_err();
        assert!(
            truncated.reason.contains("truncated"),
            "{}",
            truncated.reason
        );
        let unsuccessful = decode::<Value>(
            "DescribeProject",
            200,
            br#"{"success":false,"code":"PARAM_ERROR","message":"project not found","requestId":"req-9"}"#,
        )
        .unwrap_err();
        assert_eq!(unsuccessful.kind, FaultKind::Refused);
        assert!(
            unsuccessful.reason.contains("PARAM_ERROR") && unsuccessful.reason.contains("req-9")
        );
        assert!(decode::<Value>("ListProjects", 200, b"{}").is_err());
    }

    #[test]
    fn both_step_naming_schemes_map_to_the_same_kinds() {
        let old: Vec<StepDto> = serde_json::from_str(
            r#"[{"order":2,"name":"STRUCT_MIGRATION","status":"FINISHED","progress":100},
                {"order":3,"name":"FULL_MIGRATION","status":"RUNNING","progress":"42"},
                {"order":4,"name":"INCR_SYNC","status":"init"}]"#,
        )
        .unwrap();
        let new: Vec<StepDto> = serde_json::from_str(
            r#"[{"order":3,"name":"FULL_TRANSFER","status":"RUNNING","progress":42.0},
                {"order":2,"name":"STRUCT_TRANSFER","status":"FINISHED","progress":100},
                {"order":4,"name":"INCR_TRANSFER","status":"INIT","extraInfo":{"errorCode":null}}]"#,
        )
        .unwrap();
        let kinds = |steps: Vec<Step>| {
            steps
                .into_iter()
                .map(|s| (s.kind, s.status, s.progress))
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(steps(old)), kinds(steps(new)));
    }

    #[test]
    fn ddl_sync_from_ddl_types_or_record_types() {
        let dto: ProjectDto = serde_json::from_str(
            r#"{"id":"np_1","name":"f","sourceEndpointId":"e_a","sinkEndpointId":"e_b",
                "incrTransferConfig":{"recordTypeWhiteList":["INSERT","UPDATE","DELETE","DDL"]},
                "reverseIncrTransferConfig":{"supportDDLTypes":[]},
                "commonTransferConfig":{"activeActive":true},
                "transferMapping":{"mode":"SPECIFIC","databases":[{"name":"app","mappedName":"app_b","tables":[]}]}}"#,
        )
        .unwrap();
        let sources = data_sources(
            serde_json::from_str(
                r#"[{"id":"e_a","ip":"h","port":1},{"id":"e_b","ip":"h","port":2}]"#,
            )
            .unwrap(),
            &[(Tenant::A, "h", 1), (Tenant::B, "h", 2)],
        );
        let project = project(dto, &sources);
        assert_eq!(project.ddl_sync, vec!["DDL"]);
        assert!(project.reverse_ddl_sync.is_empty());
        assert_eq!(
            (project.source, project.sink),
            (Some(Tenant::A), Some(Tenant::B))
        );
        assert_eq!(project.active_active, Some(true));
        assert!(project.writes("APP_B", "anything"));
        assert!(!project.writes("app", "orders"));
    }
}
