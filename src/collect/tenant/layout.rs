//! The kernel's dictionary as each OceanBase and seekdb version defines it, read from
//! `rules/dictionary-layouts.toml` (compiled in): which tables and columns of `oceanbase.*` a
//! kernel has, and what the numbers stored there mean on it.
//!
//! The collector chooses a layout by what the kernel reports (`ob_version()` on OceanBase, the
//! seekdb release in `version()` on seekdb) and asks [`Layout::check`] before it sends any
//! statement over `oceanbase.*`: a statement naming a table or column its layout lacks is not
//! sent, and the reason (the table, the column, the layout and the revision it was read at)
//! goes where the server's error would have gone: information_schema is read instead, or the
//! fact is unavailable. A kernel without a layout reads no dictionary at all. What the kernel
//! stores is read by the same layout: an index type, a data type or a collation it does not
//! list is refused, never guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use toml_span::value::Value;

use crate::facts::{Edition, Server};
use crate::i18n::Text;
use crate::text;
use crate::version::compare;

const LAYOUTS_TOML: &str = include_str!("../../../rules/dictionary-layouts.toml");

/// Which kernel family a layout describes: the versions of each are numbered apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    OceanBase,
    Seekdb,
}

impl Kernel {
    fn name(self) -> &'static str {
        match self {
            Kernel::OceanBase => "OceanBase",
            Kernel::Seekdb => "seekdb",
        }
    }
}

/// What an index table is, by its `__all_table.index_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexRole {
    /// A unique B-tree index: a unique key.
    Unique,
    /// A B-tree index that is not unique.
    NotUnique,
    /// The primary key of a heap-organised table, kept as an index table.
    HeapPrimary,
    /// A full-text index or one of its aux tables, which information_schema shows as FULLTEXT
    /// and the key rules leave out.
    Skipped,
}

/// The types whose `__all_column.data_type` differs between layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    Json,
    Geometry,
    /// `decimal` stored as a fixed-width integer (OceanBase 4.2.2 and later).
    DecimalInt,
    /// `date` and `datetime` as the 4.3.3+ kernels store them.
    MysqlDate,
    MysqlDatetime,
}

impl DataType {
    fn named(name: &str) -> Option<DataType> {
        Some(match name {
            "json" => DataType::Json,
            "geometry" => DataType::Geometry,
            "decimal_int" => DataType::DecimalInt,
            "mysql_date" => DataType::MysqlDate,
            "mysql_datetime" => DataType::MysqlDatetime,
            _ => return None,
        })
    }
}

/// The character sets the collector tells apart in `__all_column.collation_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8mb4,
    Binary,
    Latin1,
    Ascii,
    Utf16,
    Utf16le,
    Gbk,
    Gb18030,
    Gb18030_2022,
}

impl Charset {
    fn named(name: &str) -> Option<Charset> {
        Some(match name {
            "utf8mb4" => Charset::Utf8mb4,
            "binary" => Charset::Binary,
            "latin1" => Charset::Latin1,
            "ascii" => Charset::Ascii,
            "utf16" => Charset::Utf16,
            "utf16le" => Charset::Utf16le,
            "gbk" => Charset::Gbk,
            "gb18030" => Charset::Gb18030,
            "gb18030_2022" => Charset::Gb18030_2022,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8mb4 => "utf8mb4",
            Charset::Binary => "binary",
            Charset::Latin1 => "latin1",
            Charset::Ascii => "ascii",
            Charset::Utf16 => "utf16",
            Charset::Utf16le => "utf16le",
            Charset::Gbk => "gbk",
            Charset::Gb18030 => "gb18030",
            Charset::Gb18030_2022 => "gb18030_2022",
        }
    }
}

/// What the tablet manager (`__all_virtual_table_mgr.table_type`, enum ObITable::TableType)
/// says one of a tablet's tables is, as far as its rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredTable {
    /// MAJOR_SSTABLE: the baseline; no data block means no row.
    Major,
    /// MINOR_SSTABLE or MINI_SSTABLE: rows written since the baseline; no data block means no
    /// row (a rolled-back insert leaves one with none).
    Delta,
    /// A metadata (MDS) sstable: the tablet's own state, never a row of the table.
    WithoutRows,
    /// A data memtable, a DDL or column-store sstable, any number the layout does not list:
    /// says nothing about emptiness.
    Other,
}

