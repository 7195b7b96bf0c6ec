//! Triggers on the in-scope tables, read from the kernel's trigger dictionary.
//!
//! `information_schema.TRIGGERS` lists a trigger only to a user holding TRIGGER on its table,
//! which OMS does not ask its migration users for: through it, "no trigger" and "no trigger
//! you may see" look the same. The dictionary (`oceanbase.__all_tenant_trigger` on OceanBase
//! 4.x and seekdb 1.0, `__all_trigger` on seekdb 1.4) lists every trigger to a user with SELECT
//! on `oceanbase`.*,
//! which OMS does ask for. When it cannot be read (no such grant, a kernel whose layout this
//! tool does not know), the collector reads information_schema instead and says why, and the
//! rule then knows the list is only what the user may see.

use super::layout::Layout;
use super::statements::{Rows, ShapeError};
use crate::facts::Trigger;
use crate::i18n::Text;
use crate::text;

/// The triggers of the in-scope tables from the trigger table `$table`, with the names of
/// their databases and tables joined in. Ends in `IN ({scope})` like the catalogue queries.
macro_rules! triggers_from {
    ($table:literal) => {
        concat!(
            "SELECT d.database_name, g.trigger_name, t.table_name, g.timing_points, g.trigger_events \
             FROM oceanbase.",
            $table,
            " g JOIN oceanbase.__all_table t ON g.base_object_id = t.table_id \
             JOIN oceanbase.__all_database d ON t.database_id = d.database_id \
             WHERE d.in_recyclebin = 0 AND d.database_name IN ({scope})"
        )
    };
}

/// OceanBase 4.x and seekdb 1.0: `__all_tenant_trigger` (table id 254).
pub const FROM_TENANT_TRIGGER: &str = triggers_from!("__all_tenant_trigger");
/// seekdb 1.4: the same table without `tenant_` in its name.
pub const FROM_TRIGGER: &str = triggers_from!("__all_trigger");

/// The dictionary statement for a kernel of `layout`: the one over the trigger table it has.
pub fn statement(layout: &Layout) -> Result<&'static str, Text> {
    layout.first_readable(&[FROM_TENANT_TRIGGER, FROM_TRIGGER])
}

/// `timing_points` bits (`ObTriggerInfo`): when a MySQL-mode trigger fires.
const TIMINGS: &[(i64, &str)] = &[(4, "BEFORE"), (8, "AFTER")];
/// `trigger_events` bits: the statements it fires on.
const EVENTS: &[(i64, &str)] = &[(1, "INSERT"), (2, "UPDATE"), (4, "DELETE")];

/// The triggers in the rows of [`FROM_TENANT_TRIGGER`] or [`FROM_TRIGGER`], named as information_schema names
/// them (`BEFORE`, `INSERT`).
pub fn triggers(rows: &Rows) -> Result<Vec<Trigger>, ShapeError> {
    let mut triggers = rows
        .iter()
        .map(|row| {
            let text = |index: usize| {
                row.get(index).and_then(|cell| cell.clone()).ok_or_else(|| {
                    ShapeError(text!(
                        "column {} is missing or NULL",
                        "第 {} 列缺失或为 NULL",
                        index + 1
                    ))
                })
            };
            let bits = |index: usize| {
                text(index)?.parse::<i64>().map_err(|_| {
                    ShapeError(text!(
                        "column {} is not a number",
                        "第 {} 列不是数字",
                        index + 1
                    ))
                })
            };
            Ok(Trigger {
                database: text(0)?,
                name: text(1)?,
                table: text(2)?,
                timing: named_bits(bits(3)?, TIMINGS, "timing_points"),
                event: named_bits(bits(4)?, EVENTS, "trigger_events"),
            })
        })
        .collect::<Result<Vec<_>, ShapeError>>()?;
    triggers.sort_by(|l, r| (&l.database, &l.name).cmp(&(&r.database, &r.name)));
    Ok(triggers)
}

/// The names of the bits set in `value`, joined with ` OR `; bits this tool has no name for
/// are shown as the raw value rather than dropped (the trigger is there all the same).
fn named_bits(value: i64, names: &[(i64, &str)], field: &str) -> String {
    let known = names.iter().fold(0, |all, (bit, _)| all | bit);
    if value == 0 || value & !known != 0 {
        return format!("{field} {value}");
    }
    names
        .iter()
        .filter(|(bit, _)| value & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(" OR ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<Option<String>> {
        cells.iter().map(|cell| Some(cell.to_string())).collect()
    }

    /// What seekdb 1.4 stores for `BEFORE INSERT`, `AFTER UPDATE` and `BEFORE DELETE` triggers.
    #[test]
    fn dictionary_rows_read_as_information_schema_names_them() {
        let triggers = triggers(&vec![
            row(&["app", "t_bi", "orders", "4", "1"]),
            row(&["app", "t_au", "orders", "8", "2"]),
            row(&["app", "t_bd", "orders", "4", "4"]),
        ])
        .unwrap();
        let shown: Vec<(&str, &str, &str)> = triggers
            .iter()
            .map(|t| (t.name.as_str(), t.timing.as_str(), t.event.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("t_au", "AFTER", "UPDATE"),
                ("t_bd", "BEFORE", "DELETE"),
                ("t_bi", "BEFORE", "INSERT")
            ]
        );
        assert_eq!(triggers[0].database, "app");
        assert_eq!(triggers[0].table, "orders");
    }

    #[test]
    fn unknown_bits_are_shown_not_dropped_and_short_rows_are_shape_errors() {
        let odd = triggers(&vec![row(&["app", "t", "orders", "16", "3"])]).unwrap();
        assert_eq!(odd[0].timing, "timing_points 16");
        assert_eq!(odd[0].event, "INSERT OR UPDATE");
        assert!(triggers(&vec![row(&["app", "t", "orders", "4"])]).is_err());
        assert!(triggers(&vec![row(&["app", "t", "orders", "x", "1"])]).is_err());
    }

    /// OceanBase 4.x and seekdb 1.0 (oceanbase/seekdb v1.0.0) name the table
    /// `__all_tenant_trigger`; seekdb 1.4 (pylibseekdb 1.4.0.post1, live) `__all_trigger`.
    #[test]
    fn the_statement_follows_the_kernel() {
        for (layout, table) in [
            ("oceanbase-4.0", "oceanbase.__all_tenant_trigger g"),
            ("oceanbase-4.3.2", "oceanbase.__all_tenant_trigger g"),
            ("seekdb-1.0", "oceanbase.__all_tenant_trigger g"),
            ("seekdb-1.4", "oceanbase.__all_trigger g"),
        ] {
            let layout = Layout::named(layout).unwrap();
            assert!(
                statement(layout).unwrap().contains(table),
                "{}",
                layout.name
            );
        }
    }
}
