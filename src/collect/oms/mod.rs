//! Collects OMS facts over its OpenAPI with reqwest: `POST {url}/api/v2?Action=NAME`, HTTP Basic,
//! a timeout on every call, bounded retries on timeouts and 5xx, pagination of list actions.
//! Only the read actions in [`READ_ACTIONS`] can be sent.
//!
//! Every loop over what OMS says is bounded, since OMS may be wrong or hostile: a list stops at a
//! page that adds no new id or after [`MAX_PAGES`]; only projects that may touch the pair are
//! described, at most [`MAX_DESCRIBED`]; a body is cut at [`MAX_BODY_BYTES`]; and the whole OMS
//! part of a run ends by [`bound`]. Past any bound the facts are unavailable with the reason,
//! never a shorter list that could pass.

pub mod api;
pub mod lenient;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::{OnceCell, Semaphore};

use crate::facts::oms::{Access, DataSource, OmsFacts, Project, VerifiedTable};
use crate::facts::{Fact, Tenant};
use crate::i18n::Text;
use crate::plan::{OmsPlan, Plan, Secret, Topology};
use crate::text;
use api::{Addresses, Envelope, Fault, FaultKind, Lookup, PlanEndpoints, ProjectItemDto};

/// Every action this tool may send. All of them only read.
pub const READ_ACTIONS: &[&str] = &[
    "ListDataSource",
    "ListProjects",
    "DescribeProject",
    "DescribeProjectSteps",
    "DescribeProjectProgress",
    "DescribeProjectComponents",
    "ListProjectFullVerifyResult",
];

/// The page size asked of list actions: ListProjects' documented maximum (the API reference
/// gives none for the others, which may answer shorter pages: see [`next_page`]).
const PAGE_SIZE: u64 = 150;
/// The first OMS CE version whose API reference documents the Action API this tool reads
/// (`POST /api/v2?Action=NAME`); 3.3.x–4.1.0 document only `GET /api/omsp/...` progress
/// endpoints, which say too little to judge a pair by.
pub const ACTION_API_SINCE: &str = "4.1.1";
/// Pages read of one list: 15,000 items, far beyond any OMS we know of (the largest seen holds
/// a few hundred projects); a list longer than that is unavailable, not cut short.
pub const MAX_PAGES: u64 = 100;
/// Projects described besides the planned two: those whose list items show an endpoint on the
/// pair, or do not show their endpoints. More than this leaves the other projects unavailable.
pub const MAX_DESCRIBED: usize = 200;
/// The largest response body read. The biggest real answers are a page of 150 projects or a
/// DescribeProject with a long mapping: tens to hundreds of KiB.
pub const MAX_BODY_BYTES: usize = 16 << 20;
/// Attempts per call when OMS times out or answers 5xx.
const ATTEMPTS: u32 = 3;
/// Calls to OMS in flight at once.
const CONCURRENCY: usize = 4;
/// Distinct host names looked up in one run; data sources beyond it stay unresolved.
const MAX_HOST_NAMES: usize = 32;
/// The backoff before the second attempt; it doubles before each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// Rounds of calls one after another in a run: a list of data sources, a list of projects,
/// DescribeProject, then the planned projects' steps, progress, components and verification
/// side by side, and one spare. (Pages of a list usually fit in one.)
const ROUNDS: u32 = 5;

/// How long the OMS part of a run may take at most: [`ROUNDS`] calls one after another, each
/// with its retries and backoff, `ROUNDS × (ATTEMPTS × timeout + 0.6 s)`: 5 × (3 × timeout +
/// 0.6 s) = 15 × timeout + 3 s. OMS collection runs beside the tenants', so this is also the
/// most a run can wait for OMS. What is not in by then is unavailable, with this reason.
pub fn bound(timeout: Duration) -> Duration {
    let backoff: Duration = (0..ATTEMPTS - 1).map(|n| FIRST_BACKOFF * 2u32.pow(n)).sum();
    (timeout * ATTEMPTS + backoff) * ROUNDS
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    user: String,
    password: Secret,
    timeout: Duration,
}

