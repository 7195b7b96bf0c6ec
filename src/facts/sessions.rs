//! Who else is logged in as the migration user: the tenant's process list, without this
//! check's own sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The migration user's sessions on a tenant (`information_schema.PROCESSLIST`, which shows a
/// user its own sessions whatever its privileges), by the address they come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sessions {
    /// Sessions by client address (the host part of `HOST`), this check's own left out.
    pub from: BTreeMap<String, u64>,
    /// The address this check's own session comes from, as the tenant sees it: the machine
    /// running the check, or a proxy between them.
    pub own_address: Option<String>,
    /// This check's own sessions that were left out (its connections, known by their ids).
    pub own: u64,
}

/// The address part of a process list `HOST` (`10.0.0.7:51234`, `[::1]:51234`, `::1:51234`
/// as some servers print it): the text before the last `:port`, without brackets.
pub fn client_address(host: &str) -> String {
    let host = host.trim();
    let address = match host.rsplit_once(':') {
        Some((address, port))
            if !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && !address.is_empty() =>
        {
            address
        }
        _ => host,
    };
    address
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string()
}

/// The address part of a component's `ip` as OMS writes it: a bare address, or with a port.
pub fn same_host(component: &str, address: &str) -> bool {
    let component = client_address(component);
    component.eq_ignore_ascii_case(address)
        || match (
            component.parse::<std::net::IpAddr>(),
            address.parse::<std::net::IpAddr>(),
        ) {
            (Ok(left), Ok(right)) => canonical(left) == canonical(right),
            _ => false,
        }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.7`) as the IPv4 address it is.
fn canonical(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_without_their_ports() {
        assert_eq!(client_address("127.0.0.2:40923"), "127.0.0.2");
        assert_eq!(client_address("[::1]:40923"), "::1");
        assert_eq!(client_address("10.0.0.7"), "10.0.0.7");
        assert!(same_host("10.0.0.7", "10.0.0.7"));
        assert!(same_host("10.0.0.7:8088", "10.0.0.7"));
        assert!(same_host("10.0.0.7", "::ffff:10.0.0.7"));
        assert!(!same_host("10.0.0.70", "10.0.0.7"));
    }
}
