//! `grants`: the migration users hold what OMS needs on each side.
//!
//! Privileges are resolved with the typed model in `facts::grants` across levels, never by
//! searching grant text.
//!
//! What each migration user needs is computed once, from the plan alone ([`required`]): each
//! rule subtracts what the user holds and reports the rest (the findings `fix` writes), and
//! `oms-preflight grants` prints all of it. They cannot drift apart.

pub mod antiloop;
pub mod drc_user;
pub mod global_select;
pub mod oceanbase_read;
pub mod source_read;
pub mod target_write;

use crate::facts::{Grants, Privilege, Tenant};
use crate::plan::Plan;
use crate::rules::scope::{Object, grant_to};
use crate::rules::{Rule, Text, quote_identifier};

/// What a migration user needs on one object for the plan, whatever it holds.
pub struct Requirement<'p> {
    /// The rule that checks it.
    pub rule: &'static Rule,
    pub on: On<'p>,
    /// In the order the GRANT lists them.
    pub privileges: Vec<Privilege>,
    /// Why OMS needs it, in a few words.
    pub why: Text,
    /// The links it serves (`forward`, `reverse`); empty when it serves the tenant as a whole.
    pub links: Vec<&'static str>,
    /// The database may not exist: `CREATE DATABASE IF NOT EXISTS` comes first.
    pub creates_database: bool,
    /// The lowest OceanBase version that needs it, when not every version does.
    pub from_version: Option<&'static str>,
}

/// What a privilege is granted on.
pub enum On<'p> {
    /// `*.*`: the whole tenant.
    Tenant,
    /// A database or table of a link's scope, or a database OMS uses.
    Object(Object<'p>),
}

impl On<'_> {
    /// The GRANT's `ON` part: `*.*`, `` `app`.* ``, `` `app`.`orders` ``.
    pub fn target(&self) -> String {
        match self {
            On::Tenant => "*.*".to_string(),
            On::Object(object) => object.grant_target(),
        }
    }

    /// The privileges of `required` that `grants` do not give here, in the order given.
    pub fn missing(&self, grants: &Grants, required: &[Privilege]) -> Vec<Privilege> {
        match self {
            On::Tenant => required
                .iter()
                .filter(|privilege| !grants.holds_globally(privilege))
                .cloned()
                .collect(),
            On::Object(object) => object.missing(grants, required),
        }
    }
}

impl Requirement<'_> {
    /// The statements that give it to `account` (`'user'@'host'`) on an empty user.
    pub fn statements(&self, account: &str) -> Vec<String> {
        self.statements_for(account, &self.privileges)
    }

    /// The statements that give `privileges` (those of it a user lacks) to `account`.
    pub fn statements_for(&self, account: &str, privileges: &[Privilege]) -> Vec<String> {
        let mut statements = Vec::new();
        if self.creates_database
            && let On::Object(Object::Database(database)) = &self.on
        {
            statements.push(format!(
                "CREATE DATABASE IF NOT EXISTS {};",
                quote_identifier(database)
            ));
        }
        if !privileges.is_empty() {
            statements.push(grant_to(account, privileges, &self.on.target()));
        }
        statements
    }
}

/// Everything the migration user of `tenant` needs for `plan`, in catalog order: the same at
/// every stage and in both topologies, since the grants rules apply at all of them and both
/// links are planned from the start.
pub fn required(plan: &Plan, tenant: Tenant) -> Vec<Requirement<'_>> {
    let mut all = source_read::required(plan, tenant);
    all.extend(oceanbase_read::required());
    all.extend(target_write::required(plan, tenant));
    all.extend(global_select::required());
    all.extend(antiloop::required());
    all
}

/// `'oms_a'@'%'`: the plan's migration user of `tenant` at any host, as a GRANT names it.
pub fn planned_account(plan: &Plan, tenant: Tenant) -> String {
    format!(
        "{}@{}",
        crate::rules::quote_string(plan.tenant(tenant).user_name()),
        crate::rules::quote_string("%")
    )
}
