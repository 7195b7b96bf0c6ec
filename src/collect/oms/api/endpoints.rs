//! Which of the plan's tenants a data source or a connection is: hosts compared as written,
//! then by the addresses the collector looked up.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use crate::facts::Tenant;
use crate::facts::oms::Unresolved;
use crate::i18n::Text;
use crate::text;

/// A host name's addresses, or why it has none.
pub type Lookup = Result<Vec<IpAddr>, Text>;

/// What the collector learnt about host names, keyed by [`host_key`].
pub type Addresses = BTreeMap<String, Lookup>;

/// What a data source is compared with: the plan's tenants (host as written, port) and the
/// addresses the collector looked up for the host names involved. Resolution itself is I/O
/// and stays in the collector.
#[derive(Debug, Clone, Default)]
pub struct PlanEndpoints {
    pub tenants: Vec<(Tenant, String, u16)>,
    pub addresses: Addresses,
}

impl PlanEndpoints {
    pub fn new(tenants: &[(Tenant, &str, u16)]) -> PlanEndpoints {
        PlanEndpoints {
            tenants: tenants
                .iter()
                .map(|(tenant, host, port)| (*tenant, host.to_string(), *port))
                .collect(),
            addresses: Addresses::new(),
        }
    }

    /// The host names (never IP literals) whose addresses are needed to compare `hosts` with
    /// the plan's tenants: only where a host's port is a tenant's and the two hosts are
    /// written differently. Nothing else is worth a lookup.
    pub fn names_to_resolve<'h>(
        &self,
        hosts: impl IntoIterator<Item = (Option<&'h str>, Option<u16>)>,
    ) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for (host, port) in hosts {
            let Some(host) = host.filter(|host| !host.trim().is_empty()) else {
                continue;
            };
            for (_, planned, _) in self.same_port(port) {
                if host_key(host) == host_key(planned) {
                    continue;
                }
                for name in [host, planned.as_str()] {
                    if literal(name).is_none() {
                        names.insert(host_key(name));
                    }
                }
            }
        }
        names
    }

    fn same_port(&self, port: Option<u16>) -> impl Iterator<Item = &(Tenant, String, u16)> {
        self.tenants
            .iter()
            .filter(move |(_, _, planned)| port == Some(*planned))
    }

    /// `host`'s addresses: an IP literal is its own; a name's were looked up (or not).
    fn addresses_of(&self, host: &str) -> Lookup {
        if let Some(ip) = literal(host) {
            return Ok(vec![ip]);
        }
        self.addresses
            .get(&host_key(host))
            .cloned()
            .unwrap_or_else(|| Err(text!("{host} was not looked up", "未解析 {host}")))
    }

    /// The plan's tenant at `host`:`port`, compared as written and then by address; or, when
    /// a name did not resolve, the tenants it may be and why that is all we know.
    pub(super) fn endpoint(
        &self,
        label: &str,
        host: Option<&str>,
        port: Option<u16>,
    ) -> (Option<Tenant>, Option<Unresolved>) {
        let Some(host) = host.filter(|host| !host.trim().is_empty()) else {
            return (None, None);
        };
        let mut undecided: Vec<Tenant> = Vec::new();
        let mut reasons: Vec<Text> = Vec::new();
        for (tenant, planned, _) in self.same_port(port) {
            if host_key(host) == host_key(planned) {
                return (Some(*tenant), None);
            }
            match (self.addresses_of(host), self.addresses_of(planned)) {
                (Ok(theirs), Ok(ours)) => {
                    if theirs.iter().any(|ip| ours.contains(ip)) {
                        return (Some(*tenant), None);
                    }
                }
                (theirs, ours) => {
                    undecided.push(*tenant);
                    for reason in [theirs.err(), ours.err()].into_iter().flatten() {
                        if !reasons.contains(&reason) {
                            reasons.push(reason);
                        }
                    }
                }
            }
        }
        if undecided.is_empty() {
            return (None, None);
        }
        let port = port.map(|port| port.to_string()).unwrap_or_default();
        let unresolved = Unresolved {
            data_source: format!("{label} ({host}:{port})"),
            tenants: undecided,
            reason: Text::join(&reasons, "; ", "；"),
        };
        (None, Some(unresolved))
    }
}

/// A host as a lookup key: trimmed, without IPv6 brackets or a trailing dot, lower case.
pub fn host_key(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    host.trim_end_matches('.').to_ascii_lowercase()
}

fn literal(host: &str) -> Option<IpAddr> {
    host_key(host).parse().ok()
}
