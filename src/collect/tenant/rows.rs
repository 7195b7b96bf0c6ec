//! Which in-scope target tables hold a row: those the tablet manager does not prove empty
//! ([`tablets`]) are probed, `LIMIT 1` a table in batches, until enough are found.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::facts::{CatalogSource, Emptiness, Fact};
use crate::i18n::Text;
use crate::plan::{LinkPlan, TenantPlan};
use crate::text;

use super::*;

/// What the row collection gives: the tables with rows (the first [`Emptiness::LISTED`] found),
/// where the list of tables came from, and how the verdict was reached.
pub(super) struct Probed {
    pub rows: Fact<BTreeSet<String>>,
    pub from: Option<CatalogSource>,
    pub emptiness: Option<Emptiness>,
}

/// Which in-scope tables hold rows: asked of the forward link's target only, about the tables
/// the link covers, and where the list of tables probed came from. The inner tables' list
/// (`existing`) is probed when there is one: information_schema lists only the tables the
/// user holds a privilege on, and a table it cannot list is not thereby empty. The tablet
/// manager decides first ([`tablets`]): the tables it proves empty are not probed.
pub(super) async fn probed_rows(
    fetcher: &Fetcher<'_>,
    plan: &TenantPlan,
    probe_rows_of: Option<&LinkPlan>,
    tables: &Fact<Tables>,
    existing: Option<Vec<(String, String)>>,
    proven_empty: tokio::sync::oneshot::Receiver<ProvenEmpty>,
) -> Probed {
    let Some(link) = probe_rows_of else {
        let tenant = plan.tenant;
        let why = text!(
            "rows are probed on the forward link's target at the forward stage only, not on tenant {tenant}",
            "只在 forward 阶段探测正向链路目标端的数据行，不在租户 {tenant} 上探测"
        );
        return Probed {
            rows: Fact::unavailable(why),
            from: None,
            emptiness: None,
        };
    };
    let (candidates, source) = match (existing, tables) {
        (Some(existing), _) => (existing, CatalogSource::InnerTables),
        (None, Fact::Unavailable { reason }) => {
            return Probed {
                rows: Fact::unavailable(reason.clone()),
                from: None,
                emptiness: None,
            };
        }
        (None, Fact::Observed(tables)) => {
            let listed = tables
                .iter()
                .flat_map(|(database, tables)| {
                    tables
                        .keys()
                        .map(move |table| (database.clone(), table.clone()))
                })
                .collect();
            (listed, CatalogSource::InformationSchema)
        }
    };
    let mut covered: Vec<(String, String)> = candidates
        .into_iter()
        .filter(|(database, table)| link.covers(database, table))
        .collect();
    covered.sort();
    covered.dedup();
    let total = covered.len();
    let proven_empty = proven_empty
        .await
        .unwrap_or_else(|_| Err(text!("the tablet manager was not asked", "未查询表管理器")));
    let (undecided, dictionary_unavailable) = match proven_empty {
        Ok(empty) => (
            covered
                .into_iter()
                .filter(|key| !empty.contains(key))
                .collect(),
            None,
        ),
        Err(reason) => (covered, Some(reason)),
    };
    let decided_by_dictionary = total - undecided.len();
    let probe = probe_rows(fetcher, &undecided, Emptiness::LISTED).await;
    let emptiness = Emptiness {
        tables: total,
        decided_by_dictionary,
        probed: probe.probed,
        non_empty: probe.found.as_ref().map_or(0, |found| found.len()),
        not_probed: undecided.len() - probe.probed,
        dictionary_unavailable,
    };
    let rows = match probe.found {
        Ok(found) => {
            // In name order (the order probed): the first LISTED.
            let listed = found
                .into_iter()
                .take(Emptiness::LISTED)
                .map(|(database, table)| format!("{database}.{table}"))
                .collect();
            Fact::Observed(listed)
        }
        Err(reason) => Fact::unavailable(reason),
    };
    Probed {
        rows,
        from: Some(source),
        emptiness: Some(emptiness),
    }
}

/// The in-scope tables (`db`, `table`) the tablet manager proves empty, or why it cannot say.
pub(super) type ProvenEmpty = Result<BTreeSet<(String, String)>, Text>;

