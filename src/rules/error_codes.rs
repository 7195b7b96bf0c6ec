//! OMS error codes. What a failed OMS step's error code usually means, for the help line of a finding: the
//! codes OMS documents (OMS CE error-code reference, FAQ) that an active-active pair meets.

use crate::i18n::Text;
use crate::text;

/// The usual cause of `code` and what to check, when this tool knows the code.
pub fn advice(code: &str) -> Option<Text> {
    let code = code.trim().to_ascii_uppercase();
    KNOWN
        .iter()
        .find(|known| code.starts_with(known.code))
        .map(|known| Text::new(known.en, known.zh))
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
pub fn help(error: Option<&str>, generic: Text) -> Text {
    match error
        .and_then(code_of)
        .and_then(|code| Some((code, advice(code)?)))
    {
        Some((code, advice)) => text!("{code}: {advice}", "{code}：{advice}"; advice = advice),
        None => generic,
    }
}

/// A documented code and its advice, in English and Chinese.
struct Known {
    code: &'static str,
    en: &'static str,
    zh: &'static str,
}

const KNOWN: &[Known] = &[
    Known {
        code: "CM-RESOIE000201",
        en: "the store cannot serve the checkpoint the link asks for (\"Invalid start time, shall within store's data keep time\"): the logs were recycled or the store's window passed; check the tenant's log archive and the store's window (oms.store-window, tenant.log-window) before restarting the step",
        zh: "Store 无法提供链路请求的位点（\"Invalid start time, shall within store's data keep time\"）：日志已被回收，或位点已超出 Store 的日志窗口；重启该步骤之前，请检查租户的日志归档和 Store 的日志窗口（oms.store-window、tenant.log-window）",
    },
    Known {
        code: "CONNECTOR-SIAL00000001",
        en: "a column of the source table is missing in the target table (handleColumnsOnlyInSource): DDL ran on a side that does not sync it; compare the two schemas (schema.drift) and add the column on the other side",
        zh: "源表的某一列在目标表中不存在（handleColumnsOnlyInSource）：DDL 在不同步它的一端执行了；比较两端的表结构（schema.drift），并在另一端补上该列",
    },
    Known {
        code: "CONNECTOR-SIOO00014400",
        en: "an inserted partition key maps to no partition of the target table (ORA-14400): partition maintenance ran on one side only; add the missing partitions on the target (schema.partitions)",
        zh: "插入的分区键在目标表中没有对应的分区（ORA-14400）：分区维护只在一端执行了；在目标端补上缺失的分区（schema.partitions）",
    },
    Known {
        code: "CONNECTOR-SIOO00000060",
        en: "a deadlock on the target (ORA-00060) while applying changes in parallel on hot rows; retry the step, and lower the incremental concurrency if it recurs",
        zh: "并行回放热点行的变更时，目标端发生死锁（ORA-00060）；重试该步骤，若再次出现，请降低增量同步的并发度",
    },
    Known {
        code: "CONNECTOR-SIOO00000001",
        en: "a duplicate key on the target (ORA-00001): both sides wrote the same key; check that the tenants generate disjoint keys (tenant.auto-increment)",
        zh: "目标端出现重复键（ORA-00001）：两端写入了相同的键；检查两个租户生成的键是否互不重叠（tenant.auto-increment）",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_codes_and_nothing_else() {
        let generic = || Text::new("generic", "通用");
        let error = "CONNECTOR-SIAL00000001: handleColumnsOnlyInSource: Field note not found";
        assert_eq!(code_of(error), Some("CONNECTOR-SIAL00000001"));
        let advised = help(Some(error), generic());
        assert!(advised.contains("schema.drift"));
        assert!(
            advised
                .zh()
                .starts_with("CONNECTOR-SIAL00000001：源表的某一列")
        );
        assert_eq!(help(Some("timeout talking to store"), generic()), "generic");
        assert_eq!(help(Some("X-1: y"), generic()), "generic");
        assert_eq!(help(None, generic()), generic());
        assert!(advice("cm-resoie000201").is_some());
    }
}
