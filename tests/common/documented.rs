//! Our stand-in OMS bodies rewritten into the shapes the OMS CE API reference prints
//! (fixtures/oms/conformance/, V4.1.1–V4.2.2): `success`, `totalCount` and paging as strings,
//! DescribeProject's `data` a one-element list, ports and step orders as strings, stores named
//! by `name` with their checkpoints as UTC date-times, `connExtraAttributes` as a JSON string,
//! no `destTableName` in a verification. With `vary_statuses`, a running project is
//! `RUNNING_MODIFYING` (DescribeProject) or `RUNNING_MERGING` (ListProjects): still running.
//!
//! The same scenario served both ways must give the same facts and the same verdicts.

use serde_json::{Value, json};

/// `body`, an answer to `action`, in the documented shapes. A body that is not JSON is kept.
pub fn documented(action: &str, body: &str, vary_statuses: bool) -> String {
    let Ok(mut answer) = serde_json::from_str::<Value>(body) else {
        return body.to_string();
    };
    for field in ["success", "totalCount", "pageNumber", "pageSize"] {
        stringify(answer.get_mut(field));
    }
    let data = answer.get_mut("data");
    match (action, data) {
        ("ListDataSource", Some(Value::Array(sources))) => {
            for source in sources {
                if let Some(extra) = source.get_mut("connExtraAttributes")
                    && extra.is_object()
                {
                    *extra = Value::String(extra.to_string());
                }
            }
        }
        ("ListProjects", Some(Value::Array(projects))) => {
            for project in projects {
                project_shape(project, vary_statuses.then_some("RUNNING_MERGING"));
            }
        }
        ("DescribeProject", Some(data)) => {
            if data.is_object() {
                *data = json!([data.take()]);
            }
            for project in data.as_array_mut().into_iter().flatten() {
                project_shape(project, vary_statuses.then_some("RUNNING_MODIFYING"));
            }
        }
        ("DescribeProjectSteps", Some(Value::Array(steps))) => {
            for step in steps {
                stringify(step.get_mut("order"));
                stringify(step.get_mut("progress"));
            }
        }
        ("DescribeProjectComponents", Some(components)) => {
            for list in ["storeList", "reverseStoreList"] {
                let Some(Value::Array(stores)) = components.get_mut(list) else {
                    continue;
                };
                for store in stores {
                    let Some(store) = store.as_object_mut() else {
                        continue;
                    };
                    if let Some(id) = store.remove("id") {
                        let name = match id {
                            Value::String(name) => name,
                            other => other.to_string(),
                        };
                        store.insert("name".into(), Value::String(name));
                    }
                    for checkpoint in ["beginCheckpoint", "endCheckpoint"] {
                        if let Some(value) = store.get_mut(checkpoint)
                            && let Some(seconds) = seconds(value)
                        {
                            *value = Value::String(date_time(seconds));
                        }
                    }
                }
            }
        }
        ("ListProjectFullVerifyResult", Some(result)) => {
            if let Some(Value::Array(tables)) = result.get_mut("fullVerifyTableStatistics") {
                for table in tables {
                    if let Some(table) = table.as_object_mut() {
                        table.remove("destTableName");
                    }
                }
            }
        }
        _ => {}
    }
    answer.to_string()
}

fn project_shape(project: &mut Value, running: Option<&str>) {
    if let Some(status) = running
        && project.get("status").and_then(Value::as_str) == Some("RUNNING")
    {
        project["status"] = Value::String(status.into());
    }
    for end in ["sourceConnectInfo", "sinkConnectInfo"] {
        if let Some(info) = project.get_mut(end) {
            stringify(info.get_mut("port"));
        }
    }
    if let Some(common) = project.get_mut("commonTransferConfig") {
        stringify(common.get_mut("activeActive"));
    }
}

/// A number or a boolean, written as a string.
fn stringify(value: Option<&mut Value>) {
    if let Some(value) = value
        && (value.is_number() || value.is_boolean())
    {
        *value = Value::String(value.to_string());
    }
}

fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|seconds| *seconds > 0)
}

/// `2023-08-01T06:34:01`: a Unix time as the API reference prints a store's checkpoints (UTC).
fn date_time(seconds: u64) -> String {
    let printed = oms_preflight::plan::date::utc(seconds);
    printed.trim_end_matches(" UTC").replacen(' ', "T", 1)
}

#[test]
fn store_checkpoints_are_printed_as_the_reference_prints_them() {
    assert_eq!(date_time(1_690_871_641), "2023-08-01T06:34:01");
    let body = r#"{"success":true,"data":{"storeList":[{"id":3,"status":"ACTIVE","beginCheckpoint":"1690871641"}]}}"#;
    let shaped: Value =
        serde_json::from_str(&documented("DescribeProjectComponents", body, false)).unwrap();
    assert_eq!(shaped["success"], "true");
    assert_eq!(shaped["data"]["storeList"][0]["name"], "3");
    assert_eq!(
        shaped["data"]["storeList"][0]["beginCheckpoint"],
        "2023-08-01T06:34:01"
    );
}
