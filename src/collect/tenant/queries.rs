//! The catalogue statements sent to a tenant, and one pure function per statement from its rows
//! to facts. (The inner tables' two statements are in [`super::inner`]; what every statement
//! shares, the allowlist and the shape error, in [`super::statements`].)
//!
//! The number of statements is fixed: tables of every in-scope database come from one query per
//! `information_schema` view, never one query per table. Rows arrive as text cells
//! ([`Rows`]), which keeps these functions testable on recorded results.

use crate::text;
use std::collections::{BTreeMap, BTreeSet};

use super::statements::{Rows, ShapeError};
use crate::facts::{
    ClockReading, Column, ColumnDefault, CompatibilityMode, Database, Edition, Fact, Grants, Index,
    Key, KeyKind, Mode, Server, Table, Trigger, Variables,
};
use crate::i18n::Text;

/// The kernel's identity, and its clock in UTC (whatever the tenant's `time_zone`), read in one
/// round trip so that the clock is bracketed by the first statement of the collection.
pub const SERVER: &str =
    "SELECT ob_version(), version(), @@version_comment, current_user(), UTC_TIMESTAMP(6)";

pub const VARIABLES: &str = "SELECT variable_name, variable_value FROM information_schema.GLOBAL_VARIABLES \
     WHERE variable_name IN ('character_set_server', 'collation_server', 'lower_case_table_names', \
     'time_zone', 'sql_mode', 'auto_increment_increment', 'auto_increment_offset', 'ob_compatibility_mode', \
     'max_allowed_packet')";

pub const GRANTS: &str = "SHOW GRANTS";

pub const DATABASES: &str = "SELECT schema_name, default_character_set_name, default_collation_name \
     FROM information_schema.SCHEMATA";

/// The statements below end in `IN ({scope})`, one `?` per in-scope database.
pub const TABLES: &str = "SELECT table_schema, table_name, table_type, table_rows, table_collation \
     FROM information_schema.TABLES WHERE table_type IN ('BASE TABLE', 'VIEW') AND table_schema IN ({scope})";

pub const COLUMNS: &str = "SELECT table_schema, table_name, column_name, column_type, is_nullable, extra, \
     column_default FROM information_schema.COLUMNS WHERE table_schema IN ({scope}) \
     ORDER BY table_schema, table_name, ordinal_position";

/// Every index: `non_unique = 0` are the primary key and the unique keys; the others are kept
/// when they are B-tree indexes (a full-text or spatial index lists the kernel's hidden columns).
pub const KEYS: &str = "SELECT table_schema, table_name, index_name, column_name, non_unique, index_type \
     FROM information_schema.STATISTICS WHERE table_schema IN ({scope}) \
     ORDER BY table_schema, table_name, index_name, seq_in_index";

/// The name of the tenant the session is in: a user tenant's `DBA_OB_TENANTS` holds its own row
/// only (the sys tenant's holds every tenant). seekdb, which has no tenants, has no such view.
pub const TENANT_NAME: &str = "SELECT tenant_name FROM oceanbase.DBA_OB_TENANTS";

/// Triggers as information_schema lists them: only those on tables the user holds TRIGGER on.
/// Read when the trigger dictionary ([`super::triggers`]) cannot be.
pub const TRIGGERS: &str = "SELECT trigger_schema, trigger_name, event_object_table, action_timing, event_manipulation \
     FROM information_schema.TRIGGERS WHERE event_object_schema IN ({scope})";

/// Cell `index` of a row (`None` for SQL NULL), or a shape error when the row is shorter.
pub(super) fn cell(row: &[Option<String>], index: usize) -> Result<Option<&str>, ShapeError> {
    row.get(index).map(|value| value.as_deref()).ok_or_else(|| {
        ShapeError(text!(
            "expected at least {} columns, got {}",
            "预期至少 {} 列，实际为 {} 列",
            index + 1,
            row.len()
        ))
    })
}

fn text(row: &[Option<String>], index: usize) -> Result<&str, ShapeError> {
    cell(row, index)?
        .ok_or_else(|| ShapeError(text!("column {} is NULL", "第 {} 列为 NULL", index + 1)))
}

pub fn server(rows: &Rows) -> Result<Server, ShapeError> {
    let row = rows
        .first()
        .ok_or_else(|| ShapeError(text!("no row", "没有返回行")))?;
    let version_comment = cell(row, 2)?.unwrap_or_default().to_string();
    Ok(Server {
        ob_version: text(row, 0)?.to_string(),
        version: cell(row, 1)?.unwrap_or_default().to_string(),
        edition: Edition::from_version_comment(&version_comment),
        version_comment,
        current_user: cell(row, 3)?.unwrap_or_default().to_string(),
    })
}