impl Client {
    /// A client of `oms`, trusting `ca` (the bytes of `[oms] ca`, read with the plan) besides
    /// the system's roots.
    pub fn new(
        oms: &OmsPlan,
        ca: Option<&[u8]>,
        password: Secret,
        timeout: Duration,
    ) -> Result<Client, Text> {
        // reqwest is built without a default crypto provider; use ring, as mysql_async does.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("oms-preflight/", env!("CARGO_PKG_VERSION")));
        if let (Some(pem), Some(ca)) = (ca, &oms.ca) {
            let certificate = reqwest::Certificate::from_pem(pem).map_err(|error| {
                text!(
                    "[oms] ca {ca} is not a PEM certificate: {error}",
                    "[oms] ca {ca} 不是 PEM 证书：{error}"
                )
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        let http = builder.build().map_err(|error| {
            text!(
                "cannot set up the HTTP client: {error}",
                "无法建立 HTTP 客户端：{error}"
            )
        })?;
        Ok(Client {
            http,
            base: oms.url.trim_end_matches('/').to_string(),
            user: oms.user.clone(),
            password,
            timeout,
        })
    }

    /// One action, retried with backoff on timeouts and 5xx.
    pub async fn call<T: DeserializeOwned>(
        &self,
        action: &'static str,
        body: &Value,
    ) -> Result<Envelope<T>, Fault> {
        assert!(
            READ_ACTIONS.contains(&action),
            "{action} is not a read action"
        );
        crate::progress::step(crate::progress::Endpoint::Oms, &format!("calling {action}"));
        let mut attempt = 1;
        loop {
            match self.call_once(action, body).await {
                Err(fault) if fault.kind == FaultKind::Transient && attempt < ATTEMPTS => {
                    tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt - 1)).await;
                    attempt += 1;
                }
                Err(mut fault) => {
                    if attempt > 1 {
                        fault.reason = text!(
                            "{reason} (after {attempt} attempts)",
                            "{reason}（共尝试 {attempt} 次）";
                            reason = fault.reason
                        );
                    }
                    return Err(fault);
                }
                Ok(envelope) => return Ok(envelope),
            }
        }
    }

    async fn call_once<T: DeserializeOwned>(
        &self,
        action: &'static str,
        body: &Value,
    ) -> Result<Envelope<T>, Fault> {
        let url = format!("{}/api/v2?Action={action}", self.base);
        let transport = |kind, reason: Text| Fault {
            kind,
            reason: text!("{action}: {reason}", "{action}：{reason}"; reason = reason),
        };
        let (base, seconds) = (&self.base, self.timeout.as_secs_f64());
        let response = self
            .http
            .post(&url)
            .basic_auth(&self.user, Some(self.password.expose()))
            .json(body)
            .send()
            .await
            .map_err(|error| {
                if error.is_timeout() {
                    transport(
                        FaultKind::Transient,
                        text!(
                            "no answer from {base} within {seconds}s",
                            "{base} 在 {seconds} 秒内没有应答"
                        ),
                    )
                } else {
                    let error = error_chain(&error);
                    transport(
                        FaultKind::Unusable,
                        text!("cannot reach {base}: {error}", "无法访问 {base}：{error}"),
                    )
                }
            })?;
        let status = response.status().as_u16();
        let bytes = self.body(action, response).await?;
        api::decode(action, status, &bytes).map_err(|fault| self.at(fault))
    }

    /// The body, read chunk by chunk and given up past [`MAX_BODY_BYTES`]: an answer that big
    /// is not one OMS gives, and reading it whole could take the memory of the machine.
    async fn body(
        &self,
        action: &'static str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Fault> {
        // A cut body is not the API's answer: nothing in it, not even `success`, is believed.
        let too_large = || {
            self.at(Fault {
                kind: FaultKind::Unusable,
                reason: text!(
                    "{action}: the answer is larger than {} MiB, more than any OMS answer (not read further)",
                    "{action}：应答大于 {} MiB，超过任何 OMS 应答的大小（不再继续读取）",
                    MAX_BODY_BYTES >> 20
                ),
            })
        };
        if response
            .content_length()
            .is_some_and(|length| length > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let transport = |kind, reason: Text| Fault {
            kind,
            reason: text!("{action}: {reason}", "{action}：{reason}"; reason = reason),
        };
        let (base, seconds) = (&self.base, self.timeout.as_secs_f64());
        let mut bytes = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|error| {
                if error.is_timeout() {
                    transport(
                        FaultKind::Transient,
                        text!(
                            "{base} sent no complete body within {seconds}s",
                            "{base} 在 {seconds} 秒内没有发来完整的响应体"
                        ),
                    )
                } else {
                    let error = error_chain(&error);
                    transport(
                        FaultKind::Unusable,
                        text!(
                            "the response body from {base} ends early (truncated): {error}",
                            "来自 {base} 的响应体提前结束（被截断）：{error}"
                        ),
                    )
                }
            })?;
            match chunk {
                None => return Ok(bytes),
                Some(chunk) if bytes.len() + chunk.len() > MAX_BODY_BYTES => {
                    return Err(too_large());
                }
                Some(chunk) => bytes.extend_from_slice(&chunk),
            }
        }
    }

