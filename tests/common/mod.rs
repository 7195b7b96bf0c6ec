//! The live pair for tests: two real seekdb kernels started by `scripts/test`, set up as root.
//! A crate of its own (tests/common/Cargo.toml); the tests use it as `common`.

pub mod documented;
pub mod held_session;
pub mod mysql_server;
pub mod oms_server;
pub mod proxy;
mod serve;

pub use serve::serve_in_background;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use mysql_async::prelude::Queryable;
use serde_json::Value;

/// Whether the tests were built to run against the kernels: what build.rs makes
/// `cfg(live_kernels)` of, as this crate sees it.
const BUILT_FOR_KERNELS: bool =
    option_env!("OMS_PREFLIGHT_TEST_LIVE").is_some() || option_env!("CI").is_some();

/// The two kernels. A test that calls this is marked
/// `#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]`, so
/// that outside `scripts/test` it shows as ignored instead of passing unrun (see build.rs).
/// With `CI` set, or built for the kernels, a missing kernel fails the test: a CI run that
/// skipped the live tests would prove nothing. So does a call from a test not marked. `None`
/// only when an ignored test is run on purpose (`--ignored`) without kernels.
pub fn live_pair() -> Option<Pair> {
    match (
        std::env::var("OMS_PREFLIGHT_TEST_A"),
        std::env::var("OMS_PREFLIGHT_TEST_B"),
    ) {
        (Ok(a), Ok(b)) => Some(Pair {
            a: Endpoint::parse(&a),
            b: Endpoint::parse(&b),
        }),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but OMS_PREFLIGHT_TEST_A/B are not: run the tests with scripts/test")
        }
        _ if BUILT_FOR_KERNELS => panic!(
            "built for the live tests (OMS_PREFLIGHT_TEST_LIVE) but OMS_PREFLIGHT_TEST_A/B are \
             not set: run the tests with scripts/test"
        ),
        _ if !std::env::args().any(|arg| arg == "--ignored" || arg == "--include-ignored") => {
            panic!(
                "this test needs the kernels: mark it #[cfg_attr(not(live_kernels), ignore = \
                 \"needs two seekdb kernels (scripts/test)\")] so that it shows as ignored"
            )
        }
        _ => {
            eprintln!(
                "live test not run: no kernels (OMS_PREFLIGHT_TEST_A/B unset); use scripts/test"
            );
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `127.0.0.1:port`: where the test's own proxies listen.
    pub fn loopback(port: u16) -> Endpoint {
        Endpoint {
            host: "127.0.0.1".into(),
            port,
        }
    }

    /// A loopback port nothing listens on: a tenant that cannot be reached.
    pub fn nowhere() -> Endpoint {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Endpoint::loopback(closed)
    }

    fn parse(text: &str) -> Endpoint {
        let (host, port) = text.rsplit_once(':').expect("host:port");
        Endpoint {
            host: host.to_string(),
            port: port.parse().expect("port"),
        }
    }

    /// A connection as root (empty password, as seekdb boots).
    async fn root_connection(&self) -> mysql_async::Conn {
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname(self.host.clone())
            .tcp_port(self.port)
            .user(Some("root"))
            .pass(Some(""))
            .prefer_socket(false);
        mysql_async::Conn::new(opts).await.expect("root connects")
    }

    /// The rows of `query` run as root, every cell as text (NULL as `None`).
    pub fn root_rows(&self, query: &str) -> Vec<Vec<Option<String>>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut conn = self.root_connection().await;
            let rows: Vec<mysql_async::Row> = conn.query(query).await.expect(query);
            conn.disconnect().await.unwrap();
            rows.into_iter()
                .map(|row| {
                    row.unwrap()
                        .into_iter()
                        .map(|value| match value {
                            mysql_async::Value::NULL => None,
                            mysql_async::Value::Bytes(bytes) => {
                                Some(String::from_utf8_lossy(&bytes).into_owned())
                            }
                            other => Some(other.as_sql(true)),
                        })
                        .collect()
                })
                .collect()
        })
    }

    /// Runs `statements` as root, in order; any failure fails the test.
    pub fn root(&self, statements: &[String]) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut conn = self.root_connection().await;
            for statement in statements {
                // Under concurrent DDL from parallel tests OceanBase answers ERROR 4023 "Try
                // again", and sometimes 1396 to a CREATE USER IF NOT EXISTS; both pass when
                // the statement is sent again. A 4023 does not always mean the DDL did not
                // happen: when the retry finds the object there (1007 database, 1050 table,
                // 5734 trigger), the first attempt took effect.
                let mut attempt = 0;
                loop {
                    match conn.query_drop(statement).await {
                        Ok(()) => break,
                        Err(mysql_async::Error::Server(error))
                            if attempt > 0 && [1007, 1050, 5734].contains(&error.code) =>
                        {
                            break;
                        }
                        Err(mysql_async::Error::Server(error))
                            if (error.code == 4023 || error.code == 1396) && attempt < 50 =>
                        {
                            attempt += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        }
                        Err(error) => panic!("{statement}: {error}"),
                    }
                }
            }
            conn.disconnect().await.unwrap();
        });
    }
}

