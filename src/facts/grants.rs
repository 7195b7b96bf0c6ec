//! The typed privilege model of one account, and how privileges resolve across levels.
//!
//! Resolution follows MySQL (and OceanBase MySQL mode): a global grant covers every database, a
//! database grant covers every table of the databases its name pattern matches, `ALL PRIVILEGES`
//! covers each privilege of its level, and a table- or column-level grant never covers a
//! database. Privileges of the account's default roles count as its own, because every session
//! OMS opens has them; other granted roles do not. Rules ask this model; they never search grant
//! text.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Fact;

/// Everything `SHOW GRANTS` said about the current account, and what its roles add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    pub grants: Vec<PrivilegeGrant>,
    /// Roles granted to the account. `SHOW GRANTS` lists them without their privileges.
    pub roles: Vec<String>,
    /// Lines that could not be understood, kept so a report can say what was not read.
    pub unparsed: Vec<String>,
    /// What the granted roles give, read from the kernel's dictionary; `None` when no role is
    /// granted (or the bundle predates this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_privileges: Option<Fact<RolePrivileges>>,
}

/// The privileges an account holds through roles, as a new session has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePrivileges {
    /// The default roles and the roles granted to them: active in every session OMS opens.
    pub active: Vec<String>,
    /// Granted roles that are not default roles: a session has them only after `SET ROLE`,
    /// which OMS never runs.
    pub inactive: Vec<String>,
    /// The privileges of the active roles.
    pub grants: Vec<PrivilegeGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivilegeGrant {
    pub level: GrantLevel,
    /// `ALL PRIVILEGES` at this level.
    pub all: bool,
    pub privileges: BTreeSet<Privilege>,
    /// Column-level privileges (`SELECT (id)`): they cover those columns only.
    pub column_privileges: Vec<ColumnPrivilege>,
    pub with_grant_option: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnPrivilege {
    pub privilege: Privilege,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "level")]
pub enum GrantLevel {
    /// `ON *.*`
    Global,
    /// `ON db.*`; the name is a LIKE pattern (`%`, `_`, `\_`) as in MySQL.
    Database { database: String },
    /// `ON db.table`
    Table { database: String, table: String },
}

impl Grants {
    /// The grants a new session has: the account's own and those of its active roles.
    fn in_effect(&self) -> impl Iterator<Item = &PrivilegeGrant> {
        let through_roles = self
            .role_privileges
            .as_ref()
            .and_then(Fact::observed)
            .map(|roles| roles.grants.as_slice())
            .unwrap_or_default();
        self.grants.iter().chain(through_roles)
    }

    /// Whether `privilege` on every table of `database` (`database`.*) is held.
    pub fn holds_on_database(&self, privilege: &Privilege, database: &str) -> bool {
        self.in_effect().any(|grant| {
            let level_covers = match &grant.level {
                GrantLevel::Global => true,
                GrantLevel::Database { database: pattern } => like_matches(pattern, database),
                GrantLevel::Table { .. } => false,
            };
            level_covers && grant.grants(privilege)
        })
    }

    /// Whether `privilege` on `database`.`table` is held, at any level.
    pub fn holds_on_table(&self, privilege: &Privilege, database: &str, table: &str) -> bool {
        self.holds_on_database(privilege, database)
            || self.in_effect().any(|grant| match &grant.level {
                GrantLevel::Table {
                    database: d,
                    table: t,
                } => {
                    d.eq_ignore_ascii_case(database)
                        && t.eq_ignore_ascii_case(table)
                        && grant.grants(privilege)
                }
                _ => false,
            })
    }

    /// Whether `privilege` is held `ON *.*`.
    pub fn holds_globally(&self, privilege: &Privilege) -> bool {
        self.in_effect()
            .any(|grant| grant.level == GrantLevel::Global && grant.grants(privilege))
    }

    /// The privileges of `required` not held on `database`.*, in the order given.
    pub fn missing_on_database(&self, required: &[Privilege], database: &str) -> Vec<Privilege> {
        required
            .iter()
            .filter(|privilege| !self.holds_on_database(privilege, database))
            .cloned()
            .collect()
    }
}

impl PrivilegeGrant {
    fn grants(&self, privilege: &Privilege) -> bool {
        // ALL PRIVILEGES never includes GRANT OPTION; it comes only with WITH GRANT OPTION.
        if *privilege == Privilege::GrantOption {
            return self.with_grant_option || self.privileges.contains(privilege);
        }
        self.all || self.privileges.contains(privilege)
    }
}

/// MySQL's database-name matching for grants: `%` any run, `_` any one character, `\` escapes.
/// Case-insensitive, as OceanBase MySQL mode runs with `lower_case_table_names = 1`.
fn like_matches(pattern: &str, name: &str) -> bool {
    fn matches(pattern: &[char], name: &[char]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some(('%', rest)) => (0..=name.len()).any(|skip| matches(rest, &name[skip..])),
            Some(('_', rest)) => !name.is_empty() && matches(rest, &name[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                !name.is_empty()
                    && rest[0].eq_ignore_ascii_case(&name[0])
                    && matches(&rest[1..], &name[1..])
            }
            Some((literal, rest)) => {
                !name.is_empty()
                    && literal.eq_ignore_ascii_case(&name[0])
                    && matches(rest, &name[1..])
            }
        }
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    matches(&pattern, &name)
}

macro_rules! privileges {
    ($($variant:ident => $name:literal,)*) => {
        /// A privilege as OceanBase names it. Names this version does not know (seekdb's
        /// `CREATE AI MODEL`, privileges of later versions) are kept as `Other`.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Privilege {
            $($variant,)*
            Other(String),
        }

        impl Privilege {
            pub fn name(&self) -> &str {
                match self {
                    $(Privilege::$variant => $name,)*
                    Privilege::Other(name) => name,
                }
            }

            /// The privilege named `name` (any case, any run of spaces).
            pub fn parse(name: &str) -> Privilege {
                let normalized = name.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
                match normalized.as_str() {
                    $($name => Privilege::$variant,)*
                    _ => Privilege::Other(normalized),
                }
            }
        }
    };
}