    /// `fault`, naming this OMS.
    fn at(&self, mut fault: Fault) -> Fault {
        let base = &self.base;
        fault.reason =
            text!("{reason} at {base}", "{reason}（OMS 地址 {base}）"; reason = fault.reason);
        fault
    }

    /// Every item of a list action, page by page, each id once. A list OMS does not let us read
    /// to its end (a page of only ids already seen while it reports more, or more than
    /// [`MAX_PAGES`] pages) is a fault: a part of a list could hide the project that matters.
    pub async fn list<T: DeserializeOwned + api::Listed>(
        &self,
        action: &'static str,
    ) -> Result<Vec<T>, Fault> {
        let mut items = Vec::new();
        let mut seen = BTreeSet::new();
        let mut last_total = None;
        let unreadable = |reason: Text| {
            self.at(Fault {
                kind: FaultKind::Malformed,
                reason: text!(
                    "{action}{reason}: the list cannot be read whole",
                    "{action}{reason}：无法完整读取该列表";
                    reason = reason
                ),
            })
        };
        let reported = |total: Option<u64>| {
            total.map_or(text!("no totalCount", "没有 totalCount"), |total| {
                Text::same(format!("totalCount {total}"))
            })
        };
        for page in 1..=MAX_PAGES {
            let envelope: Envelope<Vec<T>> = self
                .call(action, &json!({"pageNumber": page, "pageSize": PAGE_SIZE}))
                .await?;
            let (data, total) =
                api::page(action, page, envelope).map_err(|fault| self.at(fault))?;
            let before = items.len();
            last_total = total;
            items.extend(
                data.into_iter()
                    .filter(|item| seen.insert(item.id().to_string())),
            );
            match next_page(before, items.len(), total) {
                Paging::Next => {}
                Paging::Done => return Ok(items),
                Paging::EndedShort => {
                    let what = if action == "ListProjects" {
                        text!("projects", "项目")
                    } else {
                        text!("data sources", "数据源")
                    };
                    let so_far = items.len();
                    return Err(unreadable(text!(
                        " (page {page}): a page of only {what} already listed, or none ({so_far} so far, {reported})",
                        "（第 {page} 页）：该页只有已列出的{what}，或为空（目前 {so_far} 个，{reported}）";
                        what = what,
                        reported = reported(total)
                    )));
                }
            }
        }
        let listed = items.len();
        Err(unreadable(text!(
            ": more than {MAX_PAGES} pages of {PAGE_SIZE} and still not the last ({listed} listed, {reported}), \
             past this tool's bound; not read whole",
            "：超过 {MAX_PAGES} 页（每页 {PAGE_SIZE} 个）仍未到最后一页（已列出 {listed} 个，{reported}），超出本工具的上限；未完整读取";
            reported = reported(last_total)
        )))
    }
}