pub struct Pair {
    pub a: Endpoint,
    pub b: Endpoint,
}

impl Pair {
    /// Sets `scenario` up as root on A and B and writes its plan into a new directory.
    pub fn set_up(
        &self,
        scenario: &Scenario,
        on_a: &[String],
        on_b: &[String],
    ) -> (tempfile::TempDir, PathBuf) {
        self.set_up_tenants(on_a, on_b);
        self.plan(scenario).write()
    }

    /// Runs `on_a` as root on A and `on_b` on B, for a test that writes a plan of its own.
    pub fn set_up_tenants(&self, on_a: &[String], on_b: &[String]) {
        self.a.root(on_a);
        self.b.root(on_b);
    }

    /// `scenario`'s plan for this pair, to change with [`PlanFile`]'s options and then write.
    pub fn plan<'p>(&'p self, scenario: &'p Scenario) -> PlanFile<'p> {
        PlanFile {
            scenario,
            a: self.a.clone(),
            b: self.b.clone(),
            oms_url: None,
            edits: Vec::new(),
        }
    }
}

/// The one place a test's plan is written: the scenario's standard plan ([`Scenario::plan`]),
/// with what a test needs different set by the options, which may be combined.
pub struct PlanFile<'p> {
    scenario: &'p Scenario,
    a: Endpoint,
    b: Endpoint,
    oms_url: Option<String>,
    edits: Vec<Box<dyn Fn(String) -> String + 'p>>,
}

impl<'p> PlanFile<'p> {
    /// Tenant A at `endpoint` instead of the pair's (a proxy in front of it).
    pub fn tenant_a(mut self, endpoint: Endpoint) -> Self {
        self.a = endpoint;
        self
    }

    /// Tenant B at `endpoint` instead of the pair's (a proxy in front of it, a closed port).
    pub fn tenant_b(mut self, endpoint: Endpoint) -> Self {
        self.b = endpoint;
        self
    }

    /// With an `[oms]` section for the test OMS server at `url` ([`Scenario::plan_with_oms`]).
    pub fn oms(mut self, url: &str) -> Self {
        self.oms_url = Some(url.to_string());
        self
    }

    /// `change` applied to the finished text (after the `[oms]` section is added): for plans a
    /// test gets wrong, or scopes differently, on purpose.
    pub fn edit(mut self, change: impl Fn(String) -> String + 'p) -> Self {
        self.edits.push(Box::new(change));
        self
    }

    /// Writes `plan.toml` into a new directory; the plan lives as long as the directory.
    pub fn write(self) -> (tempfile::TempDir, PathBuf) {
        let text = match &self.oms_url {
            Some(url) => self.scenario.plan_with_oms(&self.a, &self.b, url),
            None => self.scenario.plan(&self.a, &self.b),
        };
        let text = self.edits.iter().fold(text, |text, edit| edit(text));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }
}

