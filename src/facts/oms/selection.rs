//! What a project writes: the objects its mapping lists or its matching rules select, and
//! whether an object is among them — OMS's own wildcard matching.

use serde::{Deserialize, Serialize};

use crate::i18n::{Text, bilingual};
use crate::text;

/// Whether a project writes an object, as far as its object selection tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writes {
    No,
    /// It does: the object is listed, or `rule` (as OMS shows it) matches it.
    Yes {
        rule: Option<String>,
    },
    /// The selection cannot be evaluated, and why.
    Undecided(Text),
}

impl Writes {
    fn listed(listed: bool) -> Writes {
        if listed {
            Writes::Yes { rule: None }
        } else {
            Writes::No
        }
    }
}

/// How a project chooses its objects (`transferMapping.mode`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// `SPECIFIC`: exactly the databases and tables of `mapping`.
    #[default]
    Listed,
    /// `WILDCARD`: every table or view that a rule includes and no rule excludes.
    Matching(MatchingRules),
    /// A selection this tool cannot evaluate (`COMPLEX`, a mode it does not know, or no
    /// mapping in OMS's answer), and why.
    Unknown {
        #[serde(with = "bilingual")]
        reason: Text,
    },
}

impl Selection {
    pub fn is_listed(&self) -> bool {
        matches!(self, Selection::Listed)
    }
}

/// Matching rules (OMS's 匹配规则): patterns over source-side `database.table` names with `*`
/// (any run, also empty), `?` (one character), `[abc]`, `[a-z]` and `[!abc]`.
///
/// OMS documents its rules as case-sensitive; here they match without regard to case, like
/// OceanBase MySQL-mode names. The difference can only make this tool see an overlap OMS would
/// not, never miss one it would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchingRules {
    /// What is selected (`tableAndViewWhiteList`, `databases`).
    pub include: Vec<MatchRule>,
    /// What is excluded, even when included (`tableAndViewBlackList`, `databasesBlack`).
    pub exclude: Vec<MatchRule>,
    /// Single tables written under another name (`specificTables` in wildcard mode).
    pub renames: Vec<Rename>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRule {
    /// Pattern over source database names.
    pub database: String,
    /// Pattern over source table and view names; `*` for every one.
    pub table: String,
    /// The target database every match is written to, when the rule renames it.
    pub mapped_database: Option<String>,
    /// The one target table every match is written to (`a.*=c.d`: many tables into one).
    pub mapped_table: Option<String>,
}

impl std::fmt::Display for MatchRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.database, self.table)?;
        match (&self.mapped_database, &self.mapped_table) {
            (None, None) => Ok(()),
            (database, table) => write!(
                f,
                "={}.{}",
                database.as_deref().unwrap_or(&self.database),
                table.as_deref().unwrap_or("*")
            ),
        }
    }
}

/// A source table written to the target under other names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    pub database: String,
    pub table: String,
    pub mapped_database: String,
    pub mapped_table: String,
}

impl std::fmt::Display for Rename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}={}.{}",
            self.database, self.table, self.mapped_database, self.mapped_table
        )
    }
}

impl MatchingRules {
    /// Whether source `database`.`table` is excluded.
    fn excluded(&self, database: &str, table: &str) -> bool {
        self.exclude
            .iter()
            .any(|rule| matches(&rule.database, database) && matches(&rule.table, table))
    }

    /// Whether every table `include` selects in source `database` is excluded: an exclusion on
    /// the whole database, or on the very same table pattern. Any other overlap of two patterns
    /// counts as "something gets through": a false overlap is a finding a person can read, a
    /// missed one a silent pass.
    fn excludes_all_of(&self, include: &MatchRule, database: &str) -> bool {
        self.exclude.iter().any(|rule| {
            matches(&rule.database, database)
                && (rule.table == "*" || rule.table.eq_ignore_ascii_case(&include.table))
        })
    }

