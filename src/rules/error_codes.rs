//! OMS error codes. What a failed OMS step's error code usually means, for the help line of a finding: the
//! codes OMS documents (OMS CE error-code reference, FAQ) that an active-active pair meets.

/// The usual cause of `code` and what to check, when this tool knows the code.
pub fn advice(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    KNOWN
        .iter()
        .find(|(known, _)| code.starts_with(known))
        .map(|(_, advice)| *advice)
}

/// The code at the head of a step error as the collector writes it (`CODE: message`).
pub fn code_of(error: &str) -> Option<&str> {
    let head = error.split(':').next()?.trim();
    let looks_like_code = head.len() >= 6
        && head.contains('-')
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
    looks_like_code.then_some(head)
}

/// Help for a failed step: the advice for its code, else a generic line.
pub fn help(error: Option<&str>, generic: &str) -> String {
    match error
        .and_then(code_of)
        .and_then(|code| Some((code, advice(code)?)))
    {
        Some((code, advice)) => format!("{code}: {advice}"),
        None => generic.to_string(),
    }
}

const KNOWN: &[(&str, &str)] = &[
    (
        "CM-RESOIE000201",
        "the store cannot serve the checkpoint the link asks for (\"Invalid start time, shall within store's data keep time\"): the logs were recycled or the store's window passed; check the tenant's log archive and the store's window (oms.store-window, tenant.log-window) before restarting the step",
    ),
    (
        "CONNECTOR-SIAL00000001",
        "a column of the source table is missing in the target table (handleColumnsOnlyInSource): DDL ran on a side that does not sync it; compare the two schemas (schema.drift) and add the column on the other side",
    ),
    (
        "CONNECTOR-SIOO00014400",
        "an inserted partition key maps to no partition of the target table (ORA-14400): partition maintenance ran on one side only; add the missing partitions on the target (schema.partitions)",
    ),
    (
        "CONNECTOR-SIOO00000060",
        "a deadlock on the target (ORA-00060) while applying changes in parallel on hot rows; retry the step, and lower the incremental concurrency if it recurs",
    ),
    (
        "CONNECTOR-SIOO00000001",
        "a duplicate key on the target (ORA-00001): both sides wrote the same key; check that the tenants generate disjoint keys (tenant.auto-increment)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_codes_and_nothing_else() {
        let error = "CONNECTOR-SIAL00000001: handleColumnsOnlyInSource: Field note not found";
        assert_eq!(code_of(error), Some("CONNECTOR-SIAL00000001"));
        assert!(help(Some(error), "generic").contains("schema.drift"));
        assert_eq!(help(Some("timeout talking to store"), "generic"), "generic");
        assert_eq!(help(Some("X-1: y"), "generic"), "generic");
        assert_eq!(help(None, "generic"), "generic");
        assert!(advice("cm-resoie000201").is_some());
    }
}