/// The tenant's clock from the [`SERVER`] row (its fifth column), read between `sent_us` and
/// `received_us` of this machine's clock.
pub fn clock(rows: &Rows, sent_us: i64, received_us: i64) -> Result<ClockReading, ShapeError> {
    let row = rows
        .first()
        .ok_or_else(|| ShapeError(text!("no row", "没有返回行")))?;
    let value = text(row, 4)?;
    let remote_us = crate::plan::date::parse_datetime_us(value).ok_or_else(|| {
        ShapeError(text!(
            "UTC_TIMESTAMP(6) is not a date and time: {value}",
            "UTC_TIMESTAMP(6) 不是日期时间：{value}"
        ))
    })?;
    Ok(ClockReading {
        remote_us,
        sent_us,
        received_us,
        resolution_us: 1,
    })
}

pub fn variables(rows: &Rows) -> Result<Variables, ShapeError> {
    let mut variables = Variables::default();
    for row in rows {
        let value = cell(row, 1)?.map(str::to_string);
        match text(row, 0)?.to_ascii_lowercase().as_str() {
            "character_set_server" => variables.character_set_server = value,
            "collation_server" => variables.collation_server = value,
            "lower_case_table_names" => variables.lower_case_table_names = value,
            "time_zone" => variables.time_zone = value,
            "sql_mode" => variables.sql_mode = value,
            "auto_increment_increment" => variables.auto_increment_increment = value,
            "auto_increment_offset" => variables.auto_increment_offset = value,
            "ob_compatibility_mode" => variables.ob_compatibility_mode = value,
            "max_allowed_packet" => variables.max_allowed_packet = value,
            _ => {}
        }
    }
    Ok(variables)
}

/// The compatibility mode: `ob_compatibility_mode` when the tenant reports it. seekdb does not
/// have the variable but is a MySQL-mode kernel only, so its `version()` is evidence enough.
/// Anything else stays unknown rather than guessed.
pub fn mode(variables: &Fact<Variables>, server: &Fact<Server>) -> Fact<Mode> {
    if let Some(value) = variables
        .observed()
        .and_then(|v| v.ob_compatibility_mode.as_deref())
    {
        return match value.to_ascii_uppercase().as_str() {
            "MYSQL" => Fact::Observed(Mode {
                mode: CompatibilityMode::Mysql,
                evidence: Text::same("ob_compatibility_mode = MYSQL"),
            }),
            "ORACLE" => Fact::Observed(Mode {
                mode: CompatibilityMode::Oracle,
                evidence: Text::same("ob_compatibility_mode = ORACLE"),
            }),
            other => Fact::unavailable(text!(
                "unrecognised ob_compatibility_mode `{other}`",
                "无法识别的 ob_compatibility_mode `{other}`"
            )),
        };
    }
    match (server, variables) {
        (Fact::Observed(server), _) if server.edition == Edition::Seekdb => Fact::Observed(Mode {
            mode: CompatibilityMode::Mysql,
            evidence: text!(
                "seekdb kernel (`{}`), which has MySQL mode only",
                "seekdb 内核（`{}`），只有 MySQL 模式",
                server.version
            ),
        }),
        (Fact::Unavailable { reason }, _) | (_, Fact::Unavailable { reason }) => {
            Fact::unavailable(reason.clone())
        }
        _ => Fact::unavailable(text!(
            "the tenant does not report ob_compatibility_mode",
            "该租户没有报告 ob_compatibility_mode"
        )),
    }
}