/// One isolated situation on the pair: its own database and migration user on both tenants,
/// so tests run side by side.
pub struct Scenario {
    pub database: String,
    pub user: String,
    /// A unique marker: no output, report or bundle may ever contain it.
    pub password: String,
}

impl Scenario {
    pub fn new(name: &str) -> Scenario {
        Scenario {
            database: format!("lt_{name}"),
            user: format!("oms_{name}"),
            password: format!("Pw-{name}-9qZ!marker"),
        }
    }

    /// A scenario with chosen names, for recorded fixtures that read like a real plan.
    pub fn named(database: &str, user: &str) -> Scenario {
        Scenario {
            database: database.to_string(),
            user: user.to_string(),
            password: format!("Pw-{database}-9qZ!marker"),
        }
    }

    /// A healthy tenant: the database with a keyed table, and a migration user with what
    /// OMS needs (seekdb has the `test` database already).
    pub fn healthy(&self) -> Vec<String> {
        let (db, user, password) = (&self.database, &self.user, &self.password);
        vec![
            format!("DROP DATABASE IF EXISTS `{db}`"),
            format!("CREATE DATABASE `{db}`"),
            format!(
                "CREATE TABLE `{db}`.orders (id BIGINT PRIMARY KEY, note VARCHAR(64), amount DECIMAL(12,2) NOT NULL)"
            ),
            // Reset rather than drop and create: right after a DROP USER, OceanBase can refuse
            // the CREATE USER of the same name (ERROR 1396) while other sessions run DDL.
            format!("CREATE USER IF NOT EXISTS '{user}' IDENTIFIED BY '{password}'"),
            format!("ALTER USER '{user}' IDENTIFIED BY '{password}'"),
            format!("REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{user}'"),
            format!("GRANT SELECT ON *.* TO '{user}'"),
            format!("GRANT ALL PRIVILEGES ON `{db}`.* TO '{user}'"),
            // OMS's anti-loop table drc_txn lives in database `test` (grants.antiloop).
            format!("GRANT CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* TO '{user}'"),
        ]
    }

    /// A tenant whose migration user holds exactly the privileges OMS documents, and nothing
    /// else (never ALL): what a DBA following the `grants.*` rule docs to the letter grants.
    pub fn documented(&self) -> Vec<String> {
        let all = format!(
            "GRANT ALL PRIVILEGES ON `{}`.* TO '{}'",
            self.database, self.user
        );
        let mut statements: Vec<String> = self
            .healthy()
            .into_iter()
            .filter(|statement| *statement != all)
            .collect();
        statements.extend(self.documented_grants());
        statements
    }

    /// The documented grants on top of [`Scenario::healthy`]'s SELECT ON *.* and `test`.*: on
    /// the in-scope database and on `oceanbase`.*.
    pub fn documented_grants(&self) -> Vec<String> {
        let (db, user) = (&self.database, &self.user);
        vec![
            format!(
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW ON `{db}`.* TO '{user}'"
            ),
            format!("GRANT SELECT ON `oceanbase`.* TO '{user}'"),
        ]
    }

    /// [`Scenario::healthy`] followed by `extra`, in which `{db}` and `{user}` stand for the
    /// scenario's database and user.
    pub fn with<S: AsRef<str>>(&self, extra: &[S]) -> Vec<String> {
        let mut statements = self.healthy();
        statements.extend(extra.iter().map(|s| {
            s.as_ref()
                .replace("{db}", &self.database)
                .replace("{user}", &self.user)
        }));
        statements
    }

    /// The plan for this scenario, with tenant B at `b` (which may differ from the pair's B).
    /// seekdb has no sys tenant, so the migration user stands in for the DRC user: the check
    /// logs in with it as it would with the real one.
    pub fn plan(&self, a: &Endpoint, b: &Endpoint) -> String {
        format!(
            r#"[tenants.a]
host = "{}"
port = {}
user = "{user}"
password_env = "OB_A_PASSWORD"
drc_user = "{user}"
drc_password_env = "OB_A_PASSWORD"

[tenants.b]
host = "{}"
port = {}
user = "{user}"
password_env = "OB_B_PASSWORD"
drc_user = "{user}"
drc_password_env = "OB_B_PASSWORD"

[forward]
project = "dr_{db}_a_to_b"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
ddl_sync = true
databases = ["{db}"]

[reverse]
project = "dr_{db}_b_to_a"
source = "b"
target = "a"
migration = ["incremental"]
ddl_sync = false
"#,
            a.host,
            a.port,
            b.host,
            b.port,
            user = self.user,
            db = self.database
        )
    }

