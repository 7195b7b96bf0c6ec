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
    let tokens = top_level_split(rest);
    let to = tokens
        .iter()
        .position(|token| token.eq_ignore_ascii_case("TO"))?;
    match tokens
        .iter()
        .position(|token| token.eq_ignore_ascii_case("ON"))
    {
        Some(on) if on < to => {
            let privilege_text = tokens[..on].join(" ");
            let object = tokens[on + 1..to].join("");
            let tail = tokens[to + 1..].join(" ").to_ascii_uppercase();
            let level = parse_object(&object)?;
            let mut grant = PrivilegeGrant {
                level,
                all: false,
                privileges: Default::default(),
                column_privileges: Vec::new(),
                with_grant_option: tail.contains("WITH GRANT OPTION"),
            };
            for item in split_commas(&privilege_text) {
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
        _ => {
            // A role grant: GRANT `r1`@`%`, `r2`@`%` TO `u`@`%`
            let roles = split_commas(&tokens[..to].join(" "))
                .iter()
                .map(|role| unquote(role.split('@').next().unwrap_or_default().trim()))
                .collect::<Vec<_>>();
            (!roles.is_empty() && roles.iter().all(|role| !role.is_empty()))
                .then_some(Line::Roles(roles))
        }
    }
}

fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    (head.eq_ignore_ascii_case(keyword) && rest.starts_with(char::is_whitespace))
        .then(|| rest.trim_start())
}

/// Splits on whitespace outside backticks, quotes and parentheses.
fn top_level_split(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut scanner = Scanner::default();
    for c in text.chars() {
        if c.is_whitespace() && scanner.at_top_level() {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            continue;
        }
        scanner.step(c);
        current.push(c);
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
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

/// `*.*`, `` `db`.* ``, `` `db`.`t` `` (quoted or bare).
fn parse_object(object: &str) -> Option<GrantLevel> {
    let (database, table) = split_qualified(object)?;
    match (database.as_str(), table.as_str()) {
        ("*", "*") => Some(GrantLevel::Global),
        (_, "*") => Some(GrantLevel::Database { database }),
        _ => Some(GrantLevel::Table { database, table }),
    }
}

fn split_qualified(object: &str) -> Option<(String, String)> {
    let mut scanner = Scanner::default();
    for (index, c) in object.char_indices() {
        if c == '.' && scanner.at_top_level() {
            let database = unquote_or_star(&object[..index])?;
            let table = unquote_or_star(&object[index + 1..])?;
            return Some((database, table));
        }
        scanner.step(c);
    }
    None
}

fn unquote_or_star(part: &str) -> Option<String> {
    let part = part.trim();
    (!part.is_empty()).then(|| {
        if part == "*" {
            part.to_string()
        } else {
            unquote(part)
        }
    })
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
        let grant = one("GRANT SELECT ON `we``ird. db`.* TO 'u_host'@'127.0.0.1'");
        assert_eq!(
            grant.level,
            GrantLevel::Database {
                database: "we`ird. db".into()
            }
        );
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