/// What a list action's page says about the next one.
#[derive(Debug, PartialEq, Eq)]
enum Paging {
    Next,
    Done,
    /// The list stopped adding items before the `totalCount` it reports.
    EndedShort,
}

/// Whether to read another page, after one that took the items read from `before` to `now`.
/// A short page alone never ends a list: a server may cap `pageSize` below what was asked
/// (the API reference documents 150 only for ListProjects). The list is whole when it holds
/// the `totalCount` OMS reports, or, when OMS reports none, at the first page adding nothing
/// new (empty, or only items already listed).
fn next_page(before: usize, now: usize, total: Option<u64>) -> Paging {
    match total {
        Some(total) if now as u64 >= total => Paging::Done,
        Some(_) if now == before => Paging::EndedShort,
        None if now == before => Paging::Done,
        _ => Paging::Next,
    }
}

/// Looks host names up for comparing data sources with the plan's tenants: each distinct name
/// once per run (concurrent askers share the answer), each lookup bounded by the run's timeout,
/// at most [`MAX_HOST_NAMES`] names.
struct Resolver {
    timeout: Duration,
    looked_up: Mutex<BTreeMap<String, Arc<OnceCell<Lookup>>>>,
}

impl Resolver {
    fn new(timeout: Duration) -> Resolver {
        Resolver {
            timeout,
            looked_up: Mutex::new(BTreeMap::new()),
        }
    }

    /// The addresses of `names` (as [`api::host_key`] writes them), all looked up at once.
    async fn resolve(&self, names: BTreeSet<String>) -> Addresses {
        let cells: Vec<(String, Option<Arc<OnceCell<_>>>)> = {
            let mut looked_up = self.looked_up.lock().expect("never poisoned");
            names
                .into_iter()
                .map(|name| {
                    let full = looked_up.len() >= MAX_HOST_NAMES && !looked_up.contains_key(&name);
                    let cell = (!full).then(|| looked_up.entry(name.clone()).or_default().clone());
                    (name, cell)
                })
                .collect()
        };
        let timeout = self.timeout;
        let mut lookups = tokio::task::JoinSet::new();
        for (name, cell) in cells {
            lookups.spawn(async move {
                let addresses = match cell {
                    Some(cell) => cell.get_or_init(|| lookup(&name, timeout)).await.clone(),
                    None => Err(text!(
                        "{name} was not looked up: more than {MAX_HOST_NAMES} host names to resolve",
                        "未解析 {name}：要解析的主机名超过 {MAX_HOST_NAMES} 个"
                    )),
                };
                (name, addresses)
            });
        }
        let mut addresses = Addresses::new();
        while let Some(joined) = lookups.join_next().await {
            if let Ok((name, result)) = joined {
                addresses.insert(name, result);
            }
        }
        addresses
    }
}

async fn lookup(name: &str, timeout: Duration) -> Lookup {
    match tokio::time::timeout(timeout, tokio::net::lookup_host((name, 0))).await {
        Ok(Ok(found)) => {
            let addresses: Vec<IpAddr> = found.map(|address| address.ip()).collect();
            if addresses.is_empty() {
                Err(text!(
                    "host name {name} resolves to no address here",
                    "主机名 {name} 在本机解析不到任何地址"
                ))
            } else {
                Ok(addresses)
            }
        }
        Ok(Err(error)) => Err(text!(
            "host name {name} does not resolve here: {error}",
            "主机名 {name} 在本机无法解析：{error}"
        )),
        Err(_) => {
            let seconds = timeout.as_secs_f64();
            Err(text!(
                "host name {name}: no answer from the resolver within {seconds}s",
                "主机名 {name}：域名解析在 {seconds} 秒内没有应答"
            ))
        }
    }
}

