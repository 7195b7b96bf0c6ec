//! The privileges the migration user holds through roles (OceanBase 4.x MySQL mode, seekdb).
//!
//! `SHOW GRANTS` names the granted roles (`GRANT `r`@`%` TO `u`@`%``) without their privileges,
//! and `SHOW GRANTS ... USING` does not exist on OceanBase (ERROR 1064 on seekdb 1.4). A new
//! session has the privileges of the account's default roles (`SET DEFAULT ROLE r TO u`) and of
//! every role granted to those, never those of its other roles until it runs `SET ROLE`, which
//! OMS does not. One statement reads it all from the dictionary, whatever the number of roles:
//! the role edges of the account and of every role (`disable_flag = 0` marks a default role on
//! the account's own edges; a role's roles are active with it whatever their flag), and the
//! global, database and table privileges of every role. It is sent only when `SHOW GRANTS`
//! names a role.

use crate::i18n::Text;
use crate::text;
use std::collections::{BTreeMap, BTreeSet};

use super::layout::Layout;
use super::statements::{Rows, ShapeError};
use crate::facts::grants::{GrantLevel, Privilege, PrivilegeGrant, RolePrivileges};

/// The privilege columns every kernel's `__all_user`, `__all_database_privilege` and
/// `__all_table_privilege` have, in the order the statement reads them.
const PRIVILEGES: &[Privilege] = &[
    Privilege::Alter,
    Privilege::Create,
    Privilege::Delete,
    Privilege::Drop,
    Privilege::Insert,
    Privilege::Update,
    Privilege::Select,
    Privilege::Index,
    Privilege::CreateView,
    Privilege::ShowView,
];

/// Rows of `(kind, role, role host, name, name, grantee is a role, disable_flag, privileges...)`:
/// `MEMBER` rows are the role edges from `$grantee_map` whose grantee is the session's account
/// or a role; `GLOBAL`, `DATABASE` and `TABLE` rows are each role's privileges at that level
/// (the names are the database and table).
macro_rules! roles_from {
    ($grantee_map:literal) => {
        concat!(
            "SELECT 'MEMBER', r.user_name, r.host, g.user_name, g.host, g.type, m.disable_flag, \
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM oceanbase.",
            $grantee_map,
            " m JOIN oceanbase.__all_user r ON r.user_id = m.role_id \
             JOIN oceanbase.__all_user g ON g.user_id = m.grantee_id \
             WHERE r.type = 1 AND (g.type = 1 OR CONCAT(g.user_name, '@', g.host) = CURRENT_USER()) \
             UNION ALL SELECT 'GLOBAL', u.user_name, u.host, NULL, NULL, NULL, NULL, \
             u.priv_alter, u.priv_create, u.priv_delete, u.priv_drop, u.priv_insert, u.priv_update, \
             u.priv_select, u.priv_index, u.priv_create_view, u.priv_show_view \
             FROM oceanbase.__all_user u WHERE u.type = 1 \
             UNION ALL SELECT 'DATABASE', u.user_name, u.host, p.database_name, NULL, NULL, NULL, \
             p.priv_alter, p.priv_create, p.priv_delete, p.priv_drop, p.priv_insert, p.priv_update, \
             p.priv_select, p.priv_index, p.priv_create_view, p.priv_show_view \
             FROM oceanbase.__all_database_privilege p JOIN oceanbase.__all_user u ON u.user_id = p.user_id \
             WHERE u.type = 1 \
             UNION ALL SELECT 'TABLE', u.user_name, u.host, p.database_name, p.table_name, NULL, NULL, \
             p.priv_alter, p.priv_create, p.priv_delete, p.priv_drop, p.priv_insert, p.priv_update, \
             p.priv_select, p.priv_index, p.priv_create_view, p.priv_show_view \
             FROM oceanbase.__all_table_privilege p JOIN oceanbase.__all_user u ON u.user_id = p.user_id \
             WHERE u.type = 1"
        )
    };
}

/// OceanBase 4.x and seekdb 1.0: the role edges are in `__all_tenant_role_grantee_map` (table
/// id 235).
pub const FROM_TENANT_ROLE_GRANTEE_MAP: &str = roles_from!("__all_tenant_role_grantee_map");
/// seekdb 1.4: the same table without `tenant_` in its name.
pub const FROM_ROLE_GRANTEE_MAP: &str = roles_from!("__all_role_grantee_map");

/// The role statement for a kernel of `layout`: the one over the role map it has.
pub fn statement(layout: &Layout) -> Result<&'static str, Text> {
    layout.first_readable(&[FROM_TENANT_ROLE_GRANTEE_MAP, FROM_ROLE_GRANTEE_MAP])
}

