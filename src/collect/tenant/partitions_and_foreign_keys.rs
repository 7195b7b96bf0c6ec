//! Partitioning and foreign keys of the in-scope tables: one statement each, whatever the
//! number of tables, read from the kernel's dictionary (`oceanbase.__all_part`, `__all_table`,
//! `__all_foreign_key`, `__all_foreign_key_column`, `__all_column`: the same names on every
//! layout) and, when the dictionary cannot be read, from information_schema
//! (`PARTITIONS`; `KEY_COLUMN_USAGE` joined with `REFERENTIAL_CONSTRAINTS`), saying why.
//!
//! The dictionary statements print the kernel's numbers as information_schema names them
//! (`ObPartitionFuncType`, `ObReferenceAction` of OceanBase 4.x), so both statements of a kind
//! give rows of one shape and one parser reads them; a number without a name comes back NULL,
//! and the parser refuses the rows rather than guess (the collector then reads
//! information_schema).

use crate::i18n::Text;
use crate::text;
use std::collections::BTreeMap;

use super::layout::Layout;
use super::statements::{Rows, ShapeError};
use super::{Dictionary, Fetcher, dictionary_or_information_schema, to_fact};
use crate::collect::CatalogChoice;
use crate::facts::{Catalog, Fact, ForeignKey, Partition, Partitioning};

/// The partitions of the in-scope partitioned tables, from the dictionary. Row shape: database,
/// table, method, expression, subpartition method, subpartition expression, position, name,
/// bound. A partition keeps its bound in `high_bound_val` (RANGE) or `list_val` (LIST); the
/// other is NULL or an empty string, depending on which path of the kernel wrote the row
/// (`ob_partition_sql_helper.cpp` writes `''` for a missing one, seekdb 1.4 NULL): both mean
/// "no bound there".
pub const PARTITIONS: &str = "SELECT d.database_name, t.table_name, \
     CASE t.part_func_type WHEN 0 THEN 'HASH' WHEN 1 THEN 'KEY' WHEN 2 THEN 'KEY' WHEN 3 THEN 'RANGE' \
     WHEN 4 THEN 'RANGE COLUMNS' WHEN 5 THEN 'LIST' WHEN 6 THEN 'LIST COLUMNS' END, t.part_func_expr, \
     CASE WHEN t.part_level < 2 THEN '' WHEN t.sub_part_func_type = 0 THEN 'HASH' \
     WHEN t.sub_part_func_type IN (1, 2) THEN 'KEY' WHEN t.sub_part_func_type = 3 THEN 'RANGE' \
     WHEN t.sub_part_func_type = 4 THEN 'RANGE COLUMNS' WHEN t.sub_part_func_type = 5 THEN 'LIST' \
     WHEN t.sub_part_func_type = 6 THEN 'LIST COLUMNS' END, t.sub_part_func_expr, p.part_idx + 1, \
     p.part_name, COALESCE(NULLIF(p.high_bound_val, ''), p.list_val) FROM oceanbase.__all_part p \
     JOIN oceanbase.__all_table t ON p.table_id = t.table_id \
     JOIN oceanbase.__all_database d ON t.database_id = d.database_id \
     WHERE d.in_recyclebin = 0 AND t.table_type = 3 AND t.part_level > 0 AND d.database_name IN ({scope})";

/// The same rows from information_schema: one per subpartition of a two-level table.
pub const PARTITIONS_INFORMATION_SCHEMA: &str = "SELECT table_schema, table_name, partition_method, \
     partition_expression, subpartition_method, subpartition_expression, partition_ordinal_position, \
     partition_name, partition_description FROM information_schema.PARTITIONS \
     WHERE partition_name IS NOT NULL AND table_schema IN ({scope})";

/// The referential action a number of `__all_foreign_key` stands for.
macro_rules! action {
    ($column:literal) => {
        concat!(
            "CASE f.",
            $column,
            " WHEN 1 THEN 'RESTRICT' WHEN 2 THEN 'CASCADE' WHEN 3 THEN 'SET NULL' \
             WHEN 4 THEN 'NO ACTION' WHEN 5 THEN 'SET DEFAULT' END"
        )
    };
}