/// One kernel layout: a `[[layout]]` of the data file.
#[derive(Debug)]
pub struct Layout {
    pub name: String,
    pub kernel: Kernel,
    /// The versions it serves, `[min, below)`: `ob_version()` on OceanBase, the seekdb release
    /// on seekdb.
    min: String,
    below: String,
    /// `repository revision`, as the reasons name it.
    pub source: String,
    index_types: BTreeMap<i64, IndexRole>,
    data_types: BTreeMap<i64, DataType>,
    collations: BTreeMap<i64, Charset>,
    /// The bit of `table_mode` marking a materialized view's container table, where there are
    /// materialized views.
    pub mv_container_bit: Option<i64>,
    /// `[layout.tablets]`: the tablet manager's table types.
    major_sstable: i64,
    delta_sstables: BTreeSet<i64>,
    without_rows: BTreeSet<i64>,
    /// Per table or view the statements read, the columns it has in a user tenant.
    columns: BTreeMap<String, BTreeSet<String>>,
}

impl Layout {
    /// Every layout of the data file, in its order.
    pub fn all() -> &'static [Layout] {
        static LAYOUTS: OnceLock<Vec<Layout>> = OnceLock::new();
        LAYOUTS.get_or_init(|| {
            parse(LAYOUTS_TOML).expect("rules/dictionary-layouts.toml is valid (tested)")
        })
    }

    /// The layout named `name` in the data file.
    pub fn named(name: &str) -> Option<&'static Layout> {
        Layout::all().iter().find(|layout| layout.name == name)
    }

    /// The layout of the kernel `server` describes, or why the dictionary is not read there.
    pub fn of(server: &Server) -> Result<&'static Layout, Text> {
        let (kernel, version) = match server.edition {
            Edition::Community | Edition::Enterprise => {
                (Kernel::OceanBase, server.ob_version.as_str())
            }
            Edition::Seekdb => {
                let release = seekdb_release(server).ok_or_else(|| {
                    text!(
                        "the seekdb release of this kernel cannot be read from `{}` or `{}`, so \
                         its dictionary layout is unknown",
                        "无法从 `{}` 或 `{}` 读出该内核的 seekdb 版本，因此其字典布局未知",
                        server.version,
                        server.version_comment
                    )
                })?;
                (Kernel::Seekdb, release)
            }
            Edition::Unknown => {
                return Err(text!(
                    "the kernel `{}` ({}) is neither OceanBase nor seekdb, whose dictionary \
                     layouts this tool knows",
                    "内核 `{}`（{}）既不是 OceanBase 也不是 seekdb，本工具只知道这两者的字典布局",
                    server.ob_version,
                    server.version_comment
                ));
            }
        };
        Layout::all()
            .iter()
            .find(|layout| layout.kernel == kernel && layout.serves(version))
            .ok_or_else(|| {
                let recorded: Vec<String> = Layout::all()
                    .iter()
                    .filter(|layout| layout.kernel == kernel)
                    .map(|layout| format!("{}-{}", layout.min, layout.below))
                    .collect();
                text!(
                    "no dictionary layout is recorded for {} {version} (recorded: {}; \
                     rules/dictionary-layouts.toml)",
                    "没有记录 {} {version} 的字典布局（已记录：{}；rules/dictionary-layouts.toml）",
                    kernel.name(),
                    recorded.join(", ")
                )
            })
    }

    fn serves(&self, version: &str) -> bool {
        compare(version, &self.min).is_ge() && compare(version, &self.below).is_lt()
    }

    /// `layout oceanbase-4.0, as HollowMan6/oceanbase v4.0.0_CE defines it`: where a reason
    /// says the numbers and names came from.
    pub fn describe(&self) -> Text {
        let (name, source) = (&self.name, &self.source);
        text!(
            "dictionary layout {name}, read at {source}",
            "字典布局 {name}，读取自 {source}"
        )
    }

    pub fn index_role(&self, index_type: i64) -> Option<IndexRole> {
        self.index_types.get(&index_type).copied()
    }

    pub fn data_type(&self, code: i64) -> Option<DataType> {
        self.data_types.get(&code).copied()
    }

    pub fn charset(&self, collation: i64) -> Option<Charset> {
        self.collations.get(&collation).copied()
    }

    /// What a table of the tablet manager is, by its `table_type`.
    pub fn stored_table(&self, table_type: i64) -> StoredTable {
        if table_type == self.major_sstable {
            StoredTable::Major
        } else if self.delta_sstables.contains(&table_type) {
            StoredTable::Delta
        } else if self.without_rows.contains(&table_type) {
            StoredTable::WithoutRows
        } else {
            StoredTable::Other
        }
    }

    /// Per table and view the statements read, the columns this layout records for it.
    pub fn tables(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.columns
    }

    /// What `statement` reads over `oceanbase.*` that this layout lacks: `oceanbase.T` for a
    /// table or view it does not have, `oceanbase.T.c` for a column.
    pub fn missing(&self, statement: &str) -> Vec<String> {
        let mut missing = Vec::new();
        for (table, columns) in columns_read(statement) {
            match self.columns.get(&table) {
                None => missing.push(format!("oceanbase.{table}")),
                Some(has) => missing.extend(
                    columns
                        .difference(has)
                        .map(|column| format!("oceanbase.{table}.{column}")),
                ),
            }
        }
        missing
    }

    /// `Ok` when every table and column `statement` reads exists on this layout; otherwise the
    /// reason it is not sent. The reason says "on this version", which the rules' remedies read
    /// as "nothing to grant".
    pub fn check(&self, statement: &str) -> Result<(), Text> {
        let missing = self.missing(statement);
        if missing.is_empty() {
            return Ok(());
        }
        let what: Vec<Text> = missing
            .iter()
            .map(|item| match item.matches('.').count() {
                1 => text!(
                    "{item} does not exist in a user tenant",
                    "用户租户中不存在 {item}"
                ),
                _ => {
                    let (table, column) = item.rsplit_once('.').unwrap_or((item, ""));
                    text!("{table} has no column {column}", "{table} 没有列 {column}")
                }
            })
            .collect();
        // `该版本上 ` before a name, not before Chinese.
        Err(crate::i18n::spaced(text!(
            "{what} on this version ({layout})",
            "该版本上 {what}（{layout}）";
            what = Text::join(&what, ", ", "，"),
            layout = self.describe()
        )))
    }
}

