//! ListProjects and DescribeProject: the projects, their endpoints, migrations and DDL
//! settings.

use serde::Deserialize;

use super::lenient;
use super::*;
use crate::facts::oms::{DataSource, Migrations, Project};
use crate::i18n::Text;
use crate::text;

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
    /// The alarm level: HIGH, MEDIUM, LOW, IGNORE.
    #[serde(deserialize_with = "lenient::text")]
    pub importance: Option<String>,
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

/// A project's alarm level as `action` shows it (`importance`, `alarmLevel`), upper case;
/// unavailable when it shows none.
pub fn alarm_level(level: Option<String>, action: &str) -> crate::facts::Fact<String> {
    match given(level) {
        Some(level) => crate::facts::Fact::Observed(level.trim().to_ascii_uppercase()),
        None => crate::facts::Fact::unavailable(text!(
            "OMS shows no alarm level (importance, alarmLevel) in {action}",
            "OMS 在 {action} 中没有显示告警等级（importance、alarmLevel）"
        )),
    }
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
        alarm_level: alarm_level(dto.importance, "DescribeProject"),
    }
}
