//! Dotted version numbers, as OceanBase and OMS print them: compared numerically, and read out
//! of the ways people write them (`V4.2.1-CE`, `4.2.1_CE`). A leaf: plan, collectors and rules
//! all use it.

use std::cmp::Ordering;

/// Compares dotted versions numerically, missing components counting as 0; a non-numeric
/// component compares as 0 too (it never appears in `ob_version()`).
pub fn compare(left: &str, right: &str) -> Ordering {
    let parts = |v: &str| -> Vec<u64> {
        v.split('.')
            .map(|p| p.trim().parse().unwrap_or(0))
            .collect()
    };
    let (l, r) = (parts(left), parts(right));
    (0..l.len().max(r.len()))
        .map(|i| {
            l.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&r.get(i).copied().unwrap_or(0))
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether `declared` (as people write it: `V4.1.0-CE`) names a version before `since`; false
/// when it names no number at all, which decides nothing.
pub fn declared_before(declared: &str, since: &str) -> bool {
    let number = number(declared);
    !number.is_empty() && compare(number, since).is_lt()
}

/// `4.2.1` from `V4.2.1-CE`, `4.2.1_CE`, `4.2.1`; empty when the text starts with no number.
pub fn number(declared: &str) -> &str {
    let text = declared.trim().trim_start_matches(['V', 'v']);
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically_and_read_as_written() {
        assert_eq!(compare("4.10", "4.9"), Ordering::Greater);
        assert_eq!(compare("4.2", "4.2.0"), Ordering::Equal);
        assert_eq!(number("V4.2.1-CE"), "4.2.1");
        assert_eq!(number("4.1.0_CE"), "4.1.0");
        assert_eq!(number("CE"), "");
        assert!(declared_before("V4.1.0-CE", "4.1.1"));
        assert!(!declared_before("4.1.1", "4.1.1"));
        assert!(!declared_before("enterprise", "4.1.1"));
    }
}
