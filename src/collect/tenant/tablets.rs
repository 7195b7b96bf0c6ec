//! Emptiness from the storage dictionary: which in-scope tables the tablet manager
//! (`oceanbase.__all_virtual_table_mgr`) proves empty, without a statement naming them.
//!
//! Naming a table in a statement makes the kernel load its schema the first time (about 10 ms a
//! table cold), so probing 10,000 tables with `LIMIT 1` is bound by that. The tablet manager
//! lists, per tablet, its memtables and sstables with their data blocks, and reading it loads no
//! table's schema. The test is one-sided: it proves a table empty, never that it holds rows.
//! A table is proven empty when every one of its data tablets (each partition's, each
//! subpartition's) is listed and every row the manager shows for it — from every server and
//! log-stream replica that reports it — is a major sstable, a minor or mini sstable with no data
//! block, or a metadata sstable, with at least one major among them
//! ([`Layout::stored_table`], read per kernel layout). A data memtable (a row written, deleted
//! or rolled back since the last flush), a data block anywhere, any other table type, or a
//! tablet the manager does not list leaves the table to the `LIMIT 1` probe, which stays the
//! judge.
//!
//! What the multi-server case relies on: OceanBase's virtual table gathers the tablet manager
//! of every server that is alive, and a tablet's leader is always on a live server, so its rows
//! are among those seen (a leader's memtable holds every write before any follower's does). A
//! server that cannot be asked fails the statement, and the probe then decides every table.

use std::collections::{BTreeMap, BTreeSet};

use super::layout::{Layout, StoredTable};
use super::queries::cell;
use super::statements::{Rows, ShapeError};
use crate::text;

/// The data tablets of the in-scope user tables in their normal state: one row per table
/// (`part_level` 0: the table's own tablet), per partition (1) or per subpartition (2).
/// Index tablets are left out: an index holds rows only where its table does.
pub const TABLETS: &str = "SELECT d.database_name, t.table_name, t.part_level, t.tablet_id, \
     p.tablet_id, s.tablet_id FROM oceanbase.__all_table t \
     JOIN oceanbase.__all_database d ON t.database_id = d.database_id \
     LEFT JOIN oceanbase.__all_part p ON p.table_id = t.table_id \
     LEFT JOIN oceanbase.__all_sub_part s ON s.table_id = p.table_id AND s.part_id = p.part_id \
     WHERE d.in_recyclebin = 0 AND t.table_type = 3 AND (t.table_mode >> 12) & 15 = 0 \
     AND d.database_name IN ({scope})";

/// Every table of every user tablet (ids from 200001, `ObTabletID::MIN_USER_TABLET_ID`) the
/// tablet manager lists. A range, not a list of ids: an `IN` list on this virtual table fails
/// on seekdb 1.4 with an internal error (4016).
pub const TABLET_MANAGER: &str = "SELECT tablet_id, table_type, data_block_count \
     FROM oceanbase.__all_virtual_table_mgr WHERE tablet_id >= 200001";

/// How many user tablets the tenant has, which is what walking [`TABLET_MANAGER`] costs: one
/// per unpartitioned table, index and LOB store (`__all_table`), one per partition and per
/// subpartition; tables in the recycle bin included, since the tablet manager walks them too.
pub const TENANT_TABLETS: &str = "SELECT COUNT(*) FROM oceanbase.__all_table t \
     WHERE t.tablet_id >= 200001 \
     UNION ALL SELECT COUNT(*) FROM oceanbase.__all_part p WHERE p.tablet_id >= 200001 \
     UNION ALL SELECT COUNT(*) FROM oceanbase.__all_sub_part s WHERE s.tablet_id >= 200001";

/// On a cold kernel walking the tablet manager loads every tablet not yet in memory, about
/// 0.9 ms a tablet (17.7 s for 19,998), and a `LIMIT 1` probe loads each table's schema, about
/// 4.5 ms a table (both measured at 10,000 tables on two cores, BENCHMARKS.md): the walk pays for itself while
/// the tenant holds at most this many tablets per table to decide. Warm, both are cheap.
pub const TABLETS_PER_PROBE: u64 = 5;

/// Up to this many tablets the walk is taken whatever the number of tables to decide: about
/// 4.5 s on a cold kernel at most, and the one-statement verdict stays the usual one (a
/// kernel the live tests have filled holds about 1,700).
pub const ALWAYS_WALKED: u64 = 5_000;