    /// The rename of source `database`.`table`, if it has one.
    fn rename_of(&self, database: &str, table: &str) -> Option<&Rename> {
        self.renames.iter().find(|rename| {
            rename.database.eq_ignore_ascii_case(database)
                && rename.table.eq_ignore_ascii_case(table)
        })
    }

    /// The source database `include` reads when it writes target `database`, if it writes
    /// there: its literal database when it renames it, else the target's own name when the
    /// pattern matches it.
    fn source_database<'r>(include: &'r MatchRule, database: &'r str) -> Option<&'r str> {
        match &include.mapped_database {
            Some(mapped) => mapped
                .eq_ignore_ascii_case(database)
                .then_some(include.database.as_str()),
            None => matches(&include.database, database).then_some(database),
        }
    }

    /// The first rename that lands in `database` (and, when given, in `table`) and is not
    /// black-listed, as the rule that writes there.
    fn renamed_into(&self, database: &str, table: Option<&str>) -> Option<Writes> {
        self.renames
            .iter()
            .find(|rename| {
                rename.mapped_database.eq_ignore_ascii_case(database)
                    && table.is_none_or(|table| rename.mapped_table.eq_ignore_ascii_case(table))
                    && !self.excluded(&rename.database, &rename.table)
            })
            .map(|rename| Writes::Yes {
                rule: Some(rename.to_string()),
            })
    }

    fn writes_database(&self, database: &str) -> Writes {
        if let Some(writes) = self.renamed_into(database, None) {
            return writes;
        }
        for include in &self.include {
            let Some(source) = Self::source_database(include, database) else {
                continue;
            };
            if !self.excludes_all_of(include, source) {
                return Writes::Yes {
                    rule: Some(include.to_string()),
                };
            }
        }
        Writes::No
    }

    fn writes(&self, database: &str, table: &str) -> Writes {
        if let Some(writes) = self.renamed_into(database, Some(table)) {
            return writes;
        }
        for include in &self.include {
            let Some(source) = Self::source_database(include, database) else {
                continue;
            };
            let lands_here = match &include.mapped_table {
                // Many tables into one: whichever of them gets through lands here.
                Some(mapped) => {
                    mapped.eq_ignore_ascii_case(table) && !self.excludes_all_of(include, source)
                }
                None => {
                    matches(&include.table, table)
                        && !self.excluded(source, table)
                        && self.rename_of(source, table).is_none()
                }
            };
            if lands_here {
                return Writes::Yes {
                    rule: Some(include.to_string()),
                };
            }
        }
        Writes::No
    }
}

/// Whether `name` matches the wildcard `pattern`, without regard to case. Bounded by
/// pattern length × name length steps: only the last `*` is ever retried.
pub fn matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let (mut p, mut n) = (0, 0);
    // The position after the last `*` seen, and the name position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, n));
                p += 1;
                continue;
            }
            Some('?') => Some(p + 1),
            Some('[') => match class(&pattern[p..], name[n]) {
                Some((true, width)) => Some(p + width),
                Some((false, _)) => None,
                // An unclosed `[` is an ordinary character.
                None => (name[n] == '[').then_some(p + 1),
            },
            Some(&c) => (c == name[n]).then_some(p + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                p = next;
                n += 1;
            }
            (None, Some((after_star, tried))) => {
                p = after_star;
                n = tried + 1;
                star = Some((after_star, tried + 1));
            }
            (None, None) => return false,
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// `[...]` at the start of `pattern` against `c`: whether it matches and how many pattern
/// characters it spans; `None` when the bracket is never closed.
fn class(pattern: &[char], c: char) -> Option<(bool, usize)> {
    let negated = pattern.get(1) == Some(&'!');
    let start = if negated { 2 } else { 1 };
    let close = start + pattern[start..].iter().position(|x| *x == ']')?;
    let set = &pattern[start..close];
    let mut hit = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            hit |= set[i] <= c && c <= set[i + 2];
            i += 3;
        } else {
            hit |= set[i] == c;
            i += 1;
        }
    }
    Some((hit != negated, close + 1))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedDatabase {
    pub name: String,
    pub mapped_name: Option<String>,
    /// Empty: the whole database.
    pub tables: Vec<MappedTable>,
}