pub fn grants(rows: &Rows) -> Result<Grants, ShapeError> {
    let lines = rows
        .iter()
        .map(|row| text(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::show_grants::parse_grants(lines))
}

pub fn databases(rows: &Rows) -> Result<BTreeMap<String, Database>, ShapeError> {
    rows.iter()
        .map(|row| {
            Ok((
                text(row, 0)?.to_string(),
                Database {
                    charset: cell(row, 1)?.unwrap_or_default().to_string(),
                    collation: cell(row, 2)?.unwrap_or_default().to_string(),
                },
            ))
        })
        .collect()
}

/// Tables of the in-scope databases from the TABLES, COLUMNS and STATISTICS rows.
pub fn tables(
    table_rows: &Rows,
    column_rows: &Rows,
    key_rows: &Rows,
) -> Result<BTreeMap<String, BTreeMap<String, Table>>, ShapeError> {
    let mut databases: BTreeMap<String, BTreeMap<String, Table>> = BTreeMap::new();
    for row in table_rows {
        if !text(row, 2)?.eq_ignore_ascii_case("BASE TABLE") {
            continue;
        }
        let table = Table {
            approximate_rows: cell(row, 3)?.and_then(|rows| rows.parse().ok()),
            collation: cell(row, 4)?.map(str::to_string),
            columns: Vec::new(),
            keys: Vec::new(),
            indexes: Some(Vec::new()),
        };
        databases
            .entry(text(row, 0)?.to_string())
            .or_default()
            .insert(text(row, 1)?.to_string(), table);
    }
    for row in column_rows {
        // COLUMNS also lists views; only base tables were kept above.
        let (database, name) = (text(row, 0)?, text(row, 1)?);
        let Some(table) = databases
            .get_mut(database)
            .and_then(|tables| tables.get_mut(name))
        else {
            continue;
        };
        let extra = cell(row, 5)?.unwrap_or_default().to_ascii_uppercase();
        table.columns.push(Column {
            name: text(row, 2)?.to_string(),
            column_type: text(row, 3)?.to_string(),
            nullable: text(row, 4)?.eq_ignore_ascii_case("YES"),
            auto_increment: extra.contains("AUTO_INCREMENT"),
            generated: ["VIRTUAL", "STORED"]
                .into_iter()
                .find(|kind| extra.contains(&format!("{kind} GENERATED")))
                .map(str::to_string),
            default: ColumnDefault::from_column_default(cell(row, 6)?),
            on_update_current_timestamp: extra.contains("ON UPDATE CURRENT_TIMESTAMP"),
        });
    }
    for row in key_rows {
        let (database, name) = (text(row, 0)?, text(row, 1)?);
        let Some(table) = databases
            .get_mut(database)
            .and_then(|tables| tables.get_mut(name))
        else {
            continue;
        };
        let index = text(row, 2)?;
        let column = text(row, 3)?.to_string();
        if text(row, 4)? != "0" {
            if text(row, 5)?.eq_ignore_ascii_case("BTREE") {
                let indexes = table.indexes.get_or_insert_with(Vec::new);
                match indexes.iter_mut().find(|known| known.name == index) {
                    Some(known) => known.columns.push(column),
                    None => indexes.push(Index {
                        name: index.to_string(),
                        columns: vec![column],
                    }),
                }
            }
            continue;
        }
        match table.keys.iter_mut().find(|key| key.name == index) {
            Some(key) => key.columns.push(column),
            None => table.keys.push(Key {
                name: index.to_string(),
                kind: if index == "PRIMARY" {
                    KeyKind::Primary
                } else {
                    KeyKind::Unique
                },
                columns: vec![column],
            }),
        }
    }
    for table in databases
        .values_mut()
        .flat_map(|tables| tables.values_mut())
    {
        table
            .keys
            .sort_by(|left, right| (left.kind, &left.name).cmp(&(right.kind, &right.name)));
        if let Some(indexes) = &mut table.indexes {
            indexes.sort_by(|left, right| left.name.cmp(&right.name));
        }
    }
    Ok(databases)
}

/// Views of the in-scope databases (`db.view`), from the TABLES rows.
pub fn views(table_rows: &Rows) -> Result<Vec<String>, ShapeError> {
    let mut views = Vec::new();
    for row in table_rows {
        if text(row, 2)?.eq_ignore_ascii_case("VIEW") {
            views.push(format!("{}.{}", text(row, 0)?, text(row, 1)?));
        }
    }
    views.sort();
    Ok(views)
}

/// Tables per row-probe statement. What a probe costs is the kernel compiling it, branch by
/// branch, and opening each table the first time (cold, after a restart); per table, a branch
/// compiles cheapest in statements of this size (measured in BENCHMARKS.md). 1,000 EXISTS
/// branches in one statement exceeded OceanBase's per-query memory on a 1 GB seekdb (ERROR 11049).
pub const ROW_PROBE_BATCH: usize = 100;

/// One statement telling which of `tables` hold at least one row: a row `i` comes back for each
/// table `i` that has a row, nothing for an empty one. Each branch is a bare `LIMIT 1` scan,
/// which the kernel compiles far faster than an `EXISTS` subquery. Names are quoted
/// identifiers, never values.
pub fn row_probe(tables: &[(String, String)]) -> String {
    tables
        .iter()
        .enumerate()
        .map(|(index, (database, table))| {
            format!(
                "(SELECT {index} FROM {}.{} LIMIT 1)",
                crate::sql::quote_identifier(database),
                crate::sql::quote_identifier(table)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The `db.table` names of `tables` the probe found rows in: those whose index came back.
pub fn rows_present(
    rows: &Rows,
    tables: &[(String, String)],
) -> Result<BTreeSet<String>, ShapeError> {
    let mut present = BTreeSet::new();
    for row in rows {
        let index: usize = text(row, 0)?
            .parse()
            .map_err(|_| ShapeError(text!("probe index is not a number", "探测序号不是数字")))?;
        let (database, table) = tables.get(index).ok_or_else(|| {
            ShapeError(text!(
                "probe index {index} out of range",
                "探测序号 {index} 超出范围"
            ))
        })?;
        present.insert(format!("{database}.{table}"));
    }
    Ok(present)
}

/// The session's tenant from the [`TENANT_NAME`] rows: exactly one, or it cannot be told.
pub fn tenant_name(rows: &Rows) -> Result<String, ShapeError> {
    match rows.as_slice() {
        [row] => Ok(text(row, 0)?.to_string()),
        [] => Err(ShapeError(text!(
            "DBA_OB_TENANTS lists no tenant",
            "DBA_OB_TENANTS 中没有列出任何租户"
        ))),
        more => Err(ShapeError(text!(
            "DBA_OB_TENANTS lists {} tenants, not the session's own alone (a session in the sys tenant sees every tenant)",
            "DBA_OB_TENANTS 列出了 {} 个租户，而不只是会话所在的租户（sys 租户中的会话能看到所有租户）",
            more.len()
        ))),
    }
}

pub fn triggers(rows: &Rows) -> Result<Vec<Trigger>, ShapeError> {
    let mut triggers = rows
        .iter()
        .map(|row| {
            Ok(Trigger {
                database: text(row, 0)?.to_string(),
                name: text(row, 1)?.to_string(),
                table: text(row, 2)?.to_string(),
                timing: cell(row, 3)?.unwrap_or_default().to_string(),
                event: cell(row, 4)?.unwrap_or_default().to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    triggers.sort_by(|l, r| (&l.database, &l.name).cmp(&(&r.database, &r.name)));
    Ok(triggers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::statements::rows;

    #[test]
    fn seekdb_server_row() {
        let server = server(&rows(&[&[
            Some("4.3.5.3"),
            Some("5.7.25-OceanBase seekdb-v1.4.0.0"),
            Some("OceanBase 4.3.5.3 seekdb (r1.4.0.0) (Built 1-d0cbdf0e Sep  8 2026)"),
            Some("oms_a@%"),
        ]]))
        .unwrap();
        assert_eq!(server.ob_version, "4.3.5.3");
        assert_eq!(server.edition, Edition::Seekdb);
    }

    #[test]
    fn mode_from_variable_or_seekdb_and_never_guessed() {
        let vars = |mode: Option<&str>| {
            Fact::Observed(Variables {
                ob_compatibility_mode: mode.map(str::to_string),
                ..Variables::default()
            })
        };
        let server = |comment: &str| {
            Fact::Observed(Server {
                ob_version: "4.2.1.2".into(),
                version: "5.7.25-OceanBase-v4.2.1.2".into(),
                version_comment: comment.into(),
                edition: Edition::from_version_comment(comment),
                current_user: "u@%".into(),
            })
        };
        let oracle = mode(&vars(Some("ORACLE")), &server("OceanBase 4.2.1.2"));
        assert_eq!(oracle.observed().unwrap().mode, CompatibilityMode::Oracle);
        let seekdb = mode(&vars(None), &server("OceanBase 4.3.5.3 seekdb (r1.4.0.0)"));
        assert_eq!(seekdb.observed().unwrap().mode, CompatibilityMode::Mysql);
        assert!(
            mode(&vars(None), &server("OceanBase 4.2.1.2"))
                .observed()
                .is_none()
        );
    }

    #[test]
    fn tables_join_columns_and_keys_and_ignore_views() {
        let tables = tables(
            &rows(&[
                &[
                    Some("app"),
                    Some("t1"),
                    Some("BASE TABLE"),
                    Some("12"),
                    Some("utf8mb4_general_ci"),
                ],
                &[Some("app"), Some("view1"), Some("VIEW"), None, None],
            ]),
            &rows(&[
                &[
                    Some("app"),
                    Some("t1"),
                    Some("id"),
                    Some("int(11)"),
                    Some("NO"),
                    Some("auto_increment"),
                    None,
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("v"),
                    Some("varchar(10)"),
                    Some("NO"),
                    Some(""),
                    Some("x y"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("g"),
                    Some("int(11)"),
                    Some("YES"),
                    Some("VIRTUAL GENERATED"),
                    Some("(`id` + 1)"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("c"),
                    Some("datetime"),
                    Some("YES"),
                    Some("on update current_timestamp"),
                    Some("CURRENT_TIMESTAMP"),
                ],
                &[
                    Some("app"),
                    Some("view1"),
                    Some("id"),
                    Some("int(11)"),
                    Some("NO"),
                    Some(""),
                    None,
                ],
            ]),
            &rows(&[
                &[
                    Some("app"),
                    Some("t1"),
                    Some("ft"),
                    Some("__doc_id_1"),
                    Some("1"),
                    Some("FULLTEXT"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("ivc"),
                    Some("v"),
                    Some("1"),
                    Some("BTREE"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("ivc"),
                    Some("c"),
                    Some("1"),
                    Some("BTREE"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("uk"),
                    Some("v"),
                    Some("0"),
                    Some("BTREE"),
                ],
                &[
                    Some("app"),
                    Some("t1"),
                    Some("PRIMARY"),
                    Some("id"),
                    Some("0"),
                    Some("BTREE"),
                ],
            ]),
        )
        .unwrap();
        let t1 = &tables["app"]["t1"];
        assert_eq!(t1.approximate_rows, Some(12));
        assert_eq!(t1.columns.len(), 4);
        assert!(t1.columns[0].auto_increment);
        assert_eq!(t1.columns[0].default, ColumnDefault::None);
        assert_eq!(t1.columns[1].default, ColumnDefault::Value("x y".into()));
        assert_eq!(t1.columns[2].generated.as_deref(), Some("VIRTUAL"));
        assert!(t1.columns[3].on_update_current_timestamp);
        assert!(!t1.columns[1].on_update_current_timestamp);
        assert_eq!(t1.keys.len(), 2);
        assert_eq!(t1.keys[0].kind, KeyKind::Primary);
        assert_eq!(t1.keys[1].name, "uk");
        // Non-unique B-tree indexes apart from the keys; a full-text index is not compared.
        assert_eq!(
            t1.indexes,
            Some(vec![Index {
                name: "ivc".into(),
                columns: vec!["v".into(), "c".into()]
            }])
        );
        assert!(!tables["app"].contains_key("view1"));
    }

    #[test]
    fn views_and_the_row_probe() {
        let tables = rows(&[&[Some("app"), Some("v"), Some("VIEW"), None, None]]);
        assert_eq!(views(&tables).unwrap(), vec!["app.v"]);
        let probed = vec![
            ("app".to_string(), "a`b".to_string()),
            ("app".to_string(), "c".to_string()),
        ];
        assert_eq!(
            row_probe(&probed),
            "(SELECT 0 FROM `app`.`a``b` LIMIT 1) UNION ALL (SELECT 1 FROM `app`.`c` LIMIT 1)"
        );
        // Only the tables with a row come back.
        let present = rows_present(&rows(&[&[Some("1")]]), &probed).unwrap();
        assert_eq!(present.into_iter().collect::<Vec<_>>(), vec!["app.c"]);
        assert!(rows_present(&rows(&[]), &probed).unwrap().is_empty());
        assert!(rows_present(&rows(&[&[Some("2")]]), &probed).is_err());
        assert!(rows_present(&rows(&[&[Some("x")]]), &probed).is_err());
    }

    #[test]
    fn the_tenant_name_is_the_one_row_or_unknown() {
        assert_eq!(
            tenant_name(&rows(&[&[Some("tenant_a")]])).unwrap(),
            "tenant_a"
        );
        assert!(tenant_name(&rows(&[])).is_err());
        let sys = tenant_name(&rows(&[
            &[Some("sys")],
            &[Some("META$1002")],
            &[Some("t1")],
        ]));
        assert!(sys.unwrap_err().to_string().contains("lists 3 tenants"));
    }

    #[test]
    fn a_short_row_is_a_shape_error_not_a_panic() {
        assert!(server(&rows(&[&[Some("4.3.5.3")]])).is_err());
        assert!(databases(&rows(&[&[None, None, None]])).is_err());
    }
}
