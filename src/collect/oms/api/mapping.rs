//! A project's `transferMapping`: the objects it moves, listed or selected by matching rules,
//! with their row filters and column selections.

use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::facts::oms::{
    MappedDatabase, MappedTable, MatchRule, MatchingRules, Rename, Selection, TableFilter,
};
use crate::i18n::Text;
use crate::text;

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

/// The tables `mapping` moves only in part, in whichever mode: a listed table, a table pattern
/// or a wildcard mode's single table may carry a row filter or a column selection.
pub(super) fn filters(mapping: &MappingDto) -> Vec<TableFilter> {
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
pub(super) fn objects(mapping: Option<MappingDto>) -> (Vec<MappedDatabase>, Selection) {
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