/// The sum of [`TENANT_TABLETS`]'s counts.
pub fn tenant_tablets(rows: &Rows) -> Result<u64, ShapeError> {
    let mut total: u64 = 0;
    for row in rows {
        let count = number(row, 0)?
            .and_then(|count| u64::try_from(count).ok())
            .ok_or_else(|| ShapeError(text!("a count is not a number", "计数不是数字")))?;
        total = total.saturating_add(count);
    }
    Ok(total)
}

/// Whether walking the tablet manager over `tablets` tablets is worth it to decide `tables`
/// tables rather than probing them ([`TABLETS_PER_PROBE`], [`ALWAYS_WALKED`]).
pub fn worth_walking(tablets: u64, tables: usize) -> bool {
    let tables = u64::try_from(tables).unwrap_or(u64::MAX);
    tablets <= ALWAYS_WALKED || tablets <= tables.saturating_mul(TABLETS_PER_PROBE)
}

/// Per in-scope table (`db`, `table`), its data tablets; `None` when the dictionary does not
/// say them all (a partition without its tablet id), so the table cannot be decided here.
pub type TableTablets = BTreeMap<(String, String), Option<Vec<i64>>>;

fn number(row: &[Option<String>], index: usize) -> Result<Option<i64>, ShapeError> {
    cell(row, index)?
        .map(|text| {
            text.parse().map_err(|_| {
                ShapeError(text!(
                    "column {} is not a number",
                    "第 {} 列不是数字",
                    index + 1
                ))
            })
        })
        .transpose()
}

fn name(row: &[Option<String>], index: usize) -> Result<String, ShapeError> {
    cell(row, index)?
        .map(str::to_string)
        .ok_or_else(|| ShapeError(text!("column {} is NULL", "第 {} 列为 NULL", index + 1)))
}

/// The tables and their data tablets in rows of [`TABLETS`].
pub fn table_tablets(rows: &Rows) -> Result<TableTablets, ShapeError> {
    let mut tables: TableTablets = BTreeMap::new();
    for row in rows {
        let key = (name(row, 0)?, name(row, 1)?);
        let level = number(row, 2)?;
        let tablet = match level {
            Some(0) => number(row, 3)?,
            Some(1) => number(row, 4)?,
            Some(2) => number(row, 5)?,
            _ => None,
        }
        .filter(|id| *id > 0);
        let entry = tables.entry(key).or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), tablet) {
            (Some(tablets), Some(tablet)) => tablets.push(tablet),
            _ => *entry = None,
        }
    }
    Ok(tables)
}

/// The tablets of [`TABLET_MANAGER`]'s rows that every row shows empty, by `layout`'s
/// numbering: a major sstable with no data block among them, no data block anywhere, and
/// nothing but majors, minor and mini sstables and metadata sstables.
pub fn empty_tablets(rows: &Rows, layout: &Layout) -> Result<BTreeSet<i64>, ShapeError> {
    // Per tablet: (a major seen, something seen that is not proven empty).
    let mut seen: BTreeMap<i64, (bool, bool)> = BTreeMap::new();
    for row in rows {
        let missing = || ShapeError(text!("a NULL in the tablet manager", "表管理器中有 NULL"));
        let tablet = number(row, 0)?.ok_or_else(missing)?;
        let table_type = number(row, 1)?.ok_or_else(missing)?;
        let blocks = number(row, 2)?.ok_or_else(missing)?;
        let (major, doubt) = seen.entry(tablet).or_default();
        match layout.stored_table(table_type) {
            StoredTable::Major if blocks == 0 => *major = true,
            StoredTable::Delta if blocks == 0 => {}
            StoredTable::WithoutRows => {}
            StoredTable::Major | StoredTable::Delta | StoredTable::Other => *doubt = true,
        }
    }
    Ok(seen
        .into_iter()
        .filter(|(_, (major, doubt))| *major && !*doubt)
        .map(|(tablet, _)| tablet)
        .collect())
}

