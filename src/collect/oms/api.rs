//! The OMS OpenAPI bodies (research/oms.md §1): the response envelope, one DTO per action, and
//! pure functions from a recorded HTTP answer to facts. DTOs ignore fields they do not know and
//! accept both step-naming schemes, so newer OMS versions still decode.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::lenient;
use crate::facts::Tenant;
use crate::facts::oms::{
    Components, DataSource, LogSource, MappedDatabase, MappedTable, MatchRule, MatchingRules,
    Migrations, Progress, Project, Rename, Selection, Step, StepKind, Store, TableFilter,
    Unresolved, VerifiedTable,
};
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

// --- ListDataSource ----------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSourceDto {
    #[serde(deserialize_with = "lenient::required_text")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default, deserialize_with = "lenient::port")]
    pub port: Option<u16>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    /// An object, or (as most versions of the API reference type it) a JSON string of one.
    #[serde(default, deserialize_with = "conn_extra")]
    pub conn_extra_attributes: Option<ConnExtraDto>,
    #[serde(default)]
    pub ocp_name: Option<String>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
}

/// `connExtraAttributes` of an OceanBase data source (ListDataSource, OMS CE 4.2.2).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnExtraDto {
    #[serde(deserialize_with = "lenient::text")]
    pub drc_user: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub config_url: Option<String>,
}

/// `connExtraAttributes` as an object or as a JSON string of one. The API reference types it
/// "string" in most versions and prints `{}` for an `OB_MYSQL` source: what it shows of the
/// log settings is only known when it names them. Empty, unreadable, or naming neither
/// `drcUser` nor `configUrl` is `None` — unknown, never "no log user".
fn conn_extra<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<ConnExtraDto>, D::Error> {
    let object = match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Object(object)) => object,
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(object)) => object,
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    if !object.contains_key("drcUser") && !object.contains_key("configUrl") {
        return Ok(None);
    }
    Ok(serde_json::from_value(Value::Object(object)).ok())
}

/// A text OMS may leave empty instead of null: empty is none.
fn given(text: Option<String>) -> Option<String> {
    text.filter(|text| !text.trim().is_empty())
}

/// A host name's addresses, or why it has none.
pub type Lookup = Result<Vec<IpAddr>, Text>;

/// What the collector learnt about host names, keyed by [`host_key`].
pub type Addresses = BTreeMap<String, Lookup>;

/// What a data source is compared with: the plan's tenants (host as written, port) and the
/// addresses the collector looked up for the host names involved. Resolution itself is I/O
/// and stays in the collector.
#[derive(Debug, Clone, Default)]
pub struct PlanEndpoints {
    pub tenants: Vec<(Tenant, String, u16)>,
    pub addresses: Addresses,
}

impl PlanEndpoints {
    pub fn new(tenants: &[(Tenant, &str, u16)]) -> PlanEndpoints {
        PlanEndpoints {
            tenants: tenants
                .iter()
                .map(|(tenant, host, port)| (*tenant, host.to_string(), *port))
                .collect(),
            addresses: Addresses::new(),
        }
    }