/// The error with its causes: reqwest's own message alone says little ("error sending request").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Collects OMS facts for `plan`, within [`bound`] of `timeout`. Never fails: what could not be
/// read is unavailable, with why.
pub async fn collect(
    plan: &Plan,
    oms: &OmsPlan,
    ca: Option<&[u8]>,
    password: Secret,
    timeout: Duration,
) -> OmsFacts {
    let limit = bound(timeout);
    let deadline = Instant::now() + limit;
    let collected = tokio::time::timeout_at(
        deadline,
        collect_unbounded(plan, oms, ca, password, timeout),
    )
    .await;
    crate::progress::done(
        crate::progress::Endpoint::Oms,
        matches!(&collected, Ok(facts) if matches!(facts.access, Access::Granted)),
    );
    let facts = match collected {
        Ok(facts) => facts,
        Err(_) => failed(
            &oms.url,
            Fault {
                kind: FaultKind::Transient,
                reason: text!(
                    "OMS at {} did not give every answer within {:.1}s, the bound of a run's OMS \
                     calls at --timeout {}s",
                    "{} 上的 OMS 没有在 {:.1} 秒内给出全部应答，这是 --timeout {}s 时一次运行调用 OMS 的上限",
                    oms.url,
                    limit.as_secs_f64(),
                    timeout.as_secs_f64()
                ),
            },
        ),
    };
    OmsFacts {
        collected_at: Some(crate::plan::date::unix_now()),
        ..facts
    }
}

