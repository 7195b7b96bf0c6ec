//! Exit codes (docs/exit-codes.md), and the one function that decides which applies. Nothing
//! else in the crate picks an exit code, and no renderer influences it.

use crate::rules::Severity;

/// Every selected rule evaluated; no finding at or above `--fail-on`.
pub const OK: u8 = 0;
/// At least one finding at or above `--fail-on`.
pub const FINDINGS: u8 = 1;
/// Usage or plan error: bad flag, invalid plan, unknown rule id, a selection of no rule,
/// unreadable bundle or input file.
pub const USAGE: u8 = 2;
/// Nothing failed, but at least one selected rule is inconclusive.
pub const INCOMPLETE: u8 = 3;
/// An internal error of the tool itself.
pub const INTERNAL: u8 = 4;
/// An output the run could not write: stdout, a `--report` file, the job summary, a bundle, a
/// fix script. The same code as an internal error: the tool did not do its job, whatever the
/// verdict. A closed pipe on stdout is not a failed write.
pub const OUTPUT_FAILED: u8 = 4;

/// The lowest severity that fails a run (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Never,
}

impl FailOn {
    fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Never => false,
        }
    }
}

/// The exit code of a run from the severities of its (unwaived) findings and whether any
/// selected rule was inconclusive.
pub fn decide(
    severities: impl IntoIterator<Item = Severity>,
    any_inconclusive: bool,
    fail_on: FailOn,
) -> u8 {
    if severities
        .into_iter()
        .any(|severity| fail_on.fails(severity))
    {
        FINDINGS
    } else if any_inconclusive {
        INCOMPLETE
    } else {
        OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_beat_inconclusive_and_fail_on_sets_the_bar() {
        assert_eq!(decide([Severity::Error], true, FailOn::Error), FINDINGS);
        assert_eq!(decide([Severity::Warning], true, FailOn::Error), INCOMPLETE);
        assert_eq!(
            decide([Severity::Warning], false, FailOn::Warning),
            FINDINGS
        );
        assert_eq!(decide([Severity::Info], false, FailOn::Warning), OK);
        assert_eq!(decide([Severity::Error], false, FailOn::Never), OK);
        assert_eq!(decide([Severity::Error], true, FailOn::Never), INCOMPLETE);
        assert_eq!(decide([], false, FailOn::Error), OK);
    }
}