/// The foreign keys of the in-scope tables, one row per column, from the dictionary. Row
/// shape: database, table, name, referenced database, referenced table, ON UPDATE, ON DELETE,
/// position, column, referenced column. A key whose parent the dictionary does not name (a
/// parent created after the key, with foreign_key_checks off) has NULL parent names.
pub const FOREIGN_KEYS: &str = concat!(
    "SELECT d.database_name, t.table_name, f.foreign_key_name, pd.database_name, pt.table_name, ",
    action!("update_action"),
    ", ",
    action!("delete_action"),
    ", fc.position, c.column_name, pc.column_name FROM oceanbase.__all_foreign_key f \
     JOIN oceanbase.__all_foreign_key_column fc ON fc.foreign_key_id = f.foreign_key_id \
     JOIN oceanbase.__all_table t ON f.child_table_id = t.table_id \
     JOIN oceanbase.__all_database d ON t.database_id = d.database_id \
     JOIN oceanbase.__all_column c ON c.table_id = f.child_table_id AND c.column_id = fc.child_column_id \
     LEFT JOIN oceanbase.__all_table pt ON pt.table_id = f.parent_table_id \
     LEFT JOIN oceanbase.__all_database pd ON pt.database_id = pd.database_id \
     LEFT JOIN oceanbase.__all_column pc ON pc.table_id = f.parent_table_id AND pc.column_id = fc.parent_column_id \
     WHERE d.in_recyclebin = 0 AND d.database_name IN ({scope})"
);

/// The same rows from information_schema, which names only the keys of tables the user holds
/// a privilege on.
pub const FOREIGN_KEYS_INFORMATION_SCHEMA: &str = "SELECT k.table_schema, k.table_name, k.constraint_name, \
     k.referenced_table_schema, k.referenced_table_name, r.update_rule, r.delete_rule, k.ordinal_position, \
     k.column_name, k.referenced_column_name FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.constraint_schema = k.constraint_schema \
     AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name \
     WHERE k.referenced_table_name IS NOT NULL AND k.table_schema IN ({scope})";

pub type Partitions = BTreeMap<String, BTreeMap<String, Partitioning>>;

fn text(row: &[Option<String>], index: usize) -> Result<&str, ShapeError> {
    row.get(index)
        .ok_or_else(|| {
            ShapeError(text!(
                "expected at least {} columns",
                "预期至少 {} 列",
                index + 1
            ))
        })?
        .as_deref()
        .ok_or_else(|| ShapeError(text!("column {} is NULL", "第 {} 列为 NULL", index + 1)))
}

fn optional(row: &[Option<String>], index: usize) -> Result<Option<&str>, ShapeError> {
    row.get(index)
        .map(|cell| cell.as_deref().filter(|text| !text.is_empty()))
        .ok_or_else(|| {
            ShapeError(text!(
                "expected at least {} columns",
                "预期至少 {} 列",
                index + 1
            ))
        })
}

fn position(row: &[Option<String>], index: usize) -> Result<i64, ShapeError> {
    text(row, index)?.parse().map_err(|_| {
        ShapeError(text!(
            "column {} is not a number",
            "第 {} 列不是数字",
            index + 1
        ))
    })
}

/// The partitioned tables in rows of [`PARTITIONS`] or [`PARTITIONS_INFORMATION_SCHEMA`].
pub fn partitions(rows: &Rows) -> Result<Partitions, ShapeError> {
    let mut ordered: BTreeMap<(String, String), (Partitioning, BTreeMap<i64, Partition>)> =
        BTreeMap::new();
    for row in rows {
        let (database, table) = (text(row, 0)?, text(row, 1)?);
        let method = text(row, 2).map_err(|_| {
            ShapeError(text!(
                "{database}.{table} is partitioned by a method this tool has no name for",
                "{database}.{table} 的分区方式本工具无法识别"
            ))
        })?;
        let subpartitioning = match optional(row, 4)? {
            None => None,
            Some(method) => Some((
                method.to_string(),
                optional(row, 5)?.unwrap_or_default().to_string(),
            )),
        };
        let entry = ordered
            .entry((database.to_string(), table.to_string()))
            .or_insert_with(|| {
                (
                    Partitioning {
                        method: method.to_string(),
                        expression: String::new(),
                        subpartitioning: subpartitioning.clone(),
                        partitions: Vec::new(),
                    },
                    BTreeMap::new(),
                )
            });
        entry.0.expression = optional(row, 3)?.unwrap_or_default().to_string();
        // information_schema repeats a partition once per subpartition.
        entry.1.insert(
            position(row, 6)?,
            Partition {
                name: text(row, 7)?.to_string(),
                bound: optional(row, 8)?.map(str::to_string),
            },
        );
    }
    let mut tables = Partitions::new();
    for ((database, table), (mut partitioning, partitions)) in ordered {
        partitioning.partitions = partitions.into_values().collect();
        tables
            .entry(database)
            .or_default()
            .insert(table, partitioning);
    }
    Ok(tables)
}