impl MappedDatabase {
    pub fn target_name(&self) -> &str {
        mapped_or(&self.name, self.mapped_name.as_deref())
    }
}

/// The name an object gets on the target: its mapped name, unless OMS left that empty.
fn mapped_or<'n>(name: &'n str, mapped: Option<&'n str>) -> &'n str {
    mapped.filter(|mapped| !mapped.is_empty()).unwrap_or(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedTable {
    pub name: String,
    pub mapped_name: Option<String>,
}

impl MappedTable {
    pub fn target_name(&self) -> &str {
        mapped_or(&self.name, self.mapped_name.as_deref())
    }
}

impl super::Project {
    /// Why what the project writes is not known, if it is not: its selection could not be read
    /// (no transferMapping, a mode this tool cannot evaluate), or lists nothing — OMS refuses a
    /// project without objects, so an empty list is an answer missing them. Every rule reads
    /// the mapping through this one answer.
    pub fn unknown_objects(&self) -> Option<Text> {
        match &self.selection {
            Selection::Unknown { reason } => Some(reason.clone()),
            Selection::Listed if self.mapping.is_empty() => Some(text!(
                "OMS lists no database it writes, so what it writes is not known",
                "OMS 没有列出它写入的任何数据库，因此不知道它写入什么"
            )),
            _ => None,
        }
    }

    /// Whether the project writes any table of `database` (a target-side name).
    pub fn writes_database(&self, database: &str) -> Writes {
        if let Some(reason) = self.unknown_objects() {
            return Writes::Undecided(reason);
        }
        match &self.selection {
            Selection::Listed => Writes::listed(
                self.mapping
                    .iter()
                    .any(|db| db.target_name().eq_ignore_ascii_case(database)),
            ),
            Selection::Matching(rules) => rules.writes_database(database),
            Selection::Unknown { reason } => Writes::Undecided(reason.clone()),
        }
    }

    /// Whether the project writes `database`.`table` (target-side names).
    pub fn writes(&self, database: &str, table: &str) -> Writes {
        if let Some(reason) = self.unknown_objects() {
            return Writes::Undecided(reason);
        }
        match &self.selection {
            Selection::Listed => Writes::listed(self.mapping.iter().any(|db| {
                db.target_name().eq_ignore_ascii_case(database)
                    && (db.tables.is_empty()
                        || db
                            .tables
                            .iter()
                            .any(|t| t.target_name().eq_ignore_ascii_case(table)))
            })),
            Selection::Matching(rules) => rules.writes(database, table),
            Selection::Unknown { reason } => Writes::Undecided(reason.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_as_oms_documents_them() {
        for (pattern, name) in [
            ("*", ""),
            ("*", "orders"),
            ("app", "APP"),
            ("order_*", "order_"),
            ("order_*", "order_2024"),
            ("*_log", "audit_log"),
            ("t?", "t1"),
            ("t??", "t12"),
            ("a*b*c", "axxbyyc"),
            ("[abc]x", "bx"),
            ("[a-c]x", "Cx"),
            ("[!a-c]x", "dx"),
            ("t[", "t["),
        ] {
            assert!(matches(pattern, name), "{pattern} matches {name}");
        }
        for (pattern, name) in [
            ("t?", "t"),
            ("t?", "t12"),
            ("order_*", "orders"),
            ("a*b*c", "axxbyy"),
            ("[abc]x", "dx"),
            ("[!a-c]x", "bx"),
            ("app", "app2"),
        ] {
            assert!(!matches(pattern, name), "{pattern} does not match {name}");
        }
    }
}
