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
mod client;
mod describe;
pub mod lenient;
mod resolver;

pub use client::Client;
use client::{Paging, next_page};
use describe::{Describe, Details, joined, planned};
use resolver::Resolver;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio::sync::Semaphore;

use crate::facts::oms::{Access, OmsFacts};
use crate::facts::{Fact, Tenant};
use crate::i18n::Text;
use crate::plan::{OmsPlan, Plan, Secret, Topology};
use crate::text;
use api::{Fault, FaultKind, PlanEndpoints, ProjectItemDto};

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
        && crate::version::declared_before(declared, ACTION_API_SINCE)
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
    let facts = with_client(plan, oms, &client, timeout).await;
    // Whatever OMS answered, even a refusal, carries its clock.
    OmsFacts {
        clock: client.clock(),
        ..facts
    }
}

/// [`collect_unbounded`] once the client is set up.
async fn with_client(
    plan: &Plan,
    oms: &OmsPlan,
    client: &Arc<Client>,
    timeout: Duration,
) -> OmsFacts {
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
                clock: client.clock(),
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
        clock: client.clock(),
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
        others: Fact::unavailable(fault.reason.clone()),
        collected_at: None,
        clock: Fact::unavailable(fault.reason),
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