/// The tables of `tables` whose every data tablet is in `empty`: proven empty.
pub fn proven_empty(tables: &TableTablets, empty: &BTreeSet<i64>) -> BTreeSet<(String, String)> {
    tables
        .iter()
        .filter(|(_, tablets)| {
            tablets.as_ref().is_some_and(|tablets| {
                !tablets.is_empty() && tablets.iter().all(|tablet| empty.contains(tablet))
            })
        })
        .map(|(key, _)| key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::statements::rows;

    fn seekdb() -> &'static Layout {
        Layout::named("seekdb-1.4").unwrap()
    }

    /// The rows seekdb 1.4 showed for each case (tests/row_probe.rs reproduces them live).
    #[test]
    fn a_tablet_is_empty_only_when_every_row_shows_it() {
        let manager = rows(&[
            // never written: an empty major, and the metadata sstable every tablet gets
            &[Some("200001"), Some("10"), Some("0")],
            &[Some("200001"), Some("17"), Some("1")],
            // a row in the memtable (or a row deleted, or an insert rolled back)
            &[Some("200002"), Some("10"), Some("0")],
            &[Some("200002"), Some("0"), Some("0")],
            // a row in a mini sstable after a minor freeze
            &[Some("200003"), Some("10"), Some("0")],
            &[Some("200003"), Some("12"), Some("1")],
            // a rolled-back insert after a minor freeze: a mini sstable of no block
            &[Some("200004"), Some("10"), Some("0")],
            &[Some("200004"), Some("12"), Some("0")],
            // a row after a major compaction
            &[Some("200005"), Some("10"), Some("1")],
            // a type this layout does not know
            &[Some("200006"), Some("10"), Some("0")],
            &[Some("200006"), Some("99"), Some("0")],
            // no major listed
            &[Some("200007"), Some("12"), Some("0")],
            // two replicas, one of them with a row
            &[Some("200008"), Some("10"), Some("0")],
            &[Some("200008"), Some("10"), Some("2")],
        ]);
        let empty = empty_tablets(&manager, seekdb()).unwrap();
        assert_eq!(empty, BTreeSet::from([200001, 200004]));
        // On OceanBase 4.3.1, 17 is a column-store sstable: not taken for metadata.
        let oceanbase = Layout::named("oceanbase-4.3.1").unwrap();
        let empty = empty_tablets(&manager, oceanbase).unwrap();
        assert_eq!(empty, BTreeSet::from([200004]));
        let null = rows(&[&[Some("200001"), None, Some("0")]]);
        assert!(empty_tablets(&null, seekdb()).is_err());
    }

    #[test]
    fn the_walk_is_taken_while_it_costs_less_than_the_probes() {
        let counts = rows(&[&[Some("10998")], &[Some("9000")], &[Some("2")]]);
        assert_eq!(tenant_tablets(&counts).unwrap(), 20_000);
        assert!(tenant_tablets(&rows(&[&[None]])).is_err());
        assert!(tenant_tablets(&rows(&[&[Some("-1")]])).is_err());
        // 10,000 tables of one index each: 20,000 tablets, walked.
        assert!(worth_walking(20_000, 10_000));
        // 10 tables in a tenant of 100,000 tablets: probed.
        assert!(!worth_walking(100_000, 10));
        assert!(worth_walking(50, 10) && worth_walking(ALWAYS_WALKED, 1));
        assert!(!worth_walking(ALWAYS_WALKED + 1, 1));
        assert!(worth_walking(10_000, 2_000) && !worth_walking(10_001, 2_000));
    }

    #[test]
    fn a_table_is_empty_when_every_data_tablet_is() {
        let listed = rows(&[
            &[
                Some("app"),
                Some("plain"),
                Some("0"),
                Some("200001"),
                None,
                None,
            ],
            &[
                Some("app"),
                Some("parts"),
                Some("1"),
                Some("0"),
                Some("200002"),
                None,
            ],
            &[
                Some("app"),
                Some("parts"),
                Some("1"),
                Some("0"),
                Some("200003"),
                None,
            ],
            &[
                Some("app"),
                Some("half"),
                Some("1"),
                Some("0"),
                Some("200004"),
                None,
            ],
            &[
                Some("app"),
                Some("half"),
                Some("1"),
                Some("0"),
                Some("200009"),
                None,
            ],
            &[
                Some("app"),
                Some("subs"),
                Some("2"),
                Some("0"),
                Some("0"),
                Some("200005"),
            ],
            &[
                Some("app"),
                Some("subs"),
                Some("2"),
                Some("0"),
                Some("0"),
                Some("200006"),
            ],
            // a partition whose subpartitions the dictionary does not list
            &[
                Some("app"),
                Some("unknown"),
                Some("2"),
                Some("0"),
                Some("0"),
                None,
            ],
            &[
                Some("app"),
                Some("unknown"),
                Some("2"),
                Some("0"),
                Some("0"),
                Some("200007"),
            ],
            &[
                Some("app"),
                Some("unlisted"),
                Some("0"),
                Some("200008"),
                None,
                None,
            ],
        ]);
        let tables = table_tablets(&listed).unwrap();
        assert_eq!(tables[&("app".into(), "unknown".into())], None);
        let empty = BTreeSet::from([200001, 200002, 200003, 200004, 200005, 200006, 200007]);
        let proven: Vec<String> = proven_empty(&tables, &empty)
            .into_iter()
            .map(|(_, table)| table)
            .collect();
        assert_eq!(proven, ["parts", "plain", "subs"]);
    }
}