privileges! {
    Select => "SELECT",
    Insert => "INSERT",
    Update => "UPDATE",
    Delete => "DELETE",
    Create => "CREATE",
    Drop => "DROP",
    Alter => "ALTER",
    Index => "INDEX",
    CreateView => "CREATE VIEW",
    ShowView => "SHOW VIEW",
    References => "REFERENCES",
    Trigger => "TRIGGER",
    Execute => "EXECUTE",
    AlterRoutine => "ALTER ROUTINE",
    CreateRoutine => "CREATE ROUTINE",
    LockTables => "LOCK TABLES",
    Process => "PROCESS",
    Super => "SUPER",
    File => "FILE",
    Reload => "RELOAD",
    Shutdown => "SHUTDOWN",
    ShowDatabases => "SHOW DATABASES",
    ReplicationClient => "REPLICATION CLIENT",
    ReplicationSlave => "REPLICATION SLAVE",
    CreateUser => "CREATE USER",
    CreateRole => "CREATE ROLE",
    DropRole => "DROP ROLE",
    AlterSystem => "ALTER SYSTEM",
    CreateTablespace => "CREATE TABLESPACE",
    GrantOption => "GRANT OPTION",
    Usage => "USAGE",
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Privilege {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Privilege {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Privilege::parse(&String::deserialize(deserializer)?))
    }
}

/// `SELECT, INSERT, UPDATE` for messages and GRANT statements.
pub fn join(privileges: &[Privilege]) -> String {
    privileges
        .iter()
        .map(Privilege::name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(level: GrantLevel, all: bool, privileges: &[Privilege]) -> PrivilegeGrant {
        PrivilegeGrant {
            level,
            all,
            privileges: privileges.iter().cloned().collect(),
            column_privileges: vec![],
            with_grant_option: false,
        }
    }

    fn db(name: &str) -> GrantLevel {
        GrantLevel::Database {
            database: name.into(),
        }
    }

    #[test]
    fn a_global_grant_covers_every_database() {
        let grants = Grants {
            grants: vec![grant(GrantLevel::Global, false, &[Privilege::Select])],
            ..Grants::default()
        };
        assert!(grants.holds_on_database(&Privilege::Select, "app"));
        assert!(!grants.holds_on_database(&Privilege::Insert, "app"));
    }

    #[test]
    fn all_privileges_covers_each_privilege_of_its_level_but_not_grant_option() {
        let grants = Grants {
            grants: vec![grant(db("app"), true, &[])],
            ..Grants::default()
        };
        assert!(grants.holds_on_database(&Privilege::Drop, "app"));
        assert!(grants.holds_on_database(&Privilege::CreateView, "APP"));
        assert!(!grants.holds_on_database(&Privilege::GrantOption, "app"));
        assert!(!grants.holds_on_database(&Privilege::Select, "billing"));
        assert!(!grants.holds_globally(&Privilege::Select));
    }

    #[test]
    fn a_table_grant_does_not_cover_its_database() {
        let grants = Grants {
            grants: vec![grant(
                GrantLevel::Table {
                    database: "app".into(),
                    table: "orders".into(),
                },
                true,
                &[],
            )],
            ..Grants::default()
        };
        assert!(!grants.holds_on_database(&Privilege::Select, "app"));
    }

    #[test]
    fn only_the_privileges_of_active_roles_count() {
        let through_role = grant(db("app"), false, &[Privilege::Insert]);
        let with_roles = |roles: Fact<RolePrivileges>| Grants {
            grants: vec![grant(GrantLevel::Global, false, &[Privilege::Select])],
            roles: vec!["r".into()],
            role_privileges: Some(roles),
            ..Grants::default()
        };
        let active = with_roles(Fact::Observed(RolePrivileges {
            active: vec!["r".into()],
            inactive: vec![],
            grants: vec![through_role],
        }));
        assert!(active.holds_on_database(&Privilege::Insert, "app"));
        assert!(active.holds_globally(&Privilege::Select));
        let unread = with_roles(Fact::unavailable(crate::i18n::Text::english("ERROR 1142")));
        assert!(!unread.holds_on_database(&Privilege::Insert, "app"));
        assert!(unread.holds_globally(&Privilege::Select));
    }

    #[test]
    fn database_patterns_match_like_mysql() {
        assert!(like_matches("src%", "src_2"));
        assert!(like_matches("app_db", "appXdb"));
        assert!(!like_matches("app\\_db", "appXdb"));
        assert!(like_matches("app\\_db", "app_db"));
        assert!(!like_matches("app", "app2"));
    }

    #[test]
    fn unknown_privilege_names_are_kept() {
        assert_eq!(
            Privilege::parse("create  ai model"),
            Privilege::Other("CREATE AI MODEL".into())
        );
        assert_eq!(Privilege::parse("create view"), Privilege::CreateView);
    }

    #[test]
    fn missing_lists_what_is_not_held_in_the_order_asked() {
        let grants = Grants {
            grants: vec![grant(
                db("app"),
                false,
                &[Privilege::Select, Privilege::Update],
            )],
            ..Grants::default()
        };
        let missing = grants.missing_on_database(
            &[Privilege::Insert, Privilege::Select, Privilege::Delete],
            "app",
        );
        assert_eq!(missing, vec![Privilege::Insert, Privilege::Delete]);
    }
}
