//! The migration user's sessions on the tenant: `information_schema.PROCESSLIST`, which shows
//! a user its own sessions without the PROCESS privilege, filtered to the session's user. One
//! statement, bounded rows. This check's own sessions are left out by their connection ids
//! (the ids the server gave its connections when they logged in, and the statement's own
//! `CONNECTION_ID()`); the address the statement's own session comes from is kept, for the
//! rule to tell the check's address from the others.

use std::collections::BTreeSet;

use super::statements::{Rows, ShapeError};
use crate::facts::Sessions;
use crate::facts::sessions::client_address;
use crate::text;

/// Sessions read at most; more is unavailable, never a shorter list that could pass.
pub const MAX_SESSIONS: usize = 1000;

/// The migration user's sessions: id, `HOST` (`ip:port`), and whether it is this statement's.
pub const SESSIONS: &str = "SELECT ID, HOST, ID = CONNECTION_ID() FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) LIMIT 1001";

/// The rows of [`SESSIONS`], without the sessions whose ids are in `own`.
pub fn sessions(rows: &Rows, own: &BTreeSet<u64>) -> Result<Sessions, ShapeError> {
    if rows.len() > MAX_SESSIONS {
        return Err(ShapeError(text!(
            "the migration user has more than {MAX_SESSIONS} sessions, past this tool's bound",
            "迁移用户的会话超过 {MAX_SESSIONS} 个，超出本工具的上限"
        )));
    }
    let mut found = Sessions::default();
    for row in rows {
        let [id, host, this] = row.as_slice() else {
            return Err(ShapeError(text!("expected 3 columns", "预期 3 列")));
        };
        let id: u64 = id
            .as_deref()
            .and_then(|id| id.trim().parse().ok())
            .ok_or_else(|| ShapeError(text!("ID is not a number", "ID 不是数字")))?;
        let address = client_address(host.as_deref().unwrap_or_default());
        let this = this.as_deref().is_some_and(|flag| flag.trim() == "1");
        if this {
            found.own_address = Some(address.clone());
        }
        if this || own.contains(&id) {
            found.own += 1;
        } else {
            *found.from.entry(address).or_default() += 1;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::statements::rows;

    #[test]
    fn the_checks_own_sessions_are_left_out_by_id() {
        let rows = rows(&[
            &[Some("1058"), Some("127.0.0.1:38004"), Some("1")],
            &[Some("1059"), Some("127.0.0.1:38005"), Some("0")],
            &[Some("1070"), Some("127.0.0.2:40923"), Some("0")],
            &[Some("1071"), Some("127.0.0.2:40924"), Some("0")],
        ]);
        let own = BTreeSet::from([1058, 1059]);
        let found = sessions(&rows, &own).unwrap();
        assert_eq!(found.own, 2);
        assert_eq!(found.own_address.as_deref(), Some("127.0.0.1"));
        assert_eq!(
            found.from.into_iter().collect::<Vec<_>>(),
            [("127.0.0.2".to_string(), 2)]
        );
        let many: Vec<Vec<Option<String>>> = (0..=MAX_SESSIONS)
            .map(|n| vec![Some(n.to_string()), Some("h:1".into()), Some("0".into())])
            .collect();
        assert!(sessions(&many, &own).is_err());
        assert!(sessions(&rows_of_two(), &own).is_err());
    }

    fn rows_of_two() -> Rows {
        vec![vec![Some("1".into()), Some("h:1".into())]]
    }
}
