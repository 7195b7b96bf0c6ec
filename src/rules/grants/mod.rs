//! `grants`: the migration users hold what OMS needs on each side.
//!
//! Privileges are resolved with the typed model in `facts::grants` across levels, never by
//! searching grant text.

pub mod antiloop;
pub mod drc_user;
pub mod global_select;
pub mod oceanbase_read;
pub mod source_read;
pub mod target_write;

use crate::facts::{Grants, Privilege, TenantFacts, grants::join};
use crate::plan::LinkPlan;
use crate::rules::{account, quote_identifier};

/// What a link's scope means for grants: each database (`db`.*) or single table.
pub enum Object<'a> {
    Database(&'a str),
    Table(&'a str, &'a str),
}

impl Object<'_> {
    /// Every object of `link`'s scope: its databases, then the tables outside them.
    pub fn scope(link: &LinkPlan) -> Vec<Object<'_>> {
        let mut objects: Vec<Object<'_>> =
            link.databases.iter().map(|d| Object::Database(d)).collect();
        objects.extend(
            link.tables
                .iter()
                .filter(|t| {
                    !link
                        .databases
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(&t.database))
                })
                .map(|t| Object::Table(&t.database, &t.table)),
        );
        objects
    }

    pub fn name(&self) -> String {
        match self {
            Object::Database(database) => database.to_string(),
            Object::Table(database, table) => format!("{database}.{table}"),
        }
    }

    /// As in a GRANT statement: `` `app`.* `` or `` `app`.`orders` ``.
    pub fn grant_target(&self) -> String {
        match self {
            Object::Database(database) => format!("{}.*", quote_identifier(database)),
            Object::Table(database, table) => {
                format!("{}.{}", quote_identifier(database), quote_identifier(table))
            }
        }
    }

    pub fn missing(&self, grants: &Grants, required: &[Privilege]) -> Vec<Privilege> {
        required
            .iter()
            .filter(|privilege| match self {
                Object::Database(database) => !grants.holds_on_database(privilege, database),
                Object::Table(database, table) => {
                    !grants.holds_on_table(privilege, database, table)
                }
            })
            .cloned()
            .collect()
    }
}

/// `oms_b lacks INSERT, DELETE on `app`.*`, noting roles whose privileges were not visible.
pub fn lacks_message(
    tenant: &TenantFacts,
    grants: &Grants,
    missing: &[Privilege],
    object: &Object<'_>,
) -> String {
    let mut message = format!(
        "{} lacks {} on {}",
        tenant.user,
        join(missing),
        object.grant_target()
    );
    if !grants.roles.is_empty() {
        message.push_str(&format!(
            " (roles {} are granted too; SHOW GRANTS does not list their privileges, so they were not counted)",
            grants.roles.join(", ")
        ));
    }
    message
}

/// The GRANT statement that gives exactly `missing` on `object`.
pub fn grant_statement(tenant: &TenantFacts, missing: &[Privilege], object: &Object<'_>) -> String {
    format!(
        "GRANT {} ON {} TO {};",
        join(missing),
        object.grant_target(),
        account(tenant)
    )
}
