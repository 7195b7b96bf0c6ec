//! `SHOW GRANTS` text → the typed [`Grants`] model.
//!
//! OceanBase prints MySQL 5.7-style lines in its own privilege order, leaves out `@'%'`, writes
//! role grants with backticks, and knows privileges MySQL does not (seekdb's `CREATE AI MODEL`),
//! so the parser scans the line structurally instead of matching a fixed shape:
//!
//! ```text
//! GRANT <privilege [(col, ...)]>, ... ON <*.* | `db`.* | `db`.`table`> TO <account> [WITH GRANT OPTION]
//! GRANT `role`@`%` TO `user`@`%`
//! ```

use crate::facts::grants::{ColumnPrivilege, GrantLevel, Grants, Privilege, PrivilegeGrant};

/// Parses every line of `SHOW GRANTS`; a line it cannot read goes to `unparsed`.
pub fn parse_grants<'a>(lines: impl IntoIterator<Item = &'a str>) -> Grants {
    let mut grants = Grants::default();
    for line in lines {
        match parse_line(line) {
            Some(Line::Privileges(grant)) => grants.grants.push(grant),
            Some(Line::Roles(roles)) => grants.roles.extend(roles),
            None => grants.unparsed.push(line.to_string()),
        }
    }
    grants
}

enum Line {
    Privileges(PrivilegeGrant),
    Roles(Vec<String>),
}

fn parse_line(line: &str) -> Option<Line> {
    let line = line.trim().trim_end_matches(';');
    let rest = strip_keyword(line, "GRANT")?;
    // The grantee comes last, after the last " TO " followed by a quote. Object names cannot be
    // scanned token by token: OceanBase prints a backtick inside a name without doubling it
    // (`we`ird`), so the object is whatever lies between the privileges and the grantee.
    let to = [" TO '", " TO `", " to '", " to `"]
        .iter()
        .filter_map(|marker| rest.rfind(marker))
        .max()?;
    let (head, tail) = (&rest[..to], rest[to + 4..].to_ascii_uppercase());
    let Some((privilege_text, object)) = split_on_keyword(head) else {
        // A role grant: GRANT `r1`@`%`, `r2`@`%` TO `u`@`%`
        let roles = split_commas(head)
            .iter()
            .map(|role| {
                unquote(
                    role.rsplit_once('@')
                        .map_or(role.as_str(), |(name, _)| name)
                        .trim(),
                )
            })
            .collect::<Vec<_>>();
        return (!roles.is_empty() && roles.iter().all(|role| !role.is_empty()))
            .then_some(Line::Roles(roles));
    };
    let level = parse_object(object.trim())?;
    let mut grant = PrivilegeGrant {
        level,
        all: false,
        privileges: Default::default(),
        column_privileges: Vec::new(),
        with_grant_option: tail.contains("WITH GRANT OPTION"),
    };
    for item in split_commas(privilege_text) {
        let (name, columns) = match item.split_once('(') {
            Some((name, columns)) => (name, Some(columns.trim_end_matches(')'))),
            None => (item.as_str(), None),
        };
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        match columns {
            Some(columns) => grant.column_privileges.push(ColumnPrivilege {
                privilege: Privilege::parse(name),
                columns: split_commas(columns)
                    .iter()
                    .map(|c| unquote(c.trim()))
                    .collect(),
            }),
            None if name.eq_ignore_ascii_case("ALL")
                || name.eq_ignore_ascii_case("ALL PRIVILEGES") =>
            {
                grant.all = true
            }
            None => {
                let privilege = Privilege::parse(name);
                if privilege != Privilege::Usage {
                    grant.privileges.insert(privilege);
                }
            }
        }
    }
    Some(Line::Privileges(grant))
}

/// `privileges ON object` split at the first ` ON ` outside the privileges' column lists.
fn split_on_keyword(text: &str) -> Option<(&str, &str)> {
    let mut scanner = Scanner::default();
    let bytes = text.as_bytes();
    for (index, c) in text.char_indices() {
        if scanner.at_top_level()
            && bytes.len() >= index + 4
            && text.is_char_boundary(index + 4)
            && text[index..index + 4].eq_ignore_ascii_case(" ON ")
        {
            return Some((&text[..index], &text[index + 4..]));
        }
        scanner.step(c);
    }
    None
}

fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    (head.eq_ignore_ascii_case(keyword) && rest.starts_with(char::is_whitespace))
        .then(|| rest.trim_start())
}

/// Splits on commas outside backticks, quotes and parentheses.
fn split_commas(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut scanner = Scanner::default();
    for c in text.chars() {
        if c == ',' && scanner.at_top_level() {
            items.push(std::mem::take(&mut current).trim().to_string());
            continue;
        }
        scanner.step(c);
        current.push(c);
    }
    if !current.trim().is_empty() {
        items.push(current.trim().to_string());
    }
    items
}

/// Tracks whether a scan is inside a quoted identifier, a string or parentheses. A doubled
/// quote inside a quoted name closes and reopens it, which leaves the state right.
#[derive(Default)]
struct Scanner {
    quote: Option<char>,
    depth: usize,
}

impl Scanner {
    fn at_top_level(&self) -> bool {
        self.quote.is_none() && self.depth == 0
    }