/// Which tables of `link` the tablet manager proves empty, or why it cannot say: the kernel's
/// layout unknown, a statement refused or failed. Needs the kernel's identity only, so it runs
/// beside the catalog rather than after it: the tablet manager walks every tablet of the
/// tenant, loading those not in memory (about 1 ms a tablet on a cold kernel), and is the
/// longest statement of the forward stage. The tablet manager is not asked when the link
/// covers no table the target has (there is nothing to decide), nor when the tenant has so
/// many more tablets than tables to decide that probing them costs less
/// ([`tablets::worth_walking`]).
pub(super) async fn proven_empty(
    fetcher: &Fetcher<'_>,
    layout: &Dictionary,
    link: &LinkPlan,
) -> ProvenEmpty {
    let layout = layout.as_ref().map_err(Text::clone)?;
    let (listed, tenant_tablets) = tokio::join!(
        fetcher.dictionary_scoped(layout, tablets::TABLETS),
        fetcher.dictionary(layout, tablets::TENANT_TABLETS)
    );
    let mut tables = tablets::table_tablets(&listed?).map_err(Text::from)?;
    tables.retain(|(database, table), _| link.covers(database, table));
    if tables.is_empty() {
        return Ok(BTreeSet::new());
    }
    let tenant_tablets = tablets::tenant_tablets(&tenant_tablets?).map_err(Text::from)?;
    if !tablets::worth_walking(tenant_tablets, tables.len()) {
        let count = tables.len();
        return Err(text!(
            "the tenant has {tenant_tablets} tablets, which a cold kernel loads one by one to list them: probing the {count} tables costs less",
            "租户有 {tenant_tablets} 个 tablet，冷启动的内核要逐个加载才能列出：直接探测这 {count} 张表代价更小"
        ));
    }
    let manager = fetcher.dictionary(layout, tablets::TABLET_MANAGER).await?;
    let empty = tablets::empty_tablets(&manager, layout).map_err(Text::from)?;
    Ok(tablets::proven_empty(&tables, &empty))
}

/// What [`probe_rows`] found, and over how many tables.
pub(super) struct Probe {
    /// The tables with rows, in the order of the tables given; or the first failure.
    pub found: Result<Vec<(String, String)>, Text>,
    /// The tables in the batches that ran.
    pub probed: usize,
}

/// Which of `tables` hold rows, in statements of [`queries::ROW_PROBE_BATCH`] tables each,
/// [`CONNECTIONS`] statements at a time on the pool's connections, taken in order; no new
/// batch starts once `enough` tables with rows are found (the batches under way finish, so the
/// batches that ran are the first ones, and the first `enough` tables with rows among `tables`
/// are all found). Unlike the metadata queries, the probe grows with the number of tables it is
/// given: one statement per batch. The first batch (in order) that fails makes the whole probe
/// unavailable with its error, which names the table (ERROR 1142 for a table the user cannot
/// read): a table that could not be probed is never taken for empty.
pub(super) async fn probe_rows(
    fetcher: &Fetcher<'_>,
    tables: &[(String, String)],
    enough: usize,
) -> Probe {
    let batches: Vec<&[(String, String)]> = tables.chunks(queries::ROW_PROBE_BATCH).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let found_so_far = AtomicUsize::new(0);
    // Takes batches in order until none is left, one has failed or enough rows are found; a
    // failure comes back with its batch's index, so that the earliest is reported whichever
    // worker met it.
    let worker = || async {
        let mut done: Vec<(usize, BTreeSet<String>)> = Vec::new();
        while !failed.load(Ordering::Relaxed) && found_so_far.load(Ordering::Relaxed) < enough {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(index) else {
                break;
            };
            let found = match fetcher.fixed(&queries::row_probe(batch)).await {
                Ok(rows) => queries::rows_present(&rows, batch).map_err(Text::from),
                Err(reason) => Err(reason),
            };
            match found {
                Ok(found) => {
                    found_so_far.fetch_add(found.len(), Ordering::Relaxed);
                    done.push((index, found));
                }
                Err(reason) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err((index, reason));
                }
            }
        }
        Ok(done)
    };
    const _: () = assert!(CONNECTIONS == 4, "one probe worker per connection");
    let (w1, w2, w3, w4) = tokio::join!(worker(), worker(), worker(), worker());
    let mut present = BTreeSet::new();
    let mut ran = BTreeSet::new();
    let mut first_failure: Option<(usize, Text)> = None;
    for outcome in [w1, w2, w3, w4] {
        match outcome {
            Ok(done) => {
                for (index, found) in done {
                    ran.insert(index);
                    present.extend(found);
                }
            }
            Err((index, reason)) => {
                ran.insert(index);
                if first_failure
                    .as_ref()
                    .is_none_or(|(first, _)| index < *first)
                {
                    first_failure = Some((index, reason));
                }
            }
        }
    }
    let probed = ran.iter().map(|index| batches[*index].len()).sum();
    let found = match first_failure {
        Some((_, reason)) => Err(reason),
        None => Ok(tables
            .iter()
            .filter(|(database, table)| present.contains(&format!("{database}.{table}")))
            .cloned()
            .collect()),
    };
    Probe { found, probed }
}