    /// The plan with an `[oms]` section pointing at `url` (user `admin`, password from
    /// OMS_PASSWORD, which `run` sets to this scenario's password).
    pub fn plan_with_oms(&self, a: &Endpoint, b: &Endpoint, url: &str) -> String {
        format!(
            "[oms]\nurl = \"{url}\"\nuser = \"{}\"\npassword_env = \"OMS_PASSWORD\"\n\n{}",
            oms_server::USER,
            self.plan(a, b)
        )
    }

    /// The test OMS server answering as `behaviour`, accepting this scenario's password, its
    /// fixtures naming tenants at `a` and `b`.
    pub fn serve_oms(
        &self,
        behaviour: oms_server::Behaviour,
        a: &Endpoint,
        b: &Endpoint,
    ) -> oms_server::OmsServer {
        oms_server::start(behaviour, &self.password, self.oms_vars(a, b))
    }

    /// [`Scenario::serve_oms`], its clock (the `Date` header) `skew_seconds` off this machine's.
    pub fn serve_oms_skewed(
        &self,
        behaviour: oms_server::Behaviour,
        (a, b): (&Endpoint, &Endpoint),
        skew_seconds: i64,
    ) -> oms_server::OmsServer {
        oms_server::start_skewed(behaviour, &self.password, self.oms_vars(a, b), skew_seconds)
    }

    /// The names fixture bodies are filled in with (see fixtures/oms/README.md).
    pub fn oms_vars(
        &self,
        a: &Endpoint,
        b: &Endpoint,
    ) -> std::collections::BTreeMap<String, String> {
        [
            ("A_HOST", a.host.clone()),
            ("A_PORT", a.port.to_string()),
            ("B_HOST", b.host.clone()),
            ("B_PORT", b.port.to_string()),
            ("DB", self.database.clone()),
            ("FORWARD", format!("dr_{}_a_to_b", self.database)),
            ("REVERSE", format!("dr_{}_b_to_a", self.database)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Runs the binary with both passwords in the environment; asserts the password appears in
    /// neither stdout nor stderr.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = Command::cargo_bin("oms-preflight")
            .unwrap()
            .args(args)
            .env("OB_A_PASSWORD", &self.password)
            .env("OB_B_PASSWORD", &self.password)
            .env("OMS_PASSWORD", &self.password)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !String::from_utf8_lossy(bytes).contains(&self.password),
                "the password appeared on {stream}"
            );
        }
        output
    }