/// [`collect`] without the run's bound; each call has its own timeout.
async fn collect_unbounded(
    plan: &Plan,
    oms: &OmsPlan,
    ca: Option<&[u8]>,
    password: Secret,
    timeout: Duration,
) -> OmsFacts {
    if let Some(declared) = oms.version.as_deref()
        && let number = crate::version::number(declared)
        && !number.is_empty()
        && crate::version::compare(number, ACTION_API_SINCE).is_lt()
    {
        // Nothing is sent: what an older OMS would answer is not documented, and a guess at it
        // could pass.
        return failed(
            &oms.url,
            Fault {
                kind: FaultKind::Unusable,
                reason: text!(
                    "nothing asked of OMS at {}: [oms] version declares OMS {declared}, which documents no Action API (POST \
                     /api/v2?Action=..., documented from OMS CE {ACTION_API_SINCE}; 3.3.x–4.1.0 \
                     document only /api/omsp/... progress endpoints): the OMS facts are \
                     unavailable; upgrade OMS, or check the pair in the OMS console",
                    "没有询问 {} 上的 OMS：[oms] version 声明 OMS 为 {declared}，其文档中没有 Action API（POST \
                     /api/v2?Action=...，OMS CE {ACTION_API_SINCE} 起才有文档；3.3.x–4.1.0 只记载了 \
                     /api/omsp/... 进度接口）：OMS 事实不可用；请升级 OMS，或在 OMS 控制台中检查这一对租户",
                    oms.url
                ),
            },
        );
    }
    let client = match Client::new(oms, ca, password, timeout) {
        Ok(client) => Arc::new(client),
        Err(reason) => {
            return failed(
                &oms.url,
                Fault {
                    kind: FaultKind::Unusable,
                    reason,
                },
            );
        }
    };
    let tenants: Vec<(Tenant, &str, u16)> = Tenant::BOTH
        .iter()
        .map(|tenant| {
            let planned = plan.tenant(*tenant);
            (*tenant, planned.host.as_str(), planned.port)
        })
        .collect();
    let mut endpoints = PlanEndpoints::new(&tenants);
    let resolver = Arc::new(Resolver::new(timeout));
    let sources = match client.list::<api::DataSourceDto>("ListDataSource").await {
        Ok(items) => {
            let names = endpoints
                .names_to_resolve(items.iter().map(|item| (item.ip.as_deref(), item.port)));
            endpoints.addresses = resolver.resolve(names).await;
            api::data_sources(items, &endpoints)
        }
        Err(fault) => return failed(&oms.url, fault),
    };
    let items = match client.list::<ProjectItemDto>("ListProjects").await {
        Ok(items) => items,
        Err(fault) => {
            let reason = fault.reason.clone();
            return OmsFacts {
                url: oms.url.clone(),
                access: access(&fault),
                data_sources: Fact::Observed(sources),
                forward: Fact::unavailable(reason.clone()),
                reverse: Fact::unavailable(reason.clone()),
                others: Fact::unavailable(reason),
                collected_at: None,
            };
        }
    };

    let named = |name: &str| {
        items
            .iter()
            .find(|item| item.id == name || item.name == name)
            .map(|item| item.id.clone())
    };
    let forward_id = named(&plan.forward.project);
    // A single-project pair's reverse link is a step of the forward project, not a project.
    let reverse_id = match plan.topology {
        Topology::TwoProjects => named(&plan.reverse.project),
        Topology::SingleProject => None,
    };
    // Only live projects that may read or write the pair are described: a project between two
    // other data sources cannot conflict with it, and OMS may hold thousands.
    let live_others: Vec<String> = items
        .iter()
        .filter(|item| {
            Some(&item.id) != forward_id.as_ref() && Some(&item.id) != reverse_id.as_ref()
        })
        .filter(|item| {
            !item
                .status
                .as_deref()
                .is_some_and(crate::facts::oms::has_ended)
        })
        .filter(|item| item.reach(&sources) != api::Reach::Elsewhere)
        .map(|item| item.id.clone())
        .collect();
    let too_many_others = (live_others.len() > MAX_DESCRIBED).then(|| {
        text!(
            "{} live projects in OMS at {} may touch the pair (their list items do not show \
             otherwise); describing more than {MAX_DESCRIBED} is past this tool's bound",
            "{} 个运行中的项目（OMS 地址 {}）可能涉及这一对租户（列表项看不出并非如此）；\
             查询超过 {MAX_DESCRIBED} 个项目的详情超出本工具的上限",
            live_others.len(),
            oms.url
        )
    });
    let live_others = if too_many_others.is_some() {
        Vec::new()
    } else {
        live_others
    };

    let sources = Arc::new(sources);
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let endpoints = Arc::new(endpoints);
    let describe = |id: String, details: Details| {
        let described = Describe {
            client: client.clone(),
            sources: sources.clone(),
            endpoints: endpoints.clone(),
            resolver: resolver.clone(),
            limit: limit.clone(),
        };
        tokio::spawn(async move { described.project(&id, details).await })
    };
    let forward = forward_id.map(|id| describe(id, Details::StepsAndProgress));
    let reverse = reverse_id.map(|id| describe(id, Details::StepsAndProgress));
    let others: Vec<_> = live_others
        .into_iter()
        .map(|id| describe(id, Details::None))
        .collect();

    let forward = planned(forward).await;
    let reverse = planned(reverse).await;
    let mut other_projects = Vec::new();
    let mut other_faults = Vec::new();
    for task in others {
        match joined(task.await) {
            Ok(project) => other_projects.push(project),
            Err(fault) => other_faults.push(fault.reason),
        }
    }
    let others = if let Some(reason) = too_many_others {
        Fact::unavailable(reason)
    } else if other_faults.is_empty() {
        // Only projects that read or write the pair matter, or may: an endpoint that could not
        // be compared with the tenants is kept, for the rules to say so.
        other_projects.retain(|project| {
            project.source.is_some()
                || project.sink.is_some()
                || project.source_unresolved.is_some()
                || project.sink_unresolved.is_some()
        });
        other_projects.sort_by(|l, r| l.name.cmp(&r.name).then(l.id.cmp(&r.id)));
        Fact::Observed(other_projects)
    } else {
        Fact::unavailable(Text::join(&other_faults, "; ", "；"))
    };
    OmsFacts {
        url: oms.url.clone(),
        access: Access::Granted,
        data_sources: Fact::Observed(
            Arc::try_unwrap(sources).unwrap_or_else(|shared| (*shared).clone()),
        ),
        forward,
        reverse,
        others,
        collected_at: None,
    }
}