/// The foreign keys in rows of [`FOREIGN_KEYS`] or [`FOREIGN_KEYS_INFORMATION_SCHEMA`].
pub fn foreign_keys(rows: &Rows) -> Result<Vec<ForeignKey>, ShapeError> {
    type Columns = BTreeMap<i64, (String, String)>;
    let mut keys: BTreeMap<(String, String, String), (ForeignKey, Columns)> = BTreeMap::new();
    for row in rows {
        let (database, table, name) = (text(row, 0)?, text(row, 1)?, text(row, 2)?);
        let parent = |index| {
            text(row, index).map_err(|_| {
                ShapeError(text!(
                    "the parent of foreign key {name} on {database}.{table} is not named",
                    "{database}.{table} 上外键 {name} 的父表没有名称"
                ))
            })
        };
        let action = |index| {
            text(row, index).map_err(|_| {
                ShapeError(text!(
                    "foreign key {name} on {database}.{table} has an action this tool has no name for",
                    "{database}.{table} 上外键 {name} 的动作本工具无法识别"
                ))
            })
        };
        let entry = keys
            .entry((database.to_string(), table.to_string(), name.to_string()))
            .or_insert_with(|| {
                (
                    ForeignKey {
                        database: database.to_string(),
                        table: table.to_string(),
                        name: name.to_string(),
                        columns: vec![],
                        referenced_database: String::new(),
                        referenced_table: String::new(),
                        referenced_columns: vec![],
                        on_update: String::new(),
                        on_delete: String::new(),
                    },
                    Columns::new(),
                )
            });
        entry.0.referenced_database = parent(3)?.to_string();
        entry.0.referenced_table = parent(4)?.to_string();
        entry.0.on_update = action(5)?.to_string();
        entry.0.on_delete = action(6)?.to_string();
        entry.1.insert(
            position(row, 7)?,
            (text(row, 8)?.to_string(), parent(9)?.to_string()),
        );
    }
    Ok(keys
        .into_values()
        .map(|(mut key, columns)| {
            (key.columns, key.referenced_columns) = columns.into_values().unzip();
            key
        })
        .collect())
}

/// One kind of object from the dictionary unless told otherwise; from information_schema,
/// saying why, when the dictionary cannot be read and that is allowed.
async fn read<T>(
    fetcher: &Fetcher<'_>,
    (catalog, layout): (CatalogChoice, &Dictionary),
    (dictionary, information_schema): (&'static str, &'static str),
    parse: fn(&Rows) -> Result<T, ShapeError>,
) -> (Fact<T>, Catalog) {
    let from_dictionary = async {
        let layout: &Layout = layout.as_ref().map_err(Text::clone)?;
        let rows = fetcher.dictionary_scoped(layout, dictionary).await?;
        parse(&rows).map_err(Text::from)
    };
    dictionary_or_information_schema(fetcher.endpoint, catalog, from_dictionary, || async {
        to_fact(fetcher.scoped(information_schema).await, parse)
    })
    .await
}

