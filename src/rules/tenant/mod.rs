//! `tenant`: the two tenants agree with each other and with what OMS supports.

pub mod auto_increment;
pub mod charset;
pub mod lower_case;
pub mod mode;
pub mod sql_mode;
pub mod time_zone;
pub mod version_pair;
pub mod version_supported;

use crate::facts::{Tenant, Variables};
use crate::rules::{Ctx, Finding, Missing, Side};

/// The global variables of A and of B, for rules that declare `Need::Variables`.
pub fn variables<'a>(cx: &Ctx<'a>) -> Result<(&'a Variables, &'a Variables), Missing> {
    Ok((
        cx.tenant(Tenant::A).variables()?,
        cx.tenant(Tenant::B).variables()?,
    ))
}

/// A finding when a tenant variable differs between A and B (`None`: not reported).
pub fn differs(name: &str, a: Option<&str>, b: Option<&str>) -> Option<Finding> {
    let normalize = |value: Option<&str>| value.map(|v| v.trim().to_ascii_lowercase());
    if normalize(a) == normalize(b) {
        return None;
    }
    let shown = |value: Option<&str>| value.unwrap_or("not reported").to_string();
    Some(Finding::new(
        Side::Pair,
        Some(name.to_string()),
        format!(
            "{name} is {} on tenant a but {} on tenant b",
            shown(a),
            shown(b)
        ),
    ))
}