    /// `check PLAN --format json` plus `args`; returns the report and the exit code.
    pub fn check(&self, plan: &Path, args: &[&str]) -> (Value, i32) {
        let mut all = vec!["check", plan.to_str().unwrap(), "--format", "json"];
        all.extend(args);
        let output = self.run(&all);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!(
                "not a JSON report ({error}); stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let code = output.status.code().expect("exited");
        assert_eq!(
            report["exit_code"], code,
            "the report and the process agree on the exit code"
        );
        (report, code)
    }

    /// [`Scenario::check`], timed; the time goes to stderr too, to see how far a run is from
    /// the bound a test asserts.
    pub fn timed_check(&self, plan: &Path, args: &[&str]) -> (Value, i32, Duration) {
        let started = Instant::now();
        let (report, code) = self.check(plan, args);
        let elapsed = started.elapsed();
        eprintln!(
            "{}: {args:?}, exit {code} in {:.2}s",
            self.database,
            elapsed.as_secs_f64()
        );
        (report, code, elapsed)
    }

    /// `collect PLAN --out BUNDLE` plus `args`.
    pub fn collect(&self, plan: &Path, bundle: &Path, args: &[&str]) -> Output {
        let mut all = vec![
            "collect",
            plan.to_str().unwrap(),
            "--out",
            bundle.to_str().unwrap(),
        ];
        all.extend(args);
        self.run(&all)
    }

    /// Collects `plan` into `bundle` and asserts it succeeded and the bundle does not hold the
    /// password: a bundle is meant to be handed on.
    pub fn collect_bundle(&self, plan: &Path, bundle: &Path) {
        let collected = self.collect(plan, bundle, &[]);
        assert_eq!(collected.status.code(), Some(0));
        assert!(
            !std::fs::read_to_string(bundle)
                .unwrap()
                .contains(&self.password),
            "the bundle holds the password"
        );
    }

    /// `check --snapshot BUNDLE` plus `args`, as JSON: the report and the process's exit code.
    pub fn replay(&self, bundle: &Path, args: &[&str]) -> (Value, Option<i32>) {
        let mut all = vec!["check", "--snapshot", bundle.to_str().unwrap()];
        all.extend(args);
        all.extend(["--format", "json"]);
        let replayed = self.run(&all);
        let report = serde_json::from_slice(&replayed.stdout).unwrap();
        (report, replayed.status.code())
    }

    /// `fix PLAN --out-dir OUT`.
    pub fn fix(&self, plan: &Path, out: &Path) -> Output {
        self.run(&[
            "fix",
            plan.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ])
    }
}

/// The statements of a fix script as root can run them: comments, blank lines and the closing
/// semicolons left out.
pub fn fix_statements(script: &str) -> Vec<String> {
    script
        .lines()
        .filter(|line| !line.starts_with("--") && !line.trim().is_empty())
        .map(|line| line.trim_end_matches(';').to_string())
        .collect()
}

/// The message of the report's first finding.
pub fn first_message(report: &Value) -> &str {
    report["findings"][0]["message"].as_str().unwrap()
}

/// `(rule, side, object)` of every finding, in report order.
pub fn findings(report: &Value) -> Vec<(String, String, Option<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["side"].as_str().unwrap().to_string(),
                f["object"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The outcome of `rule` in the report, if it has one.
fn outcome<'r>(report: &'r Value, rule: &str) -> Option<&'r Value> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == rule)
}

/// The first finding of `rule` in the JSON report; panics when it did not fire.
pub fn finding_of<'r>(report: &'r Value, rule: &str) -> &'r Value {
    report["findings"]
        .as_array()
        .and_then(|findings| findings.iter().find(|f| f["rule"] == rule))
        .unwrap_or_else(|| panic!("{rule} did not fire"))
}

/// Why `rule` was inconclusive or skipped ("" when it has no reason).
pub fn reason<'r>(report: &'r Value, rule: &str) -> &'r str {
    outcome(report, rule)
        .and_then(|o| o["reason"].as_str())
        .unwrap_or("")
}

/// The status of `rule` in the report.
pub fn status<'r>(report: &'r Value, rule: &str) -> &'r str {
    outcome(report, rule)
        .and_then(|o| o["status"].as_str())
        .unwrap_or_else(|| panic!("no outcome for {rule}"))
}

pub fn finding(rule: &str, side: &str, object: &str) -> (String, String, Option<String>) {
    (rule.to_string(), side.to_string(), Some(object.to_string()))
}

/// A scenario plan rewritten as a single-project pair (one 容灾双活 project, OMS CE ≥ 4.2.1):
/// `topology` first, no `[reverse]`, DDL executed on the source.
pub fn single_project(plan: String) -> String {
    let mut text = String::from("topology = \"single-project\"\n\n");
    let mut in_reverse = false;
    for line in plan.lines() {
        if line.starts_with('[') {
            in_reverse = line.trim() == "[reverse]";
        }
        if in_reverse {
            continue;
        }
        text.push_str(line);
        text.push('\n');
        if line.trim() == "ddl_sync = true" {
            text.push_str("ddl_side = \"source\"\n");
        }
    }
    text
}
