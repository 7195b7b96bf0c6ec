//! The OMS API's answers (`POST /api/v2?Action=NAME`, as the OMS CE API reference documents
//! them from 4.1.1: docs/versions.md): the response envelope and paging here, one module per
//! action family beside it, each a DTO and a pure function from a recorded answer to facts.
//! DTOs ignore fields they do not know, read every spelling the reference prints
//! (fixtures/oms/conformance/), and accept both step-naming schemes.

mod endpoints;
mod mapping;
mod progress;
mod projects;
mod sources;

pub use endpoints::*;
pub use mapping::*;
pub use progress::*;
pub use projects::*;
pub use sources::*;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::lenient;
use crate::i18n::Text;
use crate::text;

/// Why an action gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub reason: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The API answered and said no: HTTP 401/403 or `success: false`.
    Refused,
    /// Worth another try: HTTP 5xx or a timeout.
    Transient,
    /// No usable answer: anything else.
    Unusable,
    /// The API let us in and answered `success: true`, but without the data the action
    /// returns: access works, this one answer is malformed.
    Malformed,
}

/// The envelope every action answers with.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    #[serde(default, deserialize_with = "lenient::flag")]
    pub success: Option<bool>,
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub request_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub total_count: Option<u64>,
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// A field that OMS may send as `null`: read as its empty value, as when it is left out.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The fault of an answer that says `success: true` and carries no `data`: malformed, not
/// "nothing" — an empty list is `[]`.
pub fn no_data(action: &str, what: Text) -> Fault {
    Fault {
        kind: FaultKind::Malformed,
        reason: text!(
            "{action} ({what}): the answer says success but has no data (a malformed answer, not an empty one)",
            "{action}（{what}）：应答表示成功，却没有数据（这是格式错误的应答，而不是空应答）";
            what = what
        ),
    }
}

/// One page of a list action: its items and the total OMS reports.
pub fn page<T>(
    action: &str,
    page: u64,
    envelope: Envelope<Vec<T>>,
) -> Result<(Vec<T>, Option<u64>), Fault> {
    let items = envelope
        .data
        .ok_or_else(|| no_data(action, text!("page {page}", "第 {page} 页")))?;
    Ok((items, envelope.total_count))
}

