//! The tool's own words: the labels, headings and verdicts the reports print around what the
//! rules say, each in every language of the reports. One list, typed: a label is named, never
//! looked up by its English, so a missing translation is a compile error, not English in a
//! Chinese report.

use super::Lang;

macro_rules! labels {
    ($($name:ident => $en:literal, $zh:literal;)*) => {
        /// A word or phrase of the reports' own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Label {
            $($name,)*
        }

        impl Label {
            /// Every label, in the order of this list.
            pub const ALL: &'static [Label] = &[$(Label::$name,)*];

            pub fn en(self) -> &'static str {
                match self {
                    $(Label::$name => $en,)*
                }
            }

            pub fn zh(self) -> &'static str {
                match self {
                    $(Label::$name => $zh,)*
                }
            }
        }
    };
}

labels! {
    Pass => "pass", "通过";
    Fail => "fail", "失败";
    Warn => "warn", "仅警告";
    Inconclusive => "inconclusive", "无法判定";
    Skipped => "skipped", "已跳过";
    Waived => "waived", "已豁免";
    Error => "error", "错误";
    Warning => "warning", "警告";
    Info => "info", "提示";
    ErrorCount => "errors", "错误数";
    WarningCount => "warnings", "警告数";
    VerdictPassed => "PASSED", "通过";
    VerdictFailed => "FAILED", "未通过";
    VerdictIncomplete => "INCOMPLETE", "检查不完整";
    VerdictError => "ERROR", "出错";
    Area => "area", "区域";
    RuleCount => "rules", "规则数";
    Stage => "stage", "阶段";
    Plan => "plan", "计划";
    Unknown => "unknown", "未知";
    SetHere => "set here", "在此设置";
    FixPrefix => "fix: ", "修复：";
    HelpPrefix => "help: ", "建议：";
    InconclusivePrefix => "inconclusive: ", "无法判定：";
    IsInconclusive => "is inconclusive", "无法判定";
    WaivedPrefix => "(waived) ", "（已豁免）";
    ErrorsHeading => "Errors", "错误";
    WarningsHeading => "Warnings", "警告";
    NotesHeading => "Notes", "提示";
    WaivedHeading => "Waived", "已豁免";
    SkippedHeading => "Skipped", "已跳过";
    NotCheckedHeading => "Not checked (inconclusive)", "未检查（无法判定）";
    FixSqlHeading => "Fix SQL (review before running; oms-preflight never runs it)", "修复 SQL（执行前请审阅；oms-preflight 从不执行）";
    FindingsTableHeader => "| rule | side | object | finding | what to do |", "| 规则 | 端 | 对象 | 问题 | 处理建议 |";
    WaivedTableHeader => "| rule | side | object | finding | waiver |", "| 规则 | 端 | 对象 | 问题 | 豁免 |";
    ReasonsTableHeader => "| rule | why |", "| 规则 | 原因 |";
    EndpointsTableHeader => "| endpoint | user | kernel | mode | columns from |", "| 端点 | 用户 | 内核 | 模式 | 列信息来源 |";
    Reachable => "reachable", "可达";
    Refused => "refused", "拒绝访问";
    NoAnswer => "no answer", "无应答";
    RuleId => "id", "规则";
    Severity => "severity", "严重级别";
    Checks => "checks", "检查内容";
    EveryStage => "every stage", "所有阶段";
    InnerTables => "inner_tables", "内部表";
    BothTopologies => "both", "两种拓扑";
}

impl Label {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en(),
            Lang::ZhCn => self.zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_said_in_both_languages_and_each_once() {
        let mut english = std::collections::BTreeSet::new();
        for label in Label::ALL {
            assert!(
                !label.en().is_empty() && !label.zh().is_empty(),
                "{label:?}"
            );
            assert!(
                english.insert(label.en()),
                "{label:?} repeats {}",
                label.en()
            );
            // Chinese unless the word is a name everyone writes the same way.
            assert!(
                super::super::has_chinese(label.zh()) || label.zh() == label.en(),
                "{label:?}"
            );
        }
    }
}
