//! `init`: the plan a user starts from, commented for someone who has not read the manual. It
//! is valid as written once every `""` is filled in (the hosts, the users, the OMS url), which
//! the tests check with `lint` for both topologies.

use crate::plan::Topology;

/// The commented plan of `topology`.
pub fn template(topology: Topology) -> &'static str {
    match topology {
        Topology::TwoProjects => TWO_PROJECTS,
        Topology::SingleProject => SINGLE_PROJECT,
    }
}

/// The opening every plan shares: what to fill in and what to run.
macro_rules! opening {
    () => {
        r#"# oms-preflight plan: an OMS active-active (容灾双活) pair of two OceanBase tenants, A and B.
#
# Fill in every "" below (the OMS url and user, each tenant's host and migration user), set the
# password variables in the environment, then:
#   oms-preflight lint dr.toml     # the plan alone, no network
#   oms-preflight check dr.toml    # both tenants and OMS
# Every key is described in the plan reference (docs/plan.md of oms-preflight).

"#
    };
}

/// OMS and the two tenants: the same in both topologies.
macro_rules! endpoints {
    () => {
        r#"[oms]                                   # optional: without it the OMS rules are skipped
url = ""                                # the OMS console, e.g. "http://oms.example.internal:8089"
user = ""                               # an OMS console user (HTTP Basic)
password_env = "OMS_PASSWORD"           # the variable holding its password (or password_file = "path")
# version = "4.2.5"                     # the OMS version, for the supported-version matrix
# max_lag = "5m"                        # running stage: the lag above which oms.lag is an error
# min_window = "1h"                     # running stage: the time left in a window below which oms.window-left warns

[tenants.a]
host = ""                               # the tenant's address (an OBServer or ODP), e.g. "10.0.0.1"
port = 2881                             # 2881 for an OBServer, 2883 through ODP (OBProxy)
user = ""                               # the OMS migration user (迁移用户) of tenant A; through ODP "user@tenant#cluster"
password_env = "OB_A_PASSWORD"
# tenant = "tenant_a"                   # the tenant's name: checked against the tenant connected to
# drc_user = "drc_user@sys"             # the sys-tenant user OMS reads this cluster's logs with
# drc_password_env = "OB_A_DRC_PASSWORD"  # if given, the check tries to log in with it

[tenants.b]
host = ""
port = 2881
user = ""                               # the OMS migration user of tenant B
password_env = "OB_B_PASSWORD"
# tenant = "tenant_b"
# drc_user = "drc_user@sys"

"#
    };
}

const TWO_PROJECTS: &str = concat!(
    opening!(),
    r#"# two-projects: OMS builds a forward project A -> B and a reverse project B -> A (OMS enterprise,
# OMS CE up to 4.2.0). With OMS CE 4.2.1 and later, one 容灾双活 project runs both directions:
# run `oms-preflight init --topology single-project` instead.
topology = "two-projects"

"#,
    endpoints!(),
    r#"[forward]                               # the forward link (正向链路) A -> B
project = "dr_app_a_to_b"               # the OMS project's name or id; it may not exist yet
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]   # 结构迁移, 全量迁移, 增量同步
ddl_sync = true                         # DDL sync on this link only (or a list: ["CREATE_TABLE", "ADD_COLUMN"])
databases = ["app"]                     # the databases to replicate; single tables: tables = ["app.orders"]

[reverse]                               # the reverse link (反向链路) B -> A: incremental sync only
project = "dr_app_b_to_a"
source = "b"
target = "a"
migration = ["incremental"]
ddl_sync = false                        # DDL may be synced on one link only
# databases: the mirror of [forward] unless given
"#
);

const SINGLE_PROJECT: &str = concat!(
    opening!(),
    r#"# single-project: one 容灾双活 project A -> B that runs its own reverse-incremental step
# (反向增量, OMS CE 4.2.1 and later). With two projects (OMS enterprise, OMS CE up to 4.2.0), run
# `oms-preflight init --topology two-projects` instead.
topology = "single-project"

"#,
    endpoints!(),
    r#"[forward]                               # the one 容灾双活 project, A -> B; OMS runs the reverse step itself
project = "dr_app"                      # the OMS project's name or id; it may not exist yet
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]   # 结构迁移, 全量迁移, 增量同步
ddl_sync = true                         # sync DDL (or a list: ["CREATE_TABLE", "ADD_COLUMN"])
ddl_side = "source"                     # where DDL is executed: "source" (源端执行, A) or "target" (目标端执行, B)
databases = ["app"]                     # the databases to replicate; single tables: tables = ["app.orders"]
"#
);