/// A role as `SHOW GRANTS` names it: `name`, with `@host` unless the host is `%`.
fn role_name(name: &str, host: &str) -> String {
    if host == "%" {
        name.to_string()
    } else {
        format!("{name}@{host}")
    }
}

/// What the roles give a new session of the account, from the rows of [`FROM_TENANT_ROLE_GRANTEE_MAP`]
/// or [`FROM_ROLE_GRANTEE_MAP`].
pub fn role_privileges(rows: &Rows) -> Result<RolePrivileges, ShapeError> {
    // The account's own roles: (role, is a default role).
    let mut own: BTreeMap<String, bool> = BTreeMap::new();
    // Roles granted to each role.
    let mut included: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut privileges: BTreeMap<String, Vec<PrivilegeGrant>> = BTreeMap::new();
    for row in rows {
        let cell = |index: usize| -> Result<Option<&str>, ShapeError> {
            row.get(index).map(|cell| cell.as_deref()).ok_or_else(|| {
                ShapeError(text!(
                    "expected 17 columns, got {}",
                    "预期 17 列，实际为 {} 列",
                    row.len()
                ))
            })
        };
        let text = |index: usize| {
            cell(index)?
                .ok_or_else(|| ShapeError(text!("column {} is NULL", "第 {} 列为 NULL", index + 1)))
        };
        let flag = |index: usize| -> Result<bool, ShapeError> {
            match text(index)? {
                "0" => Ok(false),
                "1" => Ok(true),
                other => Err(ShapeError(text!(
                    "column {} is {other}, not 0 or 1",
                    "第 {} 列为 {other}，不是 0 或 1",
                    index + 1
                ))),
            }
        };
        let role = role_name(text(1)?, text(2)?);
        let kind = text(0)?;
        if kind == "MEMBER" {
            let grantee = role_name(text(3)?, text(4)?);
            let disable_flag = text(6)?;
            if flag(5)? {
                included.entry(grantee).or_default().push(role);
            } else {
                own.insert(role, disable_flag == "0");
            }
            continue;
        }
        let level = match kind {
            "GLOBAL" => GrantLevel::Global,
            "DATABASE" => GrantLevel::Database {
                database: text(3)?.to_string(),
            },
            "TABLE" => GrantLevel::Table {
                database: text(3)?.to_string(),
                table: text(4)?.to_string(),
            },
            other => {
                return Err(ShapeError(text!(
                    "unknown row kind {other}",
                    "未知的行类型 {other}"
                )));
            }
        };
        let mut held = BTreeSet::new();
        for (offset, privilege) in PRIVILEGES.iter().enumerate() {
            if flag(7 + offset)? {
                held.insert(privilege.clone());
            }
        }
        if !held.is_empty() {
            privileges.entry(role).or_default().push(PrivilegeGrant {
                level,
                all: false,
                privileges: held,
                column_privileges: Vec::new(),
                with_grant_option: false,
            });
        }
    }
    // The default roles, then every role granted to an active role, however deep.
    let mut active: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = own
        .iter()
        .filter(|(_, default)| **default)
        .map(|(role, _)| role.clone())
        .collect();
    while let Some(role) = pending.pop() {
        if active.insert(role.clone()) {
            pending.extend(included.get(&role).cloned().unwrap_or_default());
        }
    }
    let inactive = own
        .keys()
        .filter(|role| !active.contains(*role))
        .cloned()
        .collect();
    let grants = active
        .iter()
        .flat_map(|role| privileges.remove(role).unwrap_or_default())
        .collect();
    Ok(RolePrivileges {
        active: active.into_iter().collect(),
        inactive,
        grants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
        cells.iter().map(|cell| cell.map(str::to_string)).collect()
    }

    fn member(
        role: &str,
        grantee: &str,
        grantee_is_role: bool,
        disable_flag: &str,
    ) -> Vec<Option<String>> {
        let is_role = if grantee_is_role { "1" } else { "0" };
        let mut cells = vec![
            Some("MEMBER"),
            Some(role),
            Some("%"),
            Some(grantee),
            Some("%"),
            Some(is_role),
            Some(disable_flag),
        ];
        cells.extend([Some("0"); 10]);
        row(&cells)
    }

    /// A privilege row: `privileges` holds the 10 flags in [`PRIVILEGES`] order.
    fn privileges(
        kind: &str,
        role: &str,
        database: Option<&str>,
        table: Option<&str>,
        flags: [u8; 10],
    ) -> Vec<Option<String>> {
        let flags: Vec<String> = flags.iter().map(u8::to_string).collect();
        let mut cells = vec![
            Some(kind),
            Some(role),
            Some("%"),
            database,
            table,
            None,
            None,
        ];
        cells.extend(flags.iter().map(|f| Some(f.as_str())));
        row(&cells)
    }

    /// What seekdb 1.4 answered for `xu` holding default role `xr_def` (INSERT, SELECT on
    /// xapp.*; SELECT on oceanbase.*), which holds `xr_inner` (DELETE on xapp.*, UPDATE on
    /// xapp.t), and the non-default role `xr_nodef` (UPDATE on xapp.*).
    fn recorded() -> Rows {
        vec![
            member("xr_def", "xu", false, "0"),
            member("xr_nodef", "xu", false, "1"),
            member("xr_inner", "xr_def", true, "1"),
            privileges("GLOBAL", "xr_def", None, None, [0; 10]),
            privileges("GLOBAL", "xr_nodef", None, None, [0; 10]),
            privileges("GLOBAL", "xr_inner", None, None, [0; 10]),
            privileges(
                "DATABASE",
                "xr_def",
                Some("oceanbase"),
                None,
                [0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
            ),
            privileges(
                "DATABASE",
                "xr_def",
                Some("xapp"),
                None,
                [0, 0, 0, 0, 1, 0, 1, 0, 0, 0],
            ),
            privileges(
                "DATABASE",
                "xr_nodef",
                Some("xapp"),
                None,
                [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
            ),
            privileges(
                "DATABASE",
                "xr_inner",
                Some("xapp"),
                None,
                [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
            ),
            privileges(
                "TABLE",
                "xr_inner",
                Some("xapp"),
                Some("t"),
                [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
            ),
        ]
    }

    #[test]
    fn default_roles_and_the_roles_they_hold_are_active_others_are_not() {
        let roles = role_privileges(&recorded()).unwrap();
        assert_eq!(roles.active, ["xr_def", "xr_inner"]);
        assert_eq!(roles.inactive, ["xr_nodef"]);
        let grants = crate::facts::Grants {
            role_privileges: Some(crate::facts::Fact::Observed(roles)),
            ..Default::default()
        };
        for held in [Privilege::Select, Privilege::Insert, Privilege::Delete] {
            assert!(grants.holds_on_database(&held, "xapp"), "{held}");
        }
        assert!(grants.holds_on_database(&Privilege::Select, "oceanbase"));
        // UPDATE comes from the inactive role on the database and an active one on one table.
        assert!(!grants.holds_on_database(&Privilege::Update, "xapp"));
        assert!(grants.holds_on_table(&Privilege::Update, "xapp", "t"));
    }

    #[test]
    fn a_role_granted_only_through_an_inactive_role_stays_inactive() {
        let rows = vec![
            member("r_off", "u", false, "1"),
            member("r_deep", "r_off", true, "0"),
            privileges("DATABASE", "r_deep", Some("app"), None, [1; 10]),
        ];
        let roles = role_privileges(&rows).unwrap();
        assert!(roles.active.is_empty());
        assert_eq!(roles.inactive, ["r_off"]);
        assert!(roles.grants.is_empty());
    }

    #[test]
    fn a_cycle_of_roles_ends_and_odd_rows_are_shape_errors() {
        let rows = vec![
            member("r1", "u", false, "0"),
            member("r2", "r1", true, "1"),
            member("r1", "r2", true, "1"),
        ];
        assert_eq!(role_privileges(&rows).unwrap().active, ["r1", "r2"]);
        let mut short = recorded();
        short[0].truncate(5);
        assert!(role_privileges(&short).is_err());
        let mut odd = recorded();
        odd[4][0] = Some("SCHEMA".into());
        assert!(role_privileges(&odd).is_err());
    }

    #[test]
    fn a_role_on_another_host_is_named_with_it() {
        let mut rows = vec![member("r", "u", false, "0")];
        rows[0][2] = Some("10.%".into());
        assert_eq!(role_privileges(&rows).unwrap().active, ["r@10.%"]);
    }

    /// OceanBase 4.x and seekdb 1.0 (oceanbase/seekdb v1.0.0) name the table
    /// `__all_tenant_role_grantee_map`; seekdb 1.4 (pylibseekdb 1.4.0.post1, live)
    /// `__all_role_grantee_map`.
    #[test]
    fn the_statement_follows_the_kernel() {
        for (layout, table) in [
            ("oceanbase-4.0", "oceanbase.__all_tenant_role_grantee_map m"),
            (
                "oceanbase-4.3.2",
                "oceanbase.__all_tenant_role_grantee_map m",
            ),
            ("seekdb-1.0", "oceanbase.__all_tenant_role_grantee_map m"),
            ("seekdb-1.4", "oceanbase.__all_role_grantee_map m"),
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