    /// The host names (never IP literals) whose addresses are needed to compare `hosts` with
    /// the plan's tenants: only where a host's port is a tenant's and the two hosts are
    /// written differently. Nothing else is worth a lookup.
    pub fn names_to_resolve<'h>(
        &self,
        hosts: impl IntoIterator<Item = (Option<&'h str>, Option<u16>)>,
    ) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for (host, port) in hosts {
            let Some(host) = host.filter(|host| !host.trim().is_empty()) else {
                continue;
            };
            for (_, planned, _) in self.same_port(port) {
                if host_key(host) == host_key(planned) {
                    continue;
                }
                for name in [host, planned.as_str()] {
                    if literal(name).is_none() {
                        names.insert(host_key(name));
                    }
                }
            }
        }
        names
    }

    fn same_port(&self, port: Option<u16>) -> impl Iterator<Item = &(Tenant, String, u16)> {
        self.tenants
            .iter()
            .filter(move |(_, _, planned)| port == Some(*planned))
    }

    /// `host`'s addresses: an IP literal is its own; a name's were looked up (or not).
    fn addresses_of(&self, host: &str) -> Lookup {
        if let Some(ip) = literal(host) {
            return Ok(vec![ip]);
        }
        self.addresses
            .get(&host_key(host))
            .cloned()
            .unwrap_or_else(|| Err(text!("{host} was not looked up", "未解析 {host}")))
    }

    /// The plan's tenant at `host`:`port`, compared as written and then by address; or, when
    /// a name did not resolve, the tenants it may be and why that is all we know.
    fn endpoint(
        &self,
        label: &str,
        host: Option<&str>,
        port: Option<u16>,
    ) -> (Option<Tenant>, Option<Unresolved>) {
        let Some(host) = host.filter(|host| !host.trim().is_empty()) else {
            return (None, None);
        };
        let mut undecided: Vec<Tenant> = Vec::new();
        let mut reasons: Vec<Text> = Vec::new();
        for (tenant, planned, _) in self.same_port(port) {
            if host_key(host) == host_key(planned) {
                return (Some(*tenant), None);
            }
            match (self.addresses_of(host), self.addresses_of(planned)) {
                (Ok(theirs), Ok(ours)) => {
                    if theirs.iter().any(|ip| ours.contains(ip)) {
                        return (Some(*tenant), None);
                    }
                }
                (theirs, ours) => {
                    undecided.push(*tenant);
                    for reason in [theirs.err(), ours.err()].into_iter().flatten() {
                        if !reasons.contains(&reason) {
                            reasons.push(reason);
                        }
                    }
                }
            }
        }
        if undecided.is_empty() {
            return (None, None);
        }
        let port = port.map(|port| port.to_string()).unwrap_or_default();
        let unresolved = Unresolved {
            data_source: format!("{label} ({host}:{port})"),
            tenants: undecided,
            reason: Text::join(&reasons, "; ", "；"),
        };
        (None, Some(unresolved))
    }
}

/// A host as a lookup key: trimmed, without IPv6 brackets or a trailing dot, lower case.
pub fn host_key(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    host.trim_end_matches('.').to_ascii_lowercase()
}

fn literal(host: &str) -> Option<IpAddr> {
    host_key(host).parse().ok()
}

/// Data sources, each matched to the plan's tenant at the same host (as written, or by
/// address) and port.
pub fn data_sources(items: Vec<DataSourceDto>, plan: &PlanEndpoints) -> Vec<DataSource> {
    items
        .into_iter()
        .map(|item| {
            let label = item.name.clone().unwrap_or_else(|| item.id.clone());
            let (tenant, unresolved) = plan.endpoint(&label, item.ip.as_deref(), item.port);
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
                unresolved,
                log_source: item.conn_extra_attributes.map(|extra| LogSource {
                    drc_user: given(extra.drc_user),
                    config_url: given(extra.config_url),
                }),
                ocp_name: given(item.ocp_name),
                schema: given(item.schema),
                timezone: given(item.timezone),
            }
        })
        .collect()
}

// --- ListProjects ------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectItemDto {
    #[serde(deserialize_with = "lenient::required_text")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    /// The endpoints, when the list shows them (as DescribeProject does: ids at the top level,
    /// or connection objects). They let the collector skip describing projects elsewhere.
    #[serde(default)]
    pub source_endpoint_id: Option<String>,
    #[serde(default)]
    pub sink_endpoint_id: Option<String>,
    #[serde(default)]
    pub source_connect_info: Option<ConnectInfoDto>,
    #[serde(default)]
    pub sink_connect_info: Option<ConnectInfoDto>,
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

/// Whether a listed project may read or write the plan's tenants, as far as its list item says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// An endpoint is tenant A or B, or may be (a host name that did not resolve).
    Pair,
    /// Both endpoints are registered data sources that are neither tenant.
    Elsewhere,
    /// The item does not say, or names a data source ListDataSource did not list: only
    /// describing the project tells.
    Unknown,
}