/// An HTTP answer to `action` → its envelope's data. `status` is the HTTP status.
pub fn decode<T: DeserializeOwned>(
    action: &str,
    status: u16,
    body: &[u8],
) -> Result<Envelope<T>, Fault> {
    let fault = |kind, reason: Text| Fault {
        kind,
        reason: text!("{action}: {reason}", "{action}：{reason}"; reason = reason),
    };
    match status {
        200..=299 => {}
        401 | 403 => {
            return Err(fault(
                FaultKind::Refused,
                text!(
                    "HTTP {status}: OMS rejected the user and password of [oms]",
                    "HTTP {status}：OMS 拒绝了 [oms] 的用户名和密码"
                ),
            ));
        }
        404 => {
            return Err(fault(
                FaultKind::Unusable,
                text!(
                    "HTTP 404: no Action API at this URL (POST /api/v2?Action=..., documented from \
                     OMS CE {}; OMS 3.3.x–4.1.0 document only /api/omsp/... endpoints, which this \
                     tool does not read); check [oms] url and the OMS version",
                    "HTTP 404：该 URL 上没有 Action API（POST /api/v2?Action=...，OMS CE {} 起才有文档；\
                     OMS 3.3.x–4.1.0 只记载了本工具不读取的 /api/omsp/... 接口）；请检查 [oms] url 和 OMS 版本",
                    super::ACTION_API_SINCE
                ),
            ));
        }
        500..=599 => {
            return Err(fault(
                FaultKind::Transient,
                text!("HTTP {status} from OMS", "OMS 返回 HTTP {status}"),
            ));
        }
        _ => {
            return Err(fault(
                FaultKind::Unusable,
                text!("HTTP {status} from OMS", "OMS 返回 HTTP {status}"),
            ));
        }
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return Err(fault(
            FaultKind::Unusable,
            text!(
                "OMS answered with HTML, not the API's JSON (a login page or a proxy in front of the API?); check [oms] url",
                "OMS 返回的是 HTML，而不是 API 的 JSON（可能是登录页，或 API 前面有代理）；请检查 [oms] url"
            ),
        ));
    }
    let unreadable = |field: Option<String>, error: serde_json::Error| {
        let what = match field {
            _ if error.is_eof() => text!(
                "the response body ends early (truncated)",
                "响应体提前结束（被截断）"
            ),
            // A known field in a shape no OMS version documents: name it.
            Some(field) if error.is_data() && field != "." => {
                text!("field `{field}` cannot be read", "无法读取字段 `{field}`")
            }
            _ => text!(
                "the response body is not the API's JSON",
                "响应体不是 API 的 JSON"
            ),
        };
        fault(
            FaultKind::Unusable,
            text!("{what}: {error}", "{what}：{error}"; what = what),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope: Envelope<T> = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| unreadable(Some(error.path().to_string()), error.into_inner()))?;
    deserializer
        .end()
        .map_err(|error| unreadable(None, error))?;
    match envelope.success {
        Some(true) => Ok(envelope),
        // OMS's own words (its code and message) stay as it sent them.
        Some(false) => Err(fault(
            FaultKind::Refused,
            Text::same(format!(
                "success=false, code {}, message {}, requestId {}",
                envelope
                    .code
                    .as_ref()
                    .map(render_code)
                    .unwrap_or_else(|| "none".into()),
                envelope.message.as_deref().unwrap_or("none"),
                envelope.request_id.as_deref().unwrap_or("none"),
            )),
        )),
        None => Err(fault(
            FaultKind::Unusable,
            text!(
                "the JSON has no `success` field: not an OMS API answer",
                "该 JSON 没有 `success` 字段：不是 OMS API 的应答"
            ),
        )),
    }
}

fn render_code(code: &Value) -> String {
    match code {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A text OMS may leave empty instead of null: empty is none.
pub(super) fn given(text: Option<String>) -> Option<String> {
    text.filter(|text| !text.trim().is_empty())
}

/// An item of a list action, known by its id: pages are joined on it.
pub trait Listed {
    fn id(&self) -> &str;
}

impl Listed for ProjectItemDto {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Listed for DataSourceDto {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Items kept of a list inside one answer (stores, verified tables): more is not a real OMS.
pub const MAX_LISTED: usize = 10_000;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::facts::Fact;
    use crate::facts::Tenant;
    use crate::facts::oms::{LogSource, Writes};
    use crate::facts::oms::{Project, Selection, Step, StepKind, TableFilter};

    #[test]
    fn decodes_the_envelope_and_ignores_unknown_fields() {
        let body = br#"{"success":true,"errorDetail":null,"code":null,"requestId":"r1","cost":"3 ms",
            "totalCount":1,"somethingNew":{"x":1},
            "data":[{"id":"e_1","type":"OB_MYSQL","ip":"10.0.0.1","port":"2881","tenant":"t_a","extra":true}]}"#;
        let envelope: Envelope<Vec<DataSourceDto>> = decode("ListDataSource", 200, body).unwrap();
        let sources = data_sources(
            envelope.data.unwrap(),
            &PlanEndpoints::new(&[(Tenant::A, "10.0.0.1", 2881)]),
        );
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

    /// What OMS's answers give as reasons is said in Chinese too; OMS's own words (its code
    /// and message) and the parser's stay as they are.
    #[test]
    fn fault_reasons_are_said_in_chinese() {
        let refused = decode::<Value>("ListDataSource", 401, b"").unwrap_err();
        assert_eq!(
            refused.reason,
            "ListDataSource: HTTP 401: OMS rejected the user and password of [oms]"
        );
        assert_eq!(
            refused.reason.zh(),
            "ListDataSource：HTTP 401：OMS 拒绝了 [oms] 的用户名和密码"
        );
        let failing = decode::<Value>("ListProjects", 500, b"oops").unwrap_err();
        assert_eq!(failing.reason, "ListProjects: HTTP 500 from OMS");
        assert_eq!(failing.reason.zh(), "ListProjects：OMS 返回 HTTP 500");
        let unreadable = decode::<Vec<DataSourceDto>>(
            "ListDataSource",
            200,
            br#"{"success":true,"data":[{"id":"e_1","port":"28 81"}]}"#,
        )
        .unwrap_err();
        assert!(
            unreadable
                .reason
                .zh()
                .starts_with("ListDataSource：无法读取字段 `data[0].port`："),
            "{}",
            unreadable.reason.zh()
        );
        for fault in [
            decode::<Value>("ListProjects", 404, b"").unwrap_err(),
            decode::<Value>("ListProjects", 200, b"<html>").unwrap_err(),
            decode::<Value>("ListProjects", 200, br#"{"success":true,"data":[{"#).unwrap_err(),
            decode::<Value>("ListProjects", 200, b"{}").unwrap_err(),
            page::<Value>(
                "ListProjects",
                2,
                Envelope {
                    success: Some(true),
                    code: None,
                    message: None,
                    request_id: None,
                    total_count: None,
                    data: None,
                },
            )
            .unwrap_err(),
        ] {
            assert!(fault.reason.has_zh(), "{}", fault.reason);
            assert!(
                crate::i18n::has_chinese(fault.reason.zh()),
                "{}",
                fault.reason
            );
        }
        let unsuccessful = decode::<Value>(
            "DescribeProject",
            200,
            r#"{"success":false,"code":"PARAM_ERROR","message":"项目不存在","requestId":"r"}"#
                .as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            unsuccessful.reason.zh(),
            "DescribeProject：success=false, code PARAM_ERROR, message 项目不存在, requestId r"
        );
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
        let plan = PlanEndpoints::new(&[(Tenant::A, "h", 1), (Tenant::B, "h", 2)]);
        let sources = data_sources(
            serde_json::from_str(
                r#"[{"id":"e_a","ip":"h","port":1},{"id":"e_b","ip":"h","port":2}]"#,
            )
            .unwrap(),
            &plan,
        );
        let project = project(dto, &sources, &plan);
        assert_eq!(project.ddl_sync, vec!["DDL"]);
        assert!(project.reverse_ddl_sync.is_empty());
        assert_eq!(
            (project.source, project.sink),
            (Some(Tenant::A), Some(Tenant::B))
        );
        assert_eq!(project.active_active, Some(true));
        assert_eq!(
            project.writes("APP_B", "anything"),
            Writes::Yes { rule: None }
        );
        assert_eq!(project.writes("app", "orders"), Writes::No);
    }

    fn addresses(entries: &[(&str, Result<&[&str], &str>)]) -> Addresses {
        entries
            .iter()
            .map(|(name, result)| {
                let result = result
                    .map(|ips| ips.iter().map(|ip| ip.parse().unwrap()).collect())
                    .map_err(crate::i18n::Text::english);
                (name.to_string(), result)
            })
            .collect()
    }

    fn sources_at(hosts: &[(&str, &str, u16)]) -> Vec<DataSourceDto> {
        hosts
            .iter()
            .map(|(id, host, port)| DataSourceDto {
                id: id.to_string(),
                name: None,
                kind: Some("OB_MYSQL".into()),
                ip: Some(host.to_string()),
                port: Some(*port),
                tenant: None,
                cluster: None,
                user_name: None,
                conn_extra_attributes: None,
                ocp_name: None,
                schema: None,
                timezone: None,
            })
            .collect()
    }

    #[test]
    fn a_data_source_named_by_host_matches_the_tenant_planned_by_ip_and_the_reverse() {
        let mut plan =
            PlanEndpoints::new(&[(Tenant::A, "127.0.0.1", 2881), (Tenant::B, "db-b", 2882)]);
        let items = sources_at(&[("e_a", "LocalHost", 2881), ("e_b", "10.0.0.2", 2882)]);
        let names = plan.names_to_resolve(items.iter().map(|i| (i.ip.as_deref(), i.port)));
        assert_eq!(
            names,
            BTreeSet::from(["db-b".to_string(), "localhost".to_string()])
        );
        plan.addresses = addresses(&[
            ("localhost", Ok(&["::1", "127.0.0.1"])),
            ("db-b", Ok(&["10.0.0.2"])),
        ]);
        let sources = data_sources(items, &plan);
        assert_eq!(
            sources
                .iter()
                .map(|s| (s.tenant, s.unresolved.is_some()))
                .collect::<Vec<_>>(),
            vec![(Some(Tenant::A), false), (Some(Tenant::B), false)]
        );
    }

    #[test]
    fn a_host_name_that_does_not_resolve_is_unresolved_not_another_endpoint() {
        let mut plan =
            PlanEndpoints::new(&[(Tenant::A, "10.0.0.1", 2881), (Tenant::B, "10.0.0.2", 2881)]);
        plan.addresses = addresses(&[(
            "db-b.internal",
            Err("host name db-b.internal does not resolve here"),
        )]);
        let items = sources_at(&[
            ("e_x", "db-b.internal", 2881),
            ("e_y", "other.internal", 3306),
        ]);
        let sources = data_sources(items, &plan);
        assert_eq!(sources[0].tenant, None);
        let unresolved = sources[0].unresolved.as_ref().expect("unresolved");
        assert_eq!(unresolved.tenants, vec![Tenant::A, Tenant::B]);
        assert_eq!(unresolved.data_source, "e_x (db-b.internal:2881)");
        assert!(
            unresolved.reason.contains("does not resolve"),
            "{}",
            unresolved.reason
        );
        // On a port no tenant uses, a name is not worth a lookup and says nothing.
        assert_eq!(
            (sources[1].tenant, sources[1].unresolved.is_some()),
            (None, false)
        );
    }

    #[test]
    fn different_addresses_on_the_same_port_are_another_endpoint() {
        let mut plan = PlanEndpoints::new(&[(Tenant::A, "10.0.0.1", 2881)]);
        plan.addresses = addresses(&[("elsewhere", Ok(&["10.9.9.9"]))]);
        let sources = data_sources(sources_at(&[("e_x", "elsewhere", 2881)]), &plan);
        assert_eq!(
            (sources[0].tenant, sources[0].unresolved.is_some()),
            (None, false)
        );
    }

    fn described(body: &str) -> ProjectDto {
        let envelope: Envelope<DescribedDto> =
            decode("DescribeProject", 200, body.as_bytes()).unwrap();
        envelope.data.unwrap().single().unwrap()
    }

    #[test]
    fn the_newer_shape_names_endpoints_in_connect_infos_inside_a_list() {
        let dto = described(
            r#"{"success":true,"data":[{"id":"np_1","name":"n","status":"RUNNING",
                "sourceConnectInfo":{"endpointId":"e_a","host":"10.0.0.1","port":"2881"},
                "sinkConnectInfo":{"endpointId":"e_unlisted","endpointName":"ob_b","host":"db-b","port":"2881"},
                "transferMapping":{"mode":"SPECIFIC","databases":[{"name":"app","mappedName":"app","tables":null,"views":null}],
                  "databasesBlack":null,"tableAndViewWhiteList":null,"tableAndViewBlackList":null}}]}"#,
        );
        let mut plan =
            PlanEndpoints::new(&[(Tenant::A, "10.0.0.1", 2881), (Tenant::B, "10.0.0.2", 2881)]);
        let sources = data_sources(sources_at(&[("e_a", "10.0.0.1", 2881)]), &plan);
        let hosts = dto.endpoint_hosts(&sources);
        assert_eq!(hosts, vec![(Some("db-b"), Some(2881))]);
        assert_eq!(
            plan.names_to_resolve(hosts),
            BTreeSet::from(["db-b".to_string()])
        );
        plan.addresses = addresses(&[("db-b", Ok(&["10.0.0.2"]))]);
        let project = project(dto, &sources, &plan);
        assert_eq!(
            (project.source, project.sink),
            (Some(Tenant::A), Some(Tenant::B))
        );
        assert_eq!(project.sink_endpoint_id.as_deref(), Some("e_unlisted"));
        assert_eq!(project.selection, Selection::Listed);
        assert_eq!(project.writes_database("app"), Writes::Yes { rule: None });
    }

    #[test]
    fn a_list_of_other_than_one_project_is_malformed() {
        let envelope: Envelope<DescribedDto> =
            decode("DescribeProject", 200, br#"{"success":true,"data":[]}"#).unwrap();
        assert!(envelope.data.unwrap().single().is_err());
    }

    fn mapping(json: &str) -> Project {
        let dto: ProjectDto = serde_json::from_str(&format!(
            r#"{{"id":"np_w","name":"w","transferMapping":{json}}}"#
        ))
        .unwrap();
        project(dto, &[], &PlanEndpoints::default())
    }

    #[test]
    fn matching_rules_as_pattern_lists() {
        let project = mapping(
            r#"{"mode":"WILDCARD","tableAndViewWhiteList":["app.*","sales.order_??","hist.*=archive.all_history"],
                "tableAndViewBlackList":["app.tmp_*"],"databases":[],"databasesBlack":null}"#,
        );
        let yes = |rule: &str| Writes::Yes {
            rule: Some(rule.into()),
        };
        assert_eq!(project.writes("APP", "Orders"), yes("app.*"));
        assert_eq!(
            project.writes("app", "tmp_orders"),
            Writes::No,
            "the black list wins"
        );
        assert_eq!(project.writes_database("app"), yes("app.*"));
        assert_eq!(project.writes("sales", "order_01"), yes("sales.order_??"));
        assert_eq!(project.writes("sales", "order_1"), Writes::No);
        assert_eq!(project.writes_database("sales"), yes("sales.order_??"));
        assert_eq!(
            project.writes("archive", "all_history"),
            yes("hist.*=archive.all_history")
        );
        assert_eq!(
            project.writes_database("hist"),
            Writes::No,
            "written under another name"
        );
        assert_eq!(project.writes_database("billing"), Writes::No);
    }

    #[test]
    fn matching_rules_as_databases_of_patterns() {
        let project = mapping(
            r#"{"mode":"WILDCARD","databases":[
                  {"name":"app*","mappedName":null,"tables":[{"name":"*"}]},
                  {"name":"crm","mappedName":"crm_b","tables":[],"specificTables":[{"name":"users","mappedName":"members"}]}],
                "databasesBlack":[{"name":"app_log","tables":[]},{"name":"app","tables":[{"name":"audit_?"}]}]}"#,
        );
        let yes = |rule: &str| Writes::Yes {
            rule: Some(rule.into()),
        };
        assert_eq!(project.writes("app", "orders"), yes("app*.*"));
        assert_eq!(project.writes("app", "audit_1"), Writes::No);
        assert_eq!(
            project.writes_database("app_log"),
            Writes::No,
            "a black-listed database"
        );
        assert_eq!(project.writes_database("app_x"), yes("app*.*"));
        assert_eq!(project.writes("crm_b", "orders"), yes("crm.*=crm_b.*"));
        assert_eq!(
            project.writes("crm_b", "users"),
            Writes::No,
            "users goes to members"
        );
        assert_eq!(
            project.writes("crm_b", "members"),
            yes("crm.users=crm_b.members")
        );
        assert_eq!(project.writes_database("crm"), Writes::No);
    }

    #[test]
    fn row_filters_and_column_selections_are_read_in_either_mode() {
        let listed = mapping(
            r#"{"mode":"SPECIFIC","databases":[{"name":"app","mappedName":"app","tables":[
                  {"name":"orders","mappedName":"orders","whereClause":" amount >= 100 ","filterColumns":null},
                  {"name":"users","mappedName":"users","whereClause":"","filterColumns":["id",{"name":"email"},null," "]},
                  {"name":"items","mappedName":"items","whereClause":null,"filterColumns":[],"shardColumns":["id"]}]}]}"#,
        );
        assert_eq!(
            listed.filters,
            Fact::Observed(vec![
                TableFilter {
                    database: "app".into(),
                    table: "orders".into(),
                    row_filter: Some("amount >= 100".into()),
                    columns: vec![],
                },
                TableFilter {
                    database: "app".into(),
                    table: "users".into(),
                    row_filter: None,
                    columns: vec!["id".into(), "email".into()],
                },
            ]),
            "a shard key is no filter; empty is none"
        );
        let wildcard = mapping(
            r#"{"mode":"WILDCARD","databases":[{"name":"crm","tables":[{"name":"*"}],
                  "specificTables":[{"name":"users","mappedName":"users","whereClause":"region = 'EU'"}]}]}"#,
        );
        assert_eq!(
            wildcard.filters,
            Fact::Observed(vec![TableFilter {
                database: "crm".into(),
                table: "users".into(),
                row_filter: Some("region = 'EU'".into()),
                columns: vec![],
            }])
        );
        let unfiltered = mapping(r#"{"mode":"SPECIFIC","databases":[{"name":"app"}]}"#);
        assert_eq!(unfiltered.filters, Fact::Observed(vec![]));
        assert!(
            mapping("null")
                .filters
                .unavailable_reason()
                .is_some_and(|reason| reason.contains("no transferMapping")),
            "no mapping: filters unknown, not none"
        );
    }

    #[test]
    fn a_mode_that_cannot_be_evaluated_is_undecided_never_nothing() {
        for (json, why) in [
            (r#"{"mode":"COMPLEX","databases":[]}"#, "COMPLEX mode"),
            (
                r#"{"mode":"WILDCARD","tableAndViewWhiteList":[]}"#,
                "no matching rule",
            ),
            (
                r#"{"mode":"WILDCARD","tableAndViewWhiteList":["a.b=c.d=e.f"]}"#,
                "could not be read",
            ),
            (r#"null"#, "no transferMapping"),
        ] {
            let project = mapping(json);
            match project.writes_database("app") {
                Writes::Undecided(reason) => assert!(reason.contains(why), "{json}: {reason}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_mode_missing_is_read_from_the_content() {
        let project = mapping(r#"{"tableAndViewWhiteList":["app.*"]}"#);
        assert!(matches!(project.selection, Selection::Matching(_)));
        let project = mapping(r#"{"databases":[{"name":"app"}]}"#);
        assert_eq!(project.selection, Selection::Listed);
    }

    #[test]
    fn list_answers_without_data_are_malformed_and_an_empty_list_is_not() {
        for body in [
            &br#"{"success":true,"data":null}"#[..],
            br#"{"success":true}"#,
        ] {
            let envelope: Envelope<Vec<ProjectItemDto>> =
                decode("ListProjects", 200, body).unwrap();
            let fault = page("ListProjects", 1, envelope).unwrap_err();
            assert_eq!(fault.kind, FaultKind::Malformed);
            assert!(fault.reason.contains("no data"), "{}", fault.reason);
        }
        let envelope: Envelope<Vec<ProjectItemDto>> = decode(
            "ListProjects",
            200,
            br#"{"success":true,"data":[],"totalCount":0}"#,
        )
        .unwrap();
        assert_eq!(page("ListProjects", 1, envelope).unwrap().0.len(), 0);
        let envelope: Envelope<Vec<StepDto>> = decode(
            "DescribeProjectSteps",
            200,
            br#"{"success":true,"data":null}"#,
        )
        .unwrap();
        assert!(project_steps("np_1", envelope).is_err());
    }

    #[test]
    fn scalars_written_as_strings_decode_and_anything_else_names_its_field() {
        // The ListProjects example of the API reference: success and totalCount as strings.
        let envelope: Envelope<Vec<ProjectItemDto>> = decode(
            "ListProjects",
            200,
            br#"{"success":"true","totalCount":"151","data":[{"id":"np_1","name":"p","status":"RUNNING"}]}"#,
        )
        .unwrap();
        assert_eq!(envelope.total_count, Some(151));
        let fault = decode::<Vec<ProjectItemDto>>(
            "ListProjects",
            200,
            br#"{"success":true,"totalCount":"many","data":[]}"#,
        )
        .unwrap_err();
        assert_eq!(fault.kind, FaultKind::Unusable);
        assert!(
            fault.reason.contains("field `totalCount`"),
            "{}",
            fault.reason
        );
        let fault = decode::<Vec<DataSourceDto>>(
            "ListDataSource",
            200,
            br#"{"success":true,"data":[{"id":"e_1","port":"28 81"}]}"#,
        )
        .unwrap_err();
        assert!(
            fault.reason.contains("field `data[0].port`"),
            "{}",
            fault.reason
        );
        let fault =
            decode::<Vec<DataSourceDto>>("ListDataSource", 200, br#"{"success":"yes","data":[]}"#)
                .unwrap_err();
        assert!(fault.reason.contains("field `success`"), "{}", fault.reason);
        let steps: Envelope<Vec<StepDto>> = decode(
            "DescribeProjectSteps",
            200,
            br#"{"success":true,"data":[{"order":"2","name":"INCR_TRANSFER","status":"monitoring"},{"order":"1","name":"STRUCT_TRANSFER","status":"FINISHED","progress":"100"}]}"#,
        )
        .unwrap();
        let steps = steps_of(steps);
        assert_eq!(steps[0].kind, StepKind::Schema);
        assert_eq!(steps[1].status, "MONITORING");
        assert!(steps[1].is_running());
    }

    fn steps_of(envelope: Envelope<Vec<StepDto>>) -> Vec<Step> {
        project_steps("np_1", envelope).unwrap()
    }

    #[test]
    fn conn_extra_attributes_as_an_object_or_a_string_and_empty_is_unknown() {
        let source = |extra: &str| {
            let body = format!(
                r#"{{"success":true,"data":[{{"id":"e_1","type":"OB_MYSQL","connExtraAttributes":{extra}}}]}}"#
            );
            let envelope: Envelope<Vec<DataSourceDto>> =
                decode("ListDataSource", 200, body.as_bytes()).unwrap();
            data_sources(envelope.data.unwrap(), &PlanEndpoints::default()).remove(0)
        };
        let known = LogSource {
            drc_user: Some("drc@sys".into()),
            config_url: None,
        };
        for extra in [
            r#"{"drcUser":"drc@sys","configUrl":""}"#,
            r#""{\"drcUser\":\"drc@sys\",\"configUrl\":null}""#,
        ] {
            assert_eq!(source(extra).log_source.as_ref(), Some(&known), "{extra}");
        }
        // Shown empty, unreadable, or naming neither setting: unknown, not "no drcUser".
        for extra in [
            "{}",
            r#""{}""#,
            r#""""#,
            r#""not json""#,
            r#"{"isLogicSource":false}"#,
            "null",
            "[1]",
        ] {
            assert_eq!(source(extra).log_source, None, "{extra}");
        }
    }

    #[test]
    fn stores_are_named_by_name_and_their_checkpoints_may_be_utc_strings() {
        let envelope: Envelope<ComponentsDto> = decode(
            "DescribeProjectComponents",
            200,
            br#"{"success":"true","data":{"storeList":[{"name":"store_1","status":"active",
                "beginCheckpoint":"2023-08-01T06:34:01","endCheckpoint":"2023-08-01T07:34:01"}],
                "reverseStoreList":[{"id":7,"status":"ACTIVE","beginCheckpoint":1690871641}]}}"#,
        )
        .unwrap();
        let components = envelope.data.unwrap().components();
        let store = &components.stores[0];
        assert_eq!(store.id.as_deref(), Some("store_1"));
        assert_eq!(store.status, "ACTIVE");
        assert_eq!(store.begin, Some(1_690_871_641));
        assert_eq!(store.end, Some(1_690_875_241));
        assert_eq!(components.reverse_stores[0].id.as_deref(), Some("7"));
        assert_eq!(components.reverse_stores[0].begin, Some(1_690_871_641));
    }

    #[test]
    fn project_statuses_of_a_running_project_in_any_case() {
        for (status, running) in [
            ("RUNNING", true),
            ("running_modifying", true),
            ("RUNNING_MERGING", true),
            (" Running ", true),
            ("SUSPEND", false),
            ("FAILED", false),
            ("INIT", false),
        ] {
            let body = format!(r#"{{"id":"np_1","name":"p","status":"{status}"}}"#);
            let project = project(
                serde_json::from_str(&body).unwrap(),
                &[],
                &PlanEndpoints::default(),
            );
            assert_eq!(project.is_running(), running, "{status}");
        }
    }

    #[test]
    fn views_are_objects_where_tables_are() {
        // As ListProjects' example prints a SPECIFIC mapping: a view listed beside a table.
        let project = mapping(
            r#"{"mode":"SPECIFIC","databases":[{"name":"app","mappedName":"app_b",
                "tables":[{"name":"orders"}],
                "views":[{"name":"big_orders","mappedName":"BIG_ORDERS_","whereClause":"1 = 1"}],
                "specificTables":null,"specificViews":null}]}"#,
        );
        assert_eq!(
            project.writes("app_b", "BIG_ORDERS_"),
            Writes::Yes { rule: None }
        );
        assert_eq!(
            project.writes("app_b", "orders"),
            Writes::Yes { rule: None }
        );
        assert_eq!(project.writes("app_b", "other"), Writes::No);
        let filters = project.filters.observed().unwrap();
        assert_eq!(
            (filters[0].table.as_str(), filters[0].row_filter.as_deref()),
            ("big_orders", Some("1 = 1"))
        );
        // Wildcard mode: a single view renamed by specificViews.
        let project = mapping(
            r#"{"mode":"WILDCARD","databases":[{"name":"app","tables":[{"name":"*"}],
                "specificViews":[{"name":"v1","mappedName":"v1_b"}]}]}"#,
        );
        assert_eq!(
            project.writes("app", "v1_b"),
            Writes::Yes {
                rule: Some("app.v1=app.v1_b".into())
            }
        );
    }

    #[test]
    fn a_verified_table_result_description_is_not_an_error() {
        let envelope: Envelope<VerifyResultDto> = decode(
            "ListProjectFullVerifyResult",
            200,
            r#"{"success":true,"data":{"fullVerifyTableStatistics":[{"sourceSchemaName":"app",
                "sourceTableName":"orders","sourceOnlyCount":"0","destOnlyCount":"0",
                "mismatchedCount":"0","status":"FINISHED","resultType":"CONSISTENT","resultDesc":"一致"}]}}"#
                .as_bytes(),
        )
        .unwrap();
        let tables = envelope.data.unwrap().tables();
        assert_eq!(tables[0].error, None);
        assert_eq!(tables[0].differences(), 0);
    }
}