impl Layout {
    /// The first of `statements` (the same read over tables that differ between kernels) this
    /// layout can run; without one, why the first cannot.
    pub fn first_readable(&self, statements: &[&'static str]) -> Result<&'static str, Text> {
        let mut first_reason = None;
        for statement in statements {
            match self.check(statement) {
                Ok(()) => return Ok(statement),
                Err(reason) => {
                    first_reason.get_or_insert(reason);
                }
            }
        }
        Err(first_reason
            .unwrap_or_else(|| text!("no statement to choose from", "没有可供选择的语句")))
    }
}

/// The seekdb release a seekdb kernel reports: `1.4.0.0` from `version()`
/// (`5.7.25-OceanBase seekdb-v1.4.0.0`) or from `@@version_comment`
/// (`OceanBase 4.3.5.3 seekdb (r1.4.0.0) ...`).
fn seekdb_release(server: &Server) -> Option<&str> {
    fn numbered(text: &str) -> Option<&str> {
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        Some(&text[..end]).filter(|release| release.starts_with(|c: char| c.is_ascii_digit()))
    }
    if let Some((_, rest)) = server.version.split_once("seekdb-v") {
        return numbered(rest);
    }
    let (_, after) = server.version_comment.split_once("seekdb (r")?;
    numbered(after)
}

/// Per table or view of `oceanbase.*`, the columns `statement` reads: `alias.column` where a
/// table has an alias, the select list where a branch reads one table without one. Each branch
/// of a `UNION ALL` has its own aliases.
pub fn columns_read(statement: &str) -> BTreeMap<String, BTreeSet<String>> {
    const KEYWORDS: &[&str] = &[
        "JOIN", "LEFT", "RIGHT", "INNER", "ON", "WHERE", "UNION", "GROUP", "ORDER", "LIMIT",
    ];
    let mut read: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for branch in statement.split("UNION ALL") {
        let tokens: Vec<&str> = branch
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')))
            .filter(|token| !token.is_empty())
            .collect();
        let mut aliases: BTreeMap<&str, &str> = BTreeMap::new();
        let mut unaliased: Vec<&str> = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            let Some(table) = token.strip_prefix("oceanbase.") else {
                continue;
            };
            read.entry(table.to_string()).or_default();
            match tokens.get(index + 1) {
                Some(alias)
                    if !KEYWORDS.contains(&alias.to_ascii_uppercase().as_str())
                        && !alias.contains('.') =>
                {
                    aliases.insert(alias, table);
                }
                _ => unaliased.push(table),
            }
        }
        for token in &tokens {
            if let Some((alias, column)) = token.split_once('.')
                && let Some(table) = aliases.get(alias)
            {
                read.entry(table.to_string())
                    .or_default()
                    .insert(column.to_ascii_lowercase());
            }
        }
        if let ([table], true) = (unaliased.as_slice(), aliases.is_empty()) {
            let select_list = tokens
                .iter()
                .skip_while(|token| !token.eq_ignore_ascii_case("SELECT"))
                .skip(1)
                .take_while(|token| !token.eq_ignore_ascii_case("FROM"));
            read.entry(table.to_string())
                .or_default()
                .extend(select_list.map(|column| column.to_ascii_lowercase()));
        }
    }
    read
}

fn parse(text: &str) -> Result<Vec<Layout>, String> {
    let root = toml_span::parse(text).map_err(|e| e.to_string())?;
    let layouts = root
        .pointer("/layout")
        .and_then(|v| v.as_array())
        .ok_or("no [[layout]]")?;
    layouts.iter().map(layout).collect()
}

fn layout(value: &Value<'_>) -> Result<Layout, String> {
    let string = |pointer: &str| -> Result<String, String> {
        value
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or(format!("{pointer} must be a string"))
    };
    let name = string("/name")?;
    let in_layout = |why: String| format!("layout {name}: {why}");
    let numbers = |value: &Value<'_>, what: &str| -> Result<Vec<i64>, String> {
        match value.as_integer() {
            Some(number) => Ok(vec![number]),
            None => value
                .as_array()
                .ok_or(format!("{what} must be a number or a list of numbers"))?
                .iter()
                .map(|v| v.as_integer().ok_or(format!("{what} must be numbers")))
                .collect(),
        }
    };
    let table = |pointer: &str| -> Result<Vec<(String, &Value<'_>)>, String> {
        Ok(value
            .pointer(pointer)
            .ok_or(format!("{pointer} is required"))?
            .as_table()
            .ok_or(format!("{pointer} must be a table"))?
            .iter()
            .map(|(key, value)| (key.name.to_string(), value))
            .collect())
    };
    let kernel = match string("/kernel").map_err(in_layout)?.as_str() {
        "oceanbase" => Kernel::OceanBase,
        "seekdb" => Kernel::Seekdb,
        other => return Err(in_layout(format!("unknown kernel {other}"))),
    };
    let mut index_types = BTreeMap::new();
    for (role, numbers_of) in table("/index_types").map_err(in_layout)? {
        let role = match role.as_str() {
            "unique" => IndexRole::Unique,
            "not_unique" => IndexRole::NotUnique,
            "heap_primary" => IndexRole::HeapPrimary,
            "skipped" => IndexRole::Skipped,
            other => return Err(in_layout(format!("unknown index role {other}"))),
        };
        for number in numbers(numbers_of, "index_types").map_err(in_layout)? {
            if index_types.insert(number, role).is_some() {
                return Err(in_layout(format!("index type {number} listed twice")));
            }
        }
    }
    let mut data_types = BTreeMap::new();
    for (type_name, code) in table("/data_types").map_err(in_layout)? {
        let data_type = DataType::named(&type_name)
            .ok_or_else(|| in_layout(format!("unknown data type {type_name}")))?;
        let code = code
            .as_integer()
            .ok_or_else(|| in_layout(format!("data type {type_name} must be a number")))?;
        data_types.insert(code, data_type);
    }
    let mut collations = BTreeMap::new();
    for (charset_name, ids) in table("/collations").map_err(in_layout)? {
        let charset = Charset::named(&charset_name)
            .ok_or_else(|| in_layout(format!("unknown character set {charset_name}")))?;
        for id in numbers(ids, "collations").map_err(in_layout)? {
            if collations.insert(id, charset).is_some() {
                return Err(in_layout(format!("collation {id} listed twice")));
            }
        }
    }
    let tablet_types = |key: &str| -> Result<BTreeSet<i64>, String> {
        let pointer = format!("/tablets/{key}");
        let value = value
            .pointer(&pointer)
            .ok_or_else(|| in_layout(format!("{pointer} is required")))?;
        Ok(numbers(value, "tablets")
            .map_err(in_layout)?
            .into_iter()
            .collect())
    };
    let major_sstable = match tablet_types("major")?.into_iter().collect::<Vec<_>>()[..] {
        [major] => major,
        _ => return Err(in_layout("tablets.major must be one number".into())),
    };
    let (delta_sstables, without_rows) = (tablet_types("deltas")?, tablet_types("without_rows")?);
    if delta_sstables.contains(&major_sstable)
        || without_rows.contains(&major_sstable)
        || !delta_sstables.is_disjoint(&without_rows)
    {
        return Err(in_layout("a tablet table type is listed twice".into()));
    }
    let mut columns = BTreeMap::new();
    for (table_name, names) in table("/columns").map_err(in_layout)? {
        let names = names
            .as_array()
            .ok_or_else(|| in_layout(format!("{table_name} must list its columns")))?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<BTreeSet<String>>>()
            .ok_or_else(|| in_layout(format!("{table_name} must list column names")))?;
        columns.insert(table_name, names);
    }
    Ok(Layout {
        kernel,
        min: string("/min").map_err(in_layout)?,
        below: string("/below").map_err(in_layout)?,
        source: format!(
            "{} {}",
            string("/source/repository").map_err(in_layout)?,
            string("/source/revision").map_err(in_layout)?
        ),
        index_types,
        data_types,
        collations,
        mv_container_bit: value
            .pointer("/table_mode/mv_container_bit")
            .map(|bit| bit.as_integer().ok_or("mv_container_bit must be a number"))
            .transpose()
            .map_err(|why| in_layout(why.to_string()))?,
        major_sstable,
        delta_sstables,
        without_rows,
        columns,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::{
        ALLOWLIST, dictionary, logs, partitions_and_foreign_keys, queries, roles, tablets, triggers,
    };

    /// Every statement the collector sends over `oceanbase.*`, by name.
    const DICTIONARY: &[(&str, &str)] = &[
        ("dictionary::TABLES", dictionary::TABLES),
        ("dictionary::COLUMNS", dictionary::COLUMNS),
        (
            "partitions_and_foreign_keys::PARTITIONS",
            partitions_and_foreign_keys::PARTITIONS,
        ),
        (
            "partitions_and_foreign_keys::FOREIGN_KEYS",
            partitions_and_foreign_keys::FOREIGN_KEYS,
        ),
        (
            "triggers::FROM_TENANT_TRIGGER",
            triggers::FROM_TENANT_TRIGGER,
        ),
        ("triggers::FROM_TRIGGER", triggers::FROM_TRIGGER),
        (
            "roles::FROM_TENANT_ROLE_GRANTEE_MAP",
            roles::FROM_TENANT_ROLE_GRANTEE_MAP,
        ),
        ("roles::FROM_ROLE_GRANTEE_MAP", roles::FROM_ROLE_GRANTEE_MAP),
        ("logs::LOG_STAT", logs::LOG_STAT),
        ("logs::LOG_STAT_SEEKDB", logs::LOG_STAT_SEEKDB),
        ("logs::ARCHIVE", logs::ARCHIVE),
        ("logs::TENANT_ROLE", logs::TENANT_ROLE),
        ("queries::TENANT_NAME", queries::TENANT_NAME),
        ("tablets::TABLETS", tablets::TABLETS),
        ("tablets::TABLET_MANAGER", tablets::TABLET_MANAGER),
        ("tablets::TENANT_TABLETS", tablets::TENANT_TABLETS),
    ];

    /// What each layout lacks of each statement, as the revisions in the data file define it;
    /// every other (layout, statement) pair reads only what its layout has. OceanBase 4.0
    /// (v4.0.0_CE): no `__all_column.srs_id`, DBA_OB_TENANTS in the sys tenant only. seekdb 1.4
    /// (live, d0cbdf0e): its own table names, `V$OB_LOG_STAT` alone, no archive or tenant view.
    /// OceanBase and seekdb 1.0 (v1.0.0): OceanBase's table names.
    fn gaps() -> BTreeMap<(&'static str, &'static str), Vec<&'static str>> {
        let mut gaps = BTreeMap::new();
        for layout in Layout::all() {
            let name: &'static str = &layout.name;
            if name != "seekdb-1.4" {
                gaps.insert(
                    (name, "triggers::FROM_TRIGGER"),
                    vec!["oceanbase.__all_trigger"],
                );
                gaps.insert(
                    (name, "roles::FROM_ROLE_GRANTEE_MAP"),
                    vec!["oceanbase.__all_role_grantee_map"],
                );
            }
        }
        gaps.insert(
            ("oceanbase-4.0", "dictionary::COLUMNS"),
            vec!["oceanbase.__all_column.srs_id"],
        );
        for statement in ["logs::TENANT_ROLE", "queries::TENANT_NAME"] {
            gaps.insert(
                ("oceanbase-4.0", statement),
                vec!["oceanbase.DBA_OB_TENANTS"],
            );
        }
        for (statement, table) in [
            (
                "triggers::FROM_TENANT_TRIGGER",
                "oceanbase.__all_tenant_trigger",
            ),
            (
                "roles::FROM_TENANT_ROLE_GRANTEE_MAP",
                "oceanbase.__all_tenant_role_grantee_map",
            ),
            ("logs::LOG_STAT", "oceanbase.GV$OB_LOG_STAT"),
            ("logs::ARCHIVE", "oceanbase.DBA_OB_ARCHIVELOG"),
            ("logs::TENANT_ROLE", "oceanbase.DBA_OB_TENANTS"),
            ("queries::TENANT_NAME", "oceanbase.DBA_OB_TENANTS"),
        ] {
            gaps.insert(("seekdb-1.4", statement), vec![table]);
        }
        gaps
    }

    /// Every dictionary statement against every layout of the data file: what a layout lacks
    /// is exactly what [`gaps`] says, and [`Layout::check`], which the collector asks before
    /// sending any of them, refuses it there with a reason naming it and the layout's source.
    /// A column added to a statement, or a layout added without it, fails here until the data
    /// file says where it exists.
    #[test]
    fn every_dictionary_statement_reads_only_what_each_layout_has_or_is_not_sent() {
        let mut found = BTreeMap::new();
        for layout in Layout::all() {
            for &(name, statement) in DICTIONARY {
                let missing = layout.missing(statement);
                match layout.check(statement) {
                    Ok(()) => assert!(missing.is_empty()),
                    Err(reason) => {
                        assert!(!missing.is_empty());
                        for item in &missing {
                            let table = item.split('.').nth(1).unwrap();
                            assert!(reason.contains(table), "{reason}");
                        }
                        assert!(reason.contains(&layout.source), "{reason}");
                        assert!(reason.contains("on this version"), "{reason}");
                        found.insert((layout.name.as_str(), name), missing);
                    }
                }
            }
        }
        let found: BTreeMap<(&str, &str), Vec<&str>> = found
            .iter()
            .map(|(key, missing)| (*key, missing.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(found, gaps());
    }

    /// The list above is every allowlisted statement over `oceanbase.*`: none reaches a
    /// kernel without its layout's check, and the parser understands each (every table it
    /// reads has columns).
    #[test]
    fn the_checked_statements_are_every_statement_over_the_dictionary() {
        let allowlisted: BTreeSet<&str> = ALLOWLIST
            .fixed
            .iter()
            .chain(ALLOWLIST.scoped)
            .copied()
            .filter(|statement| statement.contains("oceanbase."))
            .collect();
        let checked: BTreeSet<&str> = DICTIONARY.iter().map(|(_, sql)| *sql).collect();
        assert_eq!(allowlisted, checked);
        for &(name, statement) in DICTIONARY {
            let read = columns_read(statement);
            assert!(!read.is_empty(), "{name}");
            for (table, columns) in read {
                assert!(!columns.is_empty(), "{name}: {table}");
            }
        }
    }

    /// The reads that differ between kernels pick, on each layout, a statement it can run.
    #[test]
    fn each_layout_has_a_trigger_role_and_log_statement() {
        for layout in Layout::all() {
            for chosen in [
                triggers::statement(layout),
                roles::statement(layout),
                layout.first_readable(&[logs::LOG_STAT, logs::LOG_STAT_SEEKDB]),
            ] {
                let chosen = chosen.unwrap_or_else(|why| panic!("{}: {why}", layout.name));
                assert!(layout.missing(chosen).is_empty());
            }
        }
    }

    #[test]
    fn statements_are_read_table_by_table_and_branch_by_branch() {
        let read = columns_read(roles::FROM_TENANT_ROLE_GRANTEE_MAP);
        // `p` stands for a different table in each branch of the UNION ALL.
        assert!(read["__all_database_privilege"].contains("database_name"));
        assert!(!read["__all_database_privilege"].contains("table_name"));
        assert!(read["__all_table_privilege"].contains("table_name"));
        assert!(read["__all_user"].contains("type"));
        let read = columns_read(logs::TENANT_ROLE);
        let columns: Vec<&str> = read["DBA_OB_TENANTS"].iter().map(String::as_str).collect();
        assert_eq!(columns, ["locked", "status", "tenant_name", "tenant_role"]);
        let read = columns_read(partitions_and_foreign_keys::FOREIGN_KEYS);
        assert!(read["__all_column"].contains("column_name"));
        assert!(read["__all_foreign_key_column"].contains("parent_column_id"));
    }

    /// The statements filter on `table_mode` bits the layouts must agree on: bit 24 marks a
    /// materialized view's container where materialized views exist (v4.3.1_CE_BETA and later,
    /// seekdb v1.0.0), and is reserved (0) before.
    #[test]
    fn materialized_view_containers_are_left_out_on_every_layout() {
        for statement in [dictionary::TABLES, dictionary::COLUMNS] {
            assert!(statement.contains("AND (t.table_mode >> 24) & 1 = 0"));
        }
        for layout in Layout::all() {
            assert!(
                matches!(layout.mv_container_bit, None | Some(24)),
                "{}",
                layout.name
            );
        }
        assert_eq!(
            Layout::named("oceanbase-4.3.1").unwrap().mv_container_bit,
            Some(24)
        );
    }

    /// The tablet manager's table types as each layout's revision numbers them
    /// (ObITable::TableType): the major, minor and mini sstables alike everywhere; the
    /// metadata sstables where they exist (26-27 from OceanBase 4.3.2 and seekdb 1.0, 17-18 on
    /// seekdb 1.4, which renumbered them); everything else, the data memtable first, is no
    /// proof of emptiness.
    #[test]
    fn tablet_table_types_by_layout() {
        for layout in Layout::all() {
            assert_eq!(
                layout.stored_table(10),
                StoredTable::Major,
                "{}",
                layout.name
            );
            for delta in [11, 12] {
                assert_eq!(layout.stored_table(delta), StoredTable::Delta);
            }
            for other in [0, 1, 2, 3, 4, 13, 14, 15, 16, 19, 20, 25, 28, 100, -1] {
                assert_eq!(layout.stored_table(other), StoredTable::Other);
            }
            let metadata: Vec<i64> = (0..64)
                .filter(|t| layout.stored_table(*t) == StoredTable::WithoutRows)
                .collect();
            let expected: &[i64] = match layout.name.as_str() {
                "seekdb-1.4" => &[17, 18],
                "seekdb-1.0" | "oceanbase-4.3.2" => &[26, 27],
                _ => &[],
            };
            assert_eq!(metadata, expected, "{}", layout.name);
        }
        let twice = LAYOUTS_TOML.replacen("without_rows = []", "without_rows = [10]", 1);
        assert!(parse(&twice).unwrap_err().contains("listed twice"));
    }

    fn server(ob_version: &str, version: &str, comment: &str) -> Server {
        Server {
            ob_version: ob_version.into(),
            version: version.into(),
            version_comment: comment.into(),
            edition: Edition::from_version_comment(comment),
            current_user: String::new(),
        }
    }

    /// The kernels by what they report: seekdb 1.4 as pylibseekdb 1.4.0.post1 answers,
    /// seekdb 1.0 as `ob_system_variable.cpp` of oceanbase/seekdb v1.0.0 prints it, OceanBase
    /// by `ob_version()`.
    #[test]
    fn layout_by_kernel() {
        let layout = |server: Server| Layout::of(&server).map(|layout| layout.name.as_str());
        assert_eq!(
            layout(server(
                "4.3.5.3",
                "5.7.25-OceanBase seekdb-v1.4.0.0",
                "OceanBase 4.3.5.3 seekdb (r1.4.0.0) (Built 1-d0cbdf0e9931f46f68fd4ff4aec955c8c3b8efd2 Sep  8 2026)"
            )),
            Ok("seekdb-1.4")
        );
        assert_eq!(
            layout(server("4.3.5.3", "", "OceanBase 4.3.5.3 seekdb (r1.4.0.0)")),
            Ok("seekdb-1.4")
        );
        assert_eq!(
            layout(server(
                "4.3.5.2",
                "5.7.25-OceanBase seekdb-v1.0.0.0",
                "OceanBase 4.3.5.2 seekdb (r1.0.0.0) (Built 100-53436375 Nov 12 2025)"
            )),
            Ok("seekdb-1.0")
        );
        for (version, expected) in [
            ("4.0.0.0", "oceanbase-4.0"),
            ("4.1.0.2", "oceanbase-4.1"),
            ("4.2.0.0", "oceanbase-4.2.1"),
            ("4.2.1.8", "oceanbase-4.2.1"),
            ("4.2.2.1", "oceanbase-4.2.2"),
            ("4.2.5.3", "oceanbase-4.2.2"),
            ("4.3.0.1", "oceanbase-4.3.1"),
            ("4.3.1.0", "oceanbase-4.3.1"),
            ("4.3.2.0", "oceanbase-4.3.2"),
            ("4.3.5.2", "oceanbase-4.3.2"),
        ] {
            let comment = format!("OceanBase_CE {version} (r1-abc) (Built Jan  1 2025)");
            assert_eq!(
                layout(server(version, "5.7.25-OceanBase_CE-v4", &comment)),
                Ok(expected),
                "{version}"
            );
        }
        let enterprise = server("4.2.1.2", "", "OceanBase 4.2.1.2 (r1)");
        assert_eq!(layout(enterprise), Ok("oceanbase-4.2.1"));
        for unknown in [
            server("3.2.4.1", "", "OceanBase 3.2.4.1 (r1)"),
            server("4.4.0.0", "", "OceanBase_CE 4.4.0.0 (r1)"),
            server("4.3.5.3", "5.7.25-OceanBase seekdb-v1.2.0.0", "seekdb"),
            server("4.3.5.3", "", "something else"),
        ] {
            let why = Layout::of(&unknown).unwrap_err();
            assert!(why.contains("layout"), "{why}");
        }
        let why = Layout::of(&server("4.4.0.0", "", "OceanBase_CE 4.4.0.0 (r1)")).unwrap_err();
        assert!(why.contains("no dictionary layout is recorded for OceanBase 4.4.0.0"));
    }

    /// The data file itself: every layout parses, names are unique, and the layouts of one
    /// kernel do not overlap.
    #[test]
    fn the_data_file_holds_eight_layouts_that_do_not_overlap() {
        let layouts = parse(LAYOUTS_TOML).unwrap();
        assert_eq!(layouts.len(), 8);
        let names: BTreeSet<&str> = layouts.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names.len(), layouts.len());
        for one in &layouts {
            for other in &layouts {
                if std::ptr::eq(one, other) || one.kernel != other.kernel {
                    continue;
                }
                assert!(
                    !one.serves(&other.min),
                    "{} serves {}'s first version",
                    one.name,
                    other.name
                );
            }
            assert!(compare(&one.min, &one.below).is_lt(), "{}", one.name);
        }
        assert!(parse("[[layout]]\nname = \"x\"\nkernel = \"db2\"").is_err());
    }
}
