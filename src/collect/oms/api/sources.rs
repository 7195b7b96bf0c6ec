//! ListDataSource: the data sources, each matched to the plan's tenant at its host and port.

use serde::Deserialize;
use serde_json::Value;

use super::lenient;
use super::*;
use crate::facts::oms::{DataSource, LogSource};

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
