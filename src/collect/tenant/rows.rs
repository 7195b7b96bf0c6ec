//! The row probe: which in-scope target tables hold a row, `LIMIT 1` a table in batches.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::facts::{CatalogSource, Fact};
use crate::i18n::Text;
use crate::plan::{LinkPlan, TenantPlan};
use crate::text;

use super::*;

/// Which in-scope tables hold rows: asked of the forward link's target only, about the tables
/// the link covers, and where the list of tables probed came from. The inner tables' list
/// (`existing`) is probed when there is one: information_schema lists only the tables the
/// user holds a privilege on, and a table it cannot list is not thereby empty.
pub(super) async fn probed_rows(
    fetcher: &Fetcher<'_>,
    plan: &TenantPlan,
    probe_rows_of: Option<&LinkPlan>,
    tables: &Fact<Tables>,
    existing: Option<Vec<(String, String)>>,
) -> (Fact<BTreeSet<String>>, Option<CatalogSource>) {
    let Some(link) = probe_rows_of else {
        let tenant = plan.tenant;
        let why = text!(
            "rows are probed on the forward link's target at the forward stage only, not on tenant {tenant}",
            "只在 forward 阶段探测正向链路目标端的数据行，不在租户 {tenant} 上探测"
        );
        return (Fact::unavailable(why), None);
    };
    let (candidates, source) = match (existing, tables) {
        (Some(existing), _) => (existing, CatalogSource::InnerTables),
        (None, Fact::Unavailable { reason }) => return (Fact::unavailable(reason.clone()), None),
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
    let covered: Vec<(String, String)> = candidates
        .into_iter()
        .filter(|(database, table)| link.covers(database, table))
        .collect();
    (probe_rows(fetcher, &covered).await, Some(source))
}

/// Which of `tables` hold rows, in statements of [`queries::ROW_PROBE_BATCH`] tables each,
/// [`CONNECTIONS`] statements at a time on the pool's connections. Unlike the metadata queries,
/// the probe grows with the number of target tables that already exist: one statement per
/// batch. The first batch (in order) that fails makes the whole probe unavailable with its
/// error, which names the table (ERROR 1142 for a table the user cannot read): a table that
/// could not be probed is never taken for empty.
pub(super) async fn probe_rows(
    fetcher: &Fetcher<'_>,
    tables: &[(String, String)],
) -> Fact<BTreeSet<String>> {
    let batches: Vec<&[(String, String)]> = tables.chunks(queries::ROW_PROBE_BATCH).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    // Takes batches in order until none is left or one has failed; a failure comes back with
    // its batch's index, so that the earliest is reported whichever worker met it.
    let worker = || async {
        let mut present = BTreeSet::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(index) else {
                break;
            };
            let found = match fetcher.fixed(&queries::row_probe(batch)).await {
                Ok(rows) => queries::rows_present(&rows, batch).map_err(Text::from),
                Err(reason) => Err(reason),
            };
            match found {
                Ok(found) => present.extend(found),
                Err(reason) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err((index, reason));
                }
            }
        }
        Ok(present)
    };
    const _: () = assert!(CONNECTIONS == 4, "one probe worker per connection");
    let (w1, w2, w3, w4) = tokio::join!(worker(), worker(), worker(), worker());
    let mut present = BTreeSet::new();
    let mut first_failure: Option<(usize, Text)> = None;
    for outcome in [w1, w2, w3, w4] {
        match outcome {
            Ok(found) => present.extend(found),
            Err((index, reason)) => {
                if first_failure
                    .as_ref()
                    .is_none_or(|(first, _)| index < *first)
                {
                    first_failure = Some((index, reason));
                }
            }
        }
    }
    match first_failure {
        Some((_, reason)) => Fact::unavailable(reason),
        None => Fact::Observed(present),
    }
}