/// Partitions and foreign keys, side by side.
pub(super) async fn fetch(
    fetcher: &Fetcher<'_>,
    catalog: CatalogChoice,
    layout: &Dictionary,
) -> (
    (Fact<Partitions>, Catalog),
    (Fact<Vec<ForeignKey>>, Catalog),
) {
    tokio::join!(
        read(
            fetcher,
            (catalog, layout),
            (PARTITIONS, PARTITIONS_INFORMATION_SCHEMA),
            partitions
        ),
        read(
            fetcher,
            (catalog, layout),
            (FOREIGN_KEYS, FOREIGN_KEYS_INFORMATION_SCHEMA),
            foreign_keys
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::statements::rows;

    /// What seekdb 1.4 answered for `PARTITION BY RANGE COLUMNS(d) (p2024 ..., pmax ...)` and
    /// `PARTITION BY RANGE(d) SUBPARTITION BY HASH(id) SUBPARTITIONS 2` through
    /// information_schema (each partition once per subpartition, out of order).
    #[test]
    fn partitions_in_order_once_each() {
        let found = partitions(&rows(&[
            &[
                Some("p1"),
                Some("rs"),
                Some("RANGE"),
                Some("d"),
                Some("HASH"),
                Some("id"),
                Some("2"),
                Some("p1"),
                Some("20"),
            ],
            &[
                Some("p1"),
                Some("r"),
                Some("RANGE COLUMNS"),
                Some("d"),
                None,
                None,
                Some("2"),
                Some("pmax"),
                Some("MAXVALUE"),
            ],
            &[
                Some("p1"),
                Some("r"),
                Some("RANGE COLUMNS"),
                Some("d"),
                None,
                None,
                Some("1"),
                Some("p2024"),
                Some("'2025-01-01'"),
            ],
            &[
                Some("p1"),
                Some("rs"),
                Some("RANGE"),
                Some("d"),
                Some("HASH"),
                Some("id"),
                Some("1"),
                Some("p0"),
                Some("10"),
            ],
            &[
                Some("p1"),
                Some("rs"),
                Some("RANGE"),
                Some("d"),
                Some("HASH"),
                Some("id"),
                Some("2"),
                Some("p1"),
                Some("20"),
            ],
        ]))
        .unwrap();
        let r = &found["p1"]["r"];
        assert_eq!(r.describe(), "RANGE COLUMNS(d)");
        let names: Vec<&str> = r.partitions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p2024", "pmax"]);
        assert_eq!(r.partitions[0].bound.as_deref(), Some("'2025-01-01'"));
        let rs = &found["p1"]["rs"];
        assert_eq!(rs.describe(), "RANGE(d) SUBPARTITION BY HASH(id)");
        assert_eq!(rs.partitions.len(), 2);
        assert!(rs.is_maintained());
    }

    /// The dictionary statement gives '' for the subpartition method of a one-level table and
    /// NULL for a method it has no name for: refused, not guessed.
    #[test]
    fn an_unnamed_method_is_refused() {
        let hash = partitions(&rows(&[&[
            Some("app"),
            Some("h"),
            Some("HASH"),
            Some("id"),
            Some(""),
            Some(""),
            Some("1"),
            Some("p0"),
            None,
        ]]))
        .unwrap();
        assert_eq!(hash["app"]["h"].subpartitioning, None);
        assert!(!hash["app"]["h"].is_maintained());
        let unknown = partitions(&rows(&[&[
            Some("app"),
            Some("h"),
            None,
            Some("id"),
            Some(""),
            Some(""),
            Some("1"),
            Some("p0"),
            None,
        ]]));
        assert!(unknown.unwrap_err().to_string().contains("no name for"));
    }

    /// A LIST partition keeps its values in `list_val`; its `high_bound_val` is NULL on seekdb
    /// 1.4 (live) and an empty string where `ob_partition_sql_helper.cpp` writes the row with
    /// one (HollowMan6/oceanbase v4.0.0_CE to develop), which COALESCE alone would have taken
    /// for the bound. The statement skips an empty high bound, and an empty or NULL bound reads
    /// as none.
    #[test]
    fn an_empty_bound_and_a_null_one_are_the_same() {
        assert!(PARTITIONS.contains("COALESCE(NULLIF(p.high_bound_val, ''), p.list_val)"));
        let row = |name: &'static str, bound: Option<&'static str>| {
            [
                Some("app"),
                Some("l"),
                Some("LIST"),
                Some("r"),
                Some(""),
                Some(""),
                Some(if name == "p0" { "1" } else { "2" }),
                Some(name),
                bound,
            ]
        };
        let (p0, p1) = (row("p0", Some("1,2")), row("p1", Some("")));
        let found = partitions(&rows(&[&p0, &p1])).unwrap();
        let list = &found["app"]["l"];
        assert_eq!(list.partitions[0].bound.as_deref(), Some("1,2"));
        assert_eq!(list.partitions[1].bound, None);
        let null = row("p1", None);
        let with_null = partitions(&rows(&[&p0, &null])).unwrap();
        assert_eq!(&with_null["app"]["l"], list);
    }

    /// seekdb 1.4: `fk_c (pid) REFERENCES parent (id) ON DELETE CASCADE`, and a two-column key.
    #[test]
    fn foreign_keys_gather_their_columns_in_order() {
        let keys = foreign_keys(&rows(&[
            &[
                Some("app"),
                Some("child"),
                Some("fk_two"),
                Some("app"),
                Some("parent"),
                Some("RESTRICT"),
                Some("RESTRICT"),
                Some("2"),
                Some("b"),
                Some("y"),
            ],
            &[
                Some("app"),
                Some("child"),
                Some("fk_c"),
                Some("app"),
                Some("parent"),
                Some("RESTRICT"),
                Some("CASCADE"),
                Some("1"),
                Some("pid"),
                Some("id"),
            ],
            &[
                Some("app"),
                Some("child"),
                Some("fk_two"),
                Some("app"),
                Some("parent"),
                Some("RESTRICT"),
                Some("RESTRICT"),
                Some("1"),
                Some("a"),
                Some("x"),
            ],
        ]))
        .unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].name, "fk_c");
        assert_eq!(keys[0].cascading(), vec!["ON DELETE CASCADE"]);
        assert_eq!(keys[1].describe(), "(a, b) REFERENCES app.parent (x, y)");
        assert!(keys[1].cascading().is_empty());
        let mock_parent = foreign_keys(&rows(&[&[
            Some("app"),
            Some("child"),
            Some("fk"),
            None,
            None,
            Some("RESTRICT"),
            Some("RESTRICT"),
            Some("1"),
            Some("pid"),
            None,
        ]]));
        assert!(mock_parent.unwrap_err().to_string().contains("not named"));
    }
}
