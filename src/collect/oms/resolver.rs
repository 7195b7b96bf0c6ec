//! Host names looked up once per run, for comparing data sources with the plan's tenants.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::text;
use api::{Addresses, Lookup};

use super::*;

/// Looks host names up for comparing data sources with the plan's tenants: each distinct name
/// once per run (concurrent askers share the answer), each lookup bounded by the run's timeout,
/// at most [`MAX_HOST_NAMES`] names.
pub(super) struct Resolver {
    timeout: Duration,
    looked_up: Mutex<BTreeMap<String, Arc<OnceCell<Lookup>>>>,
}

impl Resolver {
    pub(super) fn new(timeout: Duration) -> Resolver {
        Resolver {
            timeout,
            looked_up: Mutex::new(BTreeMap::new()),
        }
    }

    /// The addresses of `names` (as [`api::host_key`] writes them), all looked up at once.
    pub(super) async fn resolve(&self, names: BTreeSet<String>) -> Addresses {
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

pub(super) async fn lookup(name: &str, timeout: Duration) -> Lookup {
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
