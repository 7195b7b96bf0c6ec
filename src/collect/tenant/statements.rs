//! What may be sent to a tenant and what comes back, common to every query: the session setup,
//! the allowlist every statement passes before it is sent, scoped templates, result rows as text,
//! and the error for a row of an unexpected shape.
//!
//! The statements themselves live beside the functions that read their rows ([`super::queries`],
//! [`super::inner`]); this module knows their forms, not their texts, so that both depend on it
//! and neither on the other.

use crate::i18n::Text;
use crate::text;

/// Result rows with every cell as text (`None` for SQL NULL).
pub type Rows = Vec<Vec<Option<String>>>;

/// Rows as a server would send them, for the parsers' tests.
#[cfg(test)]
pub fn rows(rows: &[&[Option<&str>]]) -> Rows {
    rows.iter()
        .map(|row| row.iter().map(|cell| cell.map(str::to_string)).collect())
        .collect()
}

/// Statements sent once per session before anything else. Read-only first: should any later
/// statement try to write, the tenant itself refuses it (error 1792).
pub const SESSION_SETUP: &[&str] = &["SET SESSION TRANSACTION READ ONLY"];

/// Where a scoped template takes the in-scope databases: it ends in `IN ({scope})`.
const SCOPE: &str = "{scope}";

/// `template` with `{scope}` replaced by one placeholder per database.
pub fn with_scope(template: &str, databases: usize) -> String {
    template.replace(SCOPE, &vec!["?"; databases.max(1)].join(", "))
}

/// The statements a collector may send; anything else is refused before it reaches a tenant.
pub struct Allowlist {
    /// Sent exactly as written.
    pub fixed: &'static [&'static str],
    /// Templates ending in `IN ({scope})`, sent with one `?` per in-scope database.
    pub scoped: &'static [&'static str],
}

impl Allowlist {
    /// Whether `sql` is one of the fixed statements, a scoped template with any number of
    /// placeholders, or a row probe.
    pub fn allows(&self, sql: &str) -> bool {
        if self.fixed.contains(&sql) {
            return true;
        }
        let scoped = self.scoped.iter().any(|template| {
            let (head, tail) = template
                .split_once(SCOPE)
                .expect("scoped templates have {scope}");
            sql.strip_prefix(head)
                .and_then(|rest| rest.strip_suffix(tail))
                .is_some_and(|placeholders| placeholders.split(", ").all(|p| p == "?"))
        });
        scoped || is_row_probe(sql)
    }
}

/// `(SELECT 0 FROM `db`.`t` LIMIT 1) UNION ALL (SELECT 1 FROM ... LIMIT 1) ...`, nothing else.
fn is_row_probe(sql: &str) -> bool {
    sql.split(" UNION ALL ").enumerate().all(|(index, part)| {
        part.strip_prefix(&format!("(SELECT {index} FROM "))
            .and_then(|rest| rest.strip_suffix(" LIMIT 1)"))
            .is_some_and(quoted_name_pair)
    })
}

/// `` `a`.`b` `` with backticks inside names doubled: nothing can end the identifier early.
fn quoted_name_pair(text: &str) -> bool {
    fn identifier(text: &str) -> Option<&str> {
        let rest = text.strip_prefix('`')?;
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '`' {
                if chars.peek().map(|(_, n)| *n) == Some('`') {
                    chars.next();
                } else {
                    return Some(&rest[i + 1..]);
                }
            }
        }
        None
    }
    identifier(text)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(identifier)
        .is_some_and(str::is_empty)
}

/// A row of a query that did not have the shape this version of the tool expects, and what
/// was wrong with it.
#[derive(Debug)]
pub struct ShapeError(pub Text);

/// How a shape error reads in a fact's reason.
impl From<ShapeError> for Text {
    fn from(error: ShapeError) -> Text {
        text!(
            "unexpected result shape: {what}",
            "结果的形状与预期不符：{what}";
            what = error.0
        )
    }
}

/// In English, for tests and logs.
impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected result shape: {}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: Allowlist = Allowlist {
        fixed: &["SHOW GRANTS"],
        scoped: &["SELECT a FROM t WHERE b IN ({scope})"],
    };

    #[test]
    fn scoped_templates_take_any_number_of_placeholders_and_only_placeholders() {
        let template = LIST.scoped[0];
        assert_eq!(
            with_scope(template, 3),
            "SELECT a FROM t WHERE b IN (?, ?, ?)"
        );
        // Nothing in scope still makes a statement the tenant can parse.
        assert_eq!(with_scope(template, 0), "SELECT a FROM t WHERE b IN (?)");
        assert!(LIST.allows(&with_scope(template, 3)));
        assert!(!LIST.allows(&with_scope(template, 1).replace('?', "'x'")));
        assert!(!LIST.allows(template));
    }

    #[test]
    fn fixed_statements_as_written_and_row_probes_with_quoted_names_only() {
        assert!(LIST.allows("SHOW GRANTS"));
        assert!(!LIST.allows("SHOW GRANTS FOR root"));
        assert!(LIST.allows(
            "(SELECT 0 FROM `a``b`.`t` LIMIT 1) UNION ALL (SELECT 1 FROM `c`.`d` LIMIT 1)"
        ));
        for evil in [
            "(SELECT 1 FROM `a`.`b` LIMIT 1)",
            "(SELECT 0 FROM `a`.`b` LIMIT 1); DROP TABLE t; -- LIMIT 1)",
            "(SELECT 0 FROM `a`.b LIMIT 1)",
            "(SELECT 0 FROM `a`.`b`` WHERE 1 LIMIT 1)",
            "(SELECT 0 FROM `a`.`b` LIMIT 1) UNION ALL (SELECT 1 FROM `a`.`b` WHERE 1 LIMIT 1)",
            "SELECT 0, EXISTS(SELECT 1 FROM `a`.`b`)",
        ] {
            assert!(!LIST.allows(evil), "{evil}");
        }
    }

    #[test]
    fn a_shape_error_reads_as_one() {
        let error = ShapeError(text!("no row", "没有返回行"));
        assert_eq!(error.to_string(), "unexpected result shape: no row");
        assert_eq!(Text::from(error).zh(), "结果的形状与预期不符：没有返回行");
    }
}