    fn step(&mut self, c: char) {
        match (self.quote, c) {
            (Some(q), c) if c == q => self.quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'' | '"') => self.quote = Some(c),
            (None, '(') => self.depth += 1,
            (None, ')') => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// `*.*`, `` `db`.* ``, `` `db`.`t` `` (quoted or bare). Names are taken as printed between
/// their outer backticks (OceanBase does not double a backtick inside a name).
fn parse_object(object: &str) -> Option<GrantLevel> {
    if object == "*.*" {
        return Some(GrantLevel::Global);
    }
    if let Some(database) = object.strip_suffix(".*") {
        let database = name_between_backticks(database)?;
        return Some(GrantLevel::Database { database });
    }
    let (database, table) = match object.strip_prefix('`').and_then(|o| o.strip_suffix('`')) {
        Some(inner) => {
            let (database, table) = inner.split_once("`.`")?;
            (database.to_string(), table.to_string())
        }
        None => {
            let (database, table) = object.split_once('.')?;
            (database.to_string(), table.to_string())
        }
    };
    (!database.is_empty() && !table.is_empty()).then_some(GrantLevel::Table { database, table })
}

fn name_between_backticks(text: &str) -> Option<String> {
    let name = match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        Some(inner) => inner,
        None => text,
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// `` `a``b` `` → ``a`b``; `'x'` → `x`; bare names unchanged.
fn unquote(name: &str) -> String {
    for quote in ['`', '\'', '"'] {
        if name.len() >= 2 && name.starts_with(quote) && name.ends_with(quote) {
            let inner = &name[1..name.len() - 1];
            return inner.replace(&format!("{quote}{quote}"), &quote.to_string());
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> PrivilegeGrant {
        let grants = parse_grants([line]);
        assert!(
            grants.unparsed.is_empty(),
            "unparsed: {:?}",
            grants.unparsed
        );
        grants.grants.into_iter().next().expect("a grant")
    }

    #[test]
    fn oceanbase_global_line_in_its_own_order() {
        let grant = one(
            "GRANT ALTER, CREATE, DELETE, DROP, INSERT, UPDATE, SELECT, INDEX, CREATE VIEW, SHOW VIEW, PROCESS ON *.* TO 'u_global'",
        );
        assert_eq!(grant.level, GrantLevel::Global);
        assert!(grant.privileges.contains(&Privilege::CreateView));
        assert!(grant.privileges.contains(&Privilege::Process));
        assert_eq!(grant.privileges.len(), 11);
        assert!(!grant.with_grant_option);
    }

    #[test]
    fn database_level_with_grant_option() {
        let grant = one("GRANT INSERT, SELECT ON `src`.* TO 'u_mixed' WITH GRANT OPTION");
        assert_eq!(
            grant.level,
            GrantLevel::Database {
                database: "src".into()
            }
        );
        assert!(grant.with_grant_option);
    }

    #[test]
    fn all_privileges_at_table_level() {
        let grant = one("GRANT ALL PRIVILEGES ON `src`.`t` TO 'u_probe' WITH GRANT OPTION");
        assert!(grant.all);
        assert_eq!(
            grant.level,
            GrantLevel::Table {
                database: "src".into(),
                table: "t".into()
            }
        );
    }

    #[test]
    fn column_privileges_stay_column_level() {
        let grant = one("GRANT UPDATE (`v`), SELECT (`id`, `w`) ON `src`.`t2` TO 'u_tbl'");
        assert!(grant.privileges.is_empty());
        assert_eq!(grant.column_privileges[1].columns, vec!["id", "w"]);
    }

    #[test]
    fn usage_grants_nothing() {
        let grant = one("GRANT USAGE ON *.* TO 'u_none'");
        assert!(grant.privileges.is_empty() && !grant.all);
    }

    #[test]
    fn hostile_names_and_hosts() {
        // OceanBase prints a backtick inside a name as is (seen on 4.3.5).
        let grant = one("GRANT ALL PRIVILEGES ON `we`ird 'db\" x`.* TO 'oms_hostile'");
        assert_eq!(
            grant.level,
            GrantLevel::Database {
                database: "we`ird 'db\" x".into()
            }
        );
        let grant =
            one("GRANT SELECT ON `a TO 'b`.`c ON d` TO 'u_host'@'127.0.0.1' WITH GRANT OPTION");
        assert_eq!(
            grant.level,
            GrantLevel::Table {
                database: "a TO 'b".into(),
                table: "c ON d".into()
            }
        );
        assert!(grant.with_grant_option);
        let grant = one("GRANT SELECT ON `on`.`to` TO 'u'");
        assert_eq!(
            grant.level,
            GrantLevel::Table {
                database: "on".into(),
                table: "to".into()
            }
        );
    }

    #[test]
    fn unknown_privileges_are_kept_by_name() {
        let grant = one("GRANT CREATE AI MODEL, SELECT ON *.* TO 'u'");
        assert!(
            grant
                .privileges
                .contains(&Privilege::Other("CREATE AI MODEL".into()))
        );
    }

    #[test]
    fn role_lines_become_roles() {
        let grants = parse_grants([
            "GRANT USAGE ON *.* TO 'u_role'",
            "GRANT `r_read`@`%` TO `u_role`@`%`",
        ]);
        assert_eq!(grants.roles, vec!["r_read"]);
        assert_eq!(grants.grants.len(), 1);
    }

    #[test]
    fn garbage_is_kept_as_unparsed() {
        let grants = parse_grants(["REVOKE nothing", "GRANT SELECT ON TO"]);
        assert_eq!(grants.unparsed.len(), 2);
    }
}