impl ProjectItemDto {
    /// Decided from the data sources alone, never by a guess: a project is `Elsewhere` only
    /// when both its endpoints are registered data sources matched to neither tenant.
    pub fn reach(&self, sources: &[DataSource]) -> Reach {
        let endpoint = |id: &Option<String>, info: &Option<ConnectInfoDto>| {
            let id = endpoint_id(info, id)?;
            sources.iter().find(|source| &source.id == id)
        };
        let ends = [
            endpoint(&self.source_endpoint_id, &self.source_connect_info),
            endpoint(&self.sink_endpoint_id, &self.sink_connect_info),
        ];
        if ends
            .iter()
            .flatten()
            .any(|source| source.tenant.is_some() || source.unresolved.is_some())
        {
            Reach::Pair
        } else if ends.iter().all(Option::is_some) {
            Reach::Elsewhere
        } else {
            Reach::Unknown
        }
    }
}

// --- DescribeProject ---------------------------------------------------------------------------

/// DescribeProject's `data`: one project, or (as OMS CE 4.2.x documents it) a list holding it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DescribedDto {
    List(Vec<ProjectDto>),
    One(Box<ProjectDto>),
}

impl DescribedDto {
    /// The one project; a list of any other length is malformed.
    pub fn single(self) -> Result<ProjectDto, Text> {
        match self {
            DescribedDto::One(project) => Ok(*project),
            DescribedDto::List(mut projects) if projects.len() == 1 => Ok(projects.remove(0)),
            DescribedDto::List(projects) => Err(text!(
                "data lists {} projects where one was asked for",
                "只查询了一个项目，data 中却列出了 {} 个",
                projects.len()
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectDto {
    #[serde(deserialize_with = "lenient::required_text")]
    pub id: String,
    pub name: String,
    pub status: Option<String>,
    /// The endpoints as older OMS versions name them, at the top level.
    pub source_endpoint_id: Option<String>,
    pub sink_endpoint_id: Option<String>,
    /// The endpoints as OMS CE 4.2.x shows them: a connection object with the endpoint id,
    /// host and port.
    pub source_connect_info: Option<ConnectInfoDto>,
    pub sink_connect_info: Option<ConnectInfoDto>,
    #[serde(deserialize_with = "lenient::flag")]
    pub enable_struct_transfer: Option<bool>,
    #[serde(deserialize_with = "lenient::flag")]
    pub enable_full_transfer: Option<bool>,
    #[serde(deserialize_with = "lenient::flag")]
    pub enable_incr_transfer: Option<bool>,
    #[serde(deserialize_with = "lenient::flag")]
    pub enable_reverse_incr_transfer: Option<bool>,
    pub incr_transfer_config: Option<IncrConfigDto>,
    pub reverse_incr_transfer_config: Option<IncrConfigDto>,
    pub common_transfer_config: Option<CommonConfigDto>,
    pub transfer_mapping: Option<MappingDto>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IncrConfigDto {
    #[serde(
        rename = "supportDDLTypes",
        alias = "supportDdlTypes",
        deserialize_with = "lenient::names"
    )]
    pub support_ddl_types: Option<Vec<String>>,
    /// Typed "string" in most versions of the API reference, printed as a list.
    #[serde(deserialize_with = "lenient::names")]
    pub record_type_white_list: Option<Vec<String>>,
}

impl IncrConfigDto {
    /// The DDL types synced; empty when DDL is not. The API reference documents DDL sync as
    /// `DDL` among the synced record types (`recordTypeWhiteList`), which decides when OMS shows
    /// it; `supportDDLTypes`, which no doc version has, only names the types, or decides when
    /// OMS shows no record types at all.
    fn ddl_sync(&self) -> Vec<String> {
        let types = self.support_ddl_types.clone().unwrap_or_default();
        match &self.record_type_white_list {
            Some(records) if records.iter().any(|r| r.trim().eq_ignore_ascii_case("DDL")) => {
                if types.is_empty() {
                    vec!["DDL".into()]
                } else {
                    types
                }
            }
            Some(_) => vec![],
            None => types,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommonConfigDto {
    #[serde(deserialize_with = "lenient::flag")]
    pub active_active: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectInfoDto {
    pub endpoint_id: Option<String>,
    pub endpoint_name: Option<String>,
    pub host: Option<String>,
    #[serde(deserialize_with = "lenient::port")]
    pub port: Option<u16>,
}

/// `transferMapping`: the objects a project moves. `SPECIFIC` lists them in `databases`;
/// `WILDCARD` selects them by matching rules, written either as `db.table` pattern lists
/// (`tableAndViewWhiteList`, `tableAndViewBlackList`) or as databases whose names and tables
/// are patterns (`databases`, `databasesBlack`); OMS shows one or the other.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappingDto {
    pub mode: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub databases: Vec<MappedDatabaseDto>,
    #[serde(deserialize_with = "nullable")]
    pub databases_black: Vec<MappedDatabaseDto>,
    #[serde(deserialize_with = "nullable")]
    pub table_and_view_white_list: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub table_and_view_black_list: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappedDatabaseDto {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub mapped_name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub tables: Vec<MappedTableDto>,
    #[serde(deserialize_with = "nullable")]
    pub views: Vec<MappedTableDto>,
    /// Wildcard mode: single tables renamed (or filtered) among those the rules select.
    #[serde(deserialize_with = "nullable")]
    pub specific_tables: Vec<MappedTableDto>,
    /// The same for views.
    #[serde(deserialize_with = "nullable")]
    pub specific_views: Vec<MappedTableDto>,
}

impl MappedDatabaseDto {
    /// The objects listed by name, tables and views alike: OMS moves both (`tables`, `views`).
    fn objects(&self) -> impl Iterator<Item = &MappedTableDto> {
        self.tables.iter().chain(&self.views)
    }

    /// A wildcard mode's single objects, tables and views alike.
    fn specific_objects(&self) -> impl Iterator<Item = &MappedTableDto> {
        self.specific_tables.iter().chain(&self.specific_views)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappedTableDto {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub mapped_name: Option<String>,
    /// The row filter: only rows meeting this condition are moved.
    pub where_clause: Option<String>,
    /// The column selection: only these columns are moved (列过滤).
    #[serde(deserialize_with = "column_names")]
    pub filter_columns: Vec<String>,
}

/// `filterColumns`: a list of column names. An entry in another shape (an object naming the
/// column, as other OMS models do) is read by its name rather than failing the whole project.
fn column_names<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    let entries = Option::<Vec<Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(entries
        .into_iter()
        .filter_map(|entry| match entry {
            Value::String(name) => Some(name),
            Value::Object(fields) => ["name", "columnName"]
                .iter()
                .find_map(|key| fields.get(*key)?.as_str().map(str::to_string)),
            Value::Null => None,
            other => Some(other.to_string()),
        })
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect())
}

impl ProjectDto {
    /// The host names the collector must look up to tell which tenant each endpoint is: only
    /// for an endpoint that `sources` does not know by id and whose connection info names a
    /// host (the data source list already decided the others).
    pub fn endpoint_hosts<'d>(
        &'d self,
        sources: &[DataSource],
    ) -> Vec<(Option<&'d str>, Option<u16>)> {
        [
            (&self.source_endpoint_id, &self.source_connect_info),
            (&self.sink_endpoint_id, &self.sink_connect_info),
        ]
        .into_iter()
        .filter_map(|(id, info)| {
            let id = endpoint_id(info, id);
            let info = info.as_ref()?;
            let known = id.is_some_and(|id| sources.iter().any(|source| &source.id == id));
            (!known).then_some((info.host.as_deref(), info.port))
        })
        .collect()
    }
}

/// The data source id of a project's endpoint: `sourceConnectInfo.endpointId` /
/// `sinkConnectInfo.endpointId` as every version of the API reference documents it, else the
/// top-level `sourceEndpointId` / `sinkEndpointId` that only CreateProject's parameters name
/// (and some answers carry).
fn endpoint_id<'d>(
    info: &'d Option<ConnectInfoDto>,
    top_level: &'d Option<String>,
) -> Option<&'d String> {
    info.as_ref()
        .and_then(|info| info.endpoint_id.as_ref())
        .filter(|id| !id.trim().is_empty())
        .or(top_level.as_ref())
}

/// A described project, its endpoints matched through `sources` by id, or else (when OMS
/// shows only a connection) through `plan` by host and port. Steps and progress are filled in
/// separately.
pub fn project(dto: ProjectDto, sources: &[DataSource], plan: &PlanEndpoints) -> Project {
    let endpoint = |id: Option<String>, info: &Option<ConnectInfoDto>| {
        let id = endpoint_id(info, &id).cloned();
        let registered = id
            .as_ref()
            .and_then(|id| sources.iter().find(|source| &source.id == id));
        let (tenant, unresolved) = match (registered, info) {
            (Some(source), _) => (source.tenant, source.unresolved.clone()),
            (None, Some(info)) => {
                let label = info
                    .endpoint_name
                    .clone()
                    .or_else(|| id.clone())
                    .unwrap_or_else(|| "an unlisted data source".into());
                plan.endpoint(&label, info.host.as_deref(), info.port)
            }
            (None, None) => (None, None),
        };
        (id, tenant, unresolved)
    };
    let (source_endpoint_id, source, source_unresolved) =
        endpoint(dto.source_endpoint_id, &dto.source_connect_info);
    let (sink_endpoint_id, sink, sink_unresolved) =
        endpoint(dto.sink_endpoint_id, &dto.sink_connect_info);
    let incr = dto.incr_transfer_config.unwrap_or_default();
    let reverse = dto.reverse_incr_transfer_config.unwrap_or_default();
    let filters = match &dto.transfer_mapping {
        Some(mapping) => crate::facts::Fact::Observed(filters(mapping)),
        None => crate::facts::Fact::unavailable(text!(
            "OMS showed no transferMapping, so its row and column filters are not known",
            "OMS 没有显示 transferMapping，因此不知道其行过滤和列过滤"
        )),
    };
    let (mapping, selection) = objects(dto.transfer_mapping);
    Project {
        source,
        sink,
        source_unresolved,
        sink_unresolved,
        id: dto.id,
        name: dto.name,
        status: given(dto.status)
            .map(|status| status.trim().to_ascii_uppercase())
            .unwrap_or_else(|| "UNKNOWN".into()),
        source_endpoint_id,
        sink_endpoint_id,
        migration: Migrations {
            schema: dto.enable_struct_transfer.unwrap_or(false),
            full: dto.enable_full_transfer.unwrap_or(false),
            incremental: dto.enable_incr_transfer.unwrap_or(false),
            reverse_incremental: dto.enable_reverse_incr_transfer.unwrap_or(false),
        },
        ddl_sync: incr.ddl_sync(),
        reverse_ddl_sync: reverse.ddl_sync(),
        record_types: incr.record_type_white_list.clone(),
        reverse_record_types: reverse.record_type_white_list.clone(),
        active_active: dto
            .common_transfer_config
            .and_then(|common| common.active_active),
        mapping,
        selection,
        steps: crate::facts::oms::steps_not_read(),
        schema_progress: None,
        progress: crate::facts::oms::progress_not_read(),
        components: crate::facts::oms::components_not_read(),
        verification: crate::facts::oms::verification_not_read(),
        filters,
    }
}

/// The tables `mapping` moves only in part, in whichever mode: a listed table, a table pattern
/// or a wildcard mode's single table may carry a row filter or a column selection.
fn filters(mapping: &MappingDto) -> Vec<TableFilter> {
    mapping
        .databases
        .iter()
        .flat_map(|db| {
            db.objects()
                .chain(db.specific_objects())
                .filter_map(move |table| {
                    let row_filter = table
                        .where_clause
                        .as_deref()
                        .map(str::trim)
                        .filter(|clause| !clause.is_empty())
                        .map(str::to_string);
                    (row_filter.is_some() || !table.filter_columns.is_empty()).then(|| {
                        TableFilter {
                            database: db.name.clone(),
                            table: table.name.clone(),
                            row_filter,
                            columns: table.filter_columns.clone(),
                        }
                    })
                })
        })
        .collect()
}

/// The listed databases and how the project selects its objects, from `transferMapping`.
fn objects(mapping: Option<MappingDto>) -> (Vec<MappedDatabase>, Selection) {
    let Some(mapping) = mapping else {
        return (
            vec![],
            Selection::Unknown {
                reason: text!(
                    "OMS showed no transferMapping, so what it writes is not known",
                    "OMS 没有显示 transferMapping，因此不知道它写入什么"
                ),
            },
        );
    };
    let has_rules = !mapping.table_and_view_white_list.is_empty()
        || !mapping.table_and_view_black_list.is_empty()
        || !mapping.databases_black.is_empty();
    let mode = mapping
        .mode
        .as_deref()
        .map(str::to_ascii_uppercase)
        // Without a mode, the content tells: rules mean matching rules.
        .unwrap_or_else(|| if has_rules { "WILDCARD" } else { "SPECIFIC" }.into());
    match mode.as_str() {
        // OMS refuses a project without objects: a list of none is an answer missing them.
        "SPECIFIC" if mapping.databases.is_empty() => (
            vec![],
            Selection::Unknown {
                reason: text!(
                    "its SPECIFIC mapping lists no database, so what it writes is not known",
                    "其 SPECIFIC 映射没有列出任何数据库，因此不知道它写入什么"
                ),
            },
        ),
        "SPECIFIC" => (listed(mapping.databases), Selection::Listed),
        "WILDCARD" => (vec![], matching(mapping)),
        other => (
            vec![],
            Selection::Unknown {
                reason: text!(
                    "its objects are chosen in {other} mode, which this tool cannot evaluate",
                    "其对象以 {other} 模式选择，本工具无法评估"
                ),
            },
        ),
    }
}

fn listed(databases: Vec<MappedDatabaseDto>) -> Vec<MappedDatabase> {
    databases
        .into_iter()
        .map(|db| MappedDatabase {
            name: db.name.clone(),
            mapped_name: db.mapped_name.clone(),
            tables: db
                .objects()
                .map(|t| MappedTable {
                    name: t.name.clone(),
                    mapped_name: t.mapped_name.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A name OMS gives as a mapping target, when it differs from the source's.
fn renamed(name: &str, mapped: Option<String>) -> Option<String> {
    mapped.filter(|mapped| !mapped.is_empty() && !mapped.eq_ignore_ascii_case(name))
}

/// Wildcard mode, in either shape: pattern lists, or databases of patterns.
fn matching(mapping: MappingDto) -> Selection {
    let mut rules = MatchingRules::default();
    for text in &mapping.table_and_view_white_list {
        match parse_rule(text) {
            Ok(rule) => rules.include.push(rule),
            Err(reason) => return Selection::Unknown { reason },
        }
    }
    for text in &mapping.table_and_view_black_list {
        match parse_rule(text) {
            // Exclusions are by source name: where an excluded table would have gone is moot.
            Ok(rule) => rules.exclude.push(MatchRule {
                mapped_database: None,
                mapped_table: None,
                ..rule
            }),
            Err(reason) => return Selection::Unknown { reason },
        }
    }
    for db in mapping.databases {
        let mapped_database = renamed(&db.name, db.mapped_name.clone());
        for table in database_patterns(&db) {
            rules.include.push(MatchRule {
                database: db.name.clone(),
                mapped_table: renamed(&table.name, table.mapped_name.clone()),
                table: table.name.clone(),
                mapped_database: mapped_database.clone(),
            });
        }
        for table in db.specific_objects() {
            let mapped_table = renamed(&table.name, table.mapped_name.clone());
            if mapped_database.is_some() || mapped_table.is_some() {
                rules.renames.push(Rename {
                    database: db.name.clone(),
                    table: table.name.clone(),
                    mapped_database: mapped_database.clone().unwrap_or_else(|| db.name.clone()),
                    mapped_table: mapped_table.unwrap_or_else(|| table.name.clone()),
                });
            }
        }
    }
    for db in mapping.databases_black {
        for table in database_patterns(&db) {
            rules.exclude.push(MatchRule {
                database: db.name.clone(),
                table: table.name.clone(),
                mapped_database: None,
                mapped_table: None,
            });
        }
    }
    rules.include.retain(|rule| !rule.database.is_empty());
    rules.exclude.retain(|rule| !rule.database.is_empty());
    if rules.include.is_empty() {
        // OMS refuses a wildcard project without rules: none shown is an answer missing them.
        return Selection::Unknown {
            reason: text!(
                "its mode is WILDCARD but OMS showed no matching rule",
                "其模式为 WILDCARD，但 OMS 没有显示任何匹配规则"
            ),
        };
    }
    Selection::Matching(rules)
}

/// The table and view patterns of a wildcard-mode database entry; none listed means all.
fn database_patterns(db: &MappedDatabaseDto) -> Vec<MappedTableDto> {
    let patterns: Vec<MappedTableDto> = db
        .objects()
        .filter(|table| !table.name.is_empty())
        .map(|table| MappedTableDto {
            name: table.name.clone(),
            mapped_name: table.mapped_name.clone(),
            ..MappedTableDto::default()
        })
        .collect();
    if patterns.is_empty() {
        vec![MappedTableDto {
            name: "*".into(),
            ..MappedTableDto::default()
        }]
    } else {
        patterns
    }
}

/// One rule of a pattern list: `db.table`, `db` (every table), or `db.table=db2.table2` (the
/// matches written to other names; `*` keeps a part as it is).
fn parse_rule(text: &str) -> Result<MatchRule, Text> {
    let unreadable = || {
        text!(
            "its matching rule `{text}` could not be read",
            "无法读取其匹配规则 `{text}`"
        )
    };
    let (source, target) = match text.trim().split_once('=') {
        Some((_, target)) if target.contains('=') => return Err(unreadable()),
        Some((source, target)) => (source.trim(), Some(target.trim())),
        None => (text.trim(), None),
    };
    let split = |name: &str| -> (String, String) {
        let (database, table) = name.split_once('.').unwrap_or((name, "*"));
        let table = if table.trim().is_empty() { "*" } else { table };
        (database.trim().into(), table.trim().into())
    };
    let (database, table) = split(source);
    if database.is_empty() {
        return Err(unreadable());
    }
    let (mapped_database, mapped_table) = match target {
        None => (None, None),
        Some(target) => {
            let (mapped_database, mapped_table) = split(target);
            if mapped_database.is_empty() {
                return Err(unreadable());
            }
            let kept = |part: String, source: &str| {
                (part != "*" && !part.eq_ignore_ascii_case(source)).then_some(part)
            };
            (kept(mapped_database, &database), kept(mapped_table, &table))
        }
    };
    Ok(MatchRule {
        database,
        table,
        mapped_database,
        mapped_table,
    })
}

// --- DescribeProjectSteps ----------------------------------------------------------------------

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
}

impl ComponentsDto {
    pub fn components(self) -> Components {
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
        }
    }
}

/// Items kept of a list inside one answer (stores, verified tables): more is not a real OMS.
pub const MAX_LISTED: usize = 10_000;

// --- ListProjectFullVerifyResult ---------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Fact;
    use crate::facts::oms::{LogSource, Writes};

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