type Described = tokio::task::JoinHandle<Result<Project, Fault>>;

fn joined(
    result: Result<Result<Project, Fault>, tokio::task::JoinError>,
) -> Result<Project, Fault> {
    result.unwrap_or_else(|error| {
        Err(Fault {
            kind: FaultKind::Unusable,
            reason: text!("internal: {error}", "内部错误：{error}"),
        })
    })
}

/// A planned project: absent when OMS does not list it, unavailable when it could not be read.
async fn planned(task: Option<Described>) -> Fact<Option<Project>> {
    match task {
        None => Fact::Observed(None),
        Some(task) => match joined(task.await) {
            Ok(project) => Fact::Observed(Some(project)),
            Err(fault) => Fact::unavailable(fault.reason),
        },
    }
}

/// What is read of a described project besides DescribeProject: the planned projects' steps
/// and progress, nothing more for the others.
#[derive(Clone, Copy)]
enum Details {
    None,
    StepsAndProgress,
}

/// What describing one project needs, shared by the concurrent describe tasks.
struct Describe {
    client: Arc<Client>,
    sources: Arc<Vec<DataSource>>,
    endpoints: Arc<PlanEndpoints>,
    resolver: Arc<Resolver>,
    limit: Arc<Semaphore>,
}

impl Describe {
    async fn project(&self, id: &str, details: Details) -> Result<Project, Fault> {
        let client = &self.client;
        let request = json!({ "id": id });
        let envelope = {
            let _permit = self.limit.acquire().await.expect("never closed");
            client
                .call::<api::DescribedDto>("DescribeProject", &request)
                .await?
        };
        let dto = envelope
            .data
            .ok_or_else(|| client.at(api::no_data("DescribeProject", Text::same(id))))?
            .single()
            .map_err(|what| {
                client.at(Fault {
                    kind: FaultKind::Malformed,
                    reason: text!(
                        "DescribeProject ({id}): {what}",
                        "DescribeProject（{id}）：{what}";
                        what = what
                    ),
                })
            })?;
        // An endpoint shown only by host and port may need a lookup of its own.
        let names = self
            .endpoints
            .names_to_resolve(dto.endpoint_hosts(&self.sources));
        let mut endpoints = (*self.endpoints).clone();
        endpoints
            .addresses
            .extend(self.resolver.resolve(names).await);
        let mut project = api::project(dto, &self.sources, &endpoints);
        if project.id.is_empty() {
            project.id = id.to_string();
        }
        if matches!(details, Details::StepsAndProgress) {
            // The planned projects' details are independent: asked side by side.
            let (steps, progress, components, verification) = tokio::join!(
                self.read::<Vec<api::StepDto>>("DescribeProjectSteps", &request, id),
                self.read::<api::ProgressDto>("DescribeProjectProgress", &request, id),
                self.read::<api::ComponentsDto>("DescribeProjectComponents", &request, id),
                self.verification(id),
            );
            project.steps = match steps {
                Ok(steps) => Fact::Observed(api::steps(steps)),
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.progress = match progress {
                Ok(progress) => {
                    project.schema_progress = progress.struct_transfer_progress;
                    Fact::Observed(progress.progress())
                }
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.components = match components {
                Ok(components) => Fact::Observed(components.components()),
                Err(fault) => Fact::unavailable(fault.reason),
            };
            project.verification = match verification {
                Ok(tables) => Fact::Observed(tables),
                Err(fault) => Fact::unavailable(fault.reason),
            };
        }
        Ok(project)
    }

    /// The data of one read action about project `id`; an answer without data is malformed.
    async fn read<T: DeserializeOwned>(
        &self,
        action: &'static str,
        request: &Value,
        id: &str,
    ) -> Result<T, Fault> {
        let _permit = self.limit.acquire().await.expect("never closed");
        let envelope = self.client.call::<T>(action, request).await?;
        envelope
            .data
            .ok_or_else(|| self.client.at(api::no_data(action, Text::same(id))))
    }

    /// Every verified table of project `id`, page by page, as [`next_page`] reads a list;
    /// more than [`MAX_PAGES`] pages is unavailable, never a shorter list.
    async fn verification(&self, id: &str) -> Result<Vec<VerifiedTable>, Fault> {
        let mut tables: Vec<VerifiedTable> = Vec::new();
        let mut seen = BTreeSet::new();
        for page in 1..=MAX_PAGES {
            let request = json!({"projectId": id, "pageNumber": page, "pageSize": PAGE_SIZE});
            let envelope = {
                let _permit = self.limit.acquire().await.expect("never closed");
                self.client
                    .call::<api::VerifyResultDto>("ListProjectFullVerifyResult", &request)
                    .await?
            };
            let total = envelope.total_count;
            let data = envelope.data.ok_or_else(|| {
                self.client
                    .at(api::no_data("ListProjectFullVerifyResult", Text::same(id)))
            })?;
            let before = tables.len();
            tables.extend(
                data.tables()
                    .into_iter()
                    .filter(|table| seen.insert((table.source.clone(), table.target.clone()))),
            );
            match next_page(before, tables.len(), total) {
                Paging::Next => {}
                Paging::Done => return Ok(tables),
                Paging::EndedShort => {
                    return Err(self.client.at(Fault {
                        kind: FaultKind::Malformed,
                        reason: text!(
                            "ListProjectFullVerifyResult ({id}, page {page}): a page of only tables already listed, or none ({} so far, totalCount {}): the list cannot be read whole",
                            "ListProjectFullVerifyResult（{id}，第 {page} 页）：该页只有已列出的表，或为空（目前 {} 张，totalCount {}）：无法完整读取该列表",
                            tables.len(),
                            total.unwrap_or_default()
                        ),
                    }));
                }
            }
        }
        Err(self.client.at(Fault {
            kind: FaultKind::Malformed,
            reason: text!(
                "ListProjectFullVerifyResult ({id}): more than {MAX_PAGES} pages of {PAGE_SIZE} tables, past this tool's bound; not read whole",
                "ListProjectFullVerifyResult（{id}）：超过 {MAX_PAGES} 页（每页 {PAGE_SIZE} 张表），超出本工具的上限；未完整读取"
            ),
        }))
    }
}

fn access(fault: &Fault) -> Access {
    match fault.kind {
        FaultKind::Refused => Access::Refused {
            reason: fault.reason.clone(),
        },
        FaultKind::Transient | FaultKind::Unusable => Access::Unavailable {
            reason: fault.reason.clone(),
        },
        // OMS let us in; the facts the answer should have carried are what is unavailable.
        FaultKind::Malformed => Access::Granted,
    }
}

/// OMS facts when nothing could be read.
fn failed(url: &str, fault: Fault) -> OmsFacts {
    OmsFacts {
        url: url.to_string(),
        access: access(&fault),
        data_sources: Fact::unavailable(fault.reason.clone()),
        forward: Fact::unavailable(fault.reason.clone()),
        reverse: Fact::unavailable(fault.reason.clone()),
        others: Fact::unavailable(fault.reason),
        collected_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Paging, next_page};

    #[test]
    fn a_short_page_alone_never_ends_a_list() {
        // A server capping pageSize at 10 while 25 exist: the short first page is not the end.
        assert_eq!(next_page(0, 10, Some(25)), Paging::Next);
        assert_eq!(next_page(20, 25, Some(25)), Paging::Done);
        assert_eq!(next_page(0, 10, None), Paging::Next);
        // No totalCount: a page adding nothing new (empty, or repeats) is the end.
        assert_eq!(next_page(10, 10, None), Paging::Done);
        // totalCount not reached and nothing new: the list cannot be read whole.
        assert_eq!(next_page(10, 10, Some(25)), Paging::EndedShort);
        assert_eq!(next_page(0, 0, Some(0)), Paging::Done);
    }
}
