//! The supported-version matrix, read from `rules/versions.toml` (compiled in).

use std::cmp::Ordering;
use std::sync::OnceLock;

use toml_span::value::Value;

const MATRIX_TOML: &str = include_str!("../../rules/versions.toml");

/// An OceanBase version range `[min, below)`; `below = None` is open-ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub min: String,
    pub below: Option<String>,
    pub source: String,
}

impl Range {
    pub fn contains(&self, version: &str) -> bool {
        compare(version, &self.min) != Ordering::Less
            && self
                .below
                .as_deref()
                .is_none_or(|below| compare(version, below) == Ordering::Less)
    }

    pub fn describe(&self) -> String {
        match &self.below {
            Some(below) => format!(">= {}, < {}", self.min, below),
            None => format!(">= {}", self.min),
        }
    }
}

#[derive(Debug)]
struct OmsRow {
    oms_min: String,
    oms_below: Option<String>,
    /// Whether the row is about OMS Community Edition (`edition = "ce"`): CE and enterprise
    /// releases share version numbers and differ in what they support.
    community: bool,
    range: Range,
}

/// A declared OMS version: its number, and whether it names a Community Edition release
/// (`4.2.2-CE`, `4.2.2 CE`, `4.2.2ce`).
fn declared_release(declared: &str) -> (&str, bool) {
    let trimmed = declared.trim();
    let lower = trimmed.to_ascii_lowercase();
    match lower.strip_suffix("ce") {
        Some(number) => (
            trimmed[..number.len()].trim_end_matches(['-', ' ', '_']),
            true,
        ),
        None => (trimmed, false),
    }
}

#[derive(Debug)]
pub struct Matrix {
    default: Range,
    oms: Vec<OmsRow>,
}

impl Matrix {
    pub fn get() -> &'static Matrix {
        static MATRIX: OnceLock<Matrix> = OnceLock::new();
        MATRIX.get_or_init(|| parse(MATRIX_TOML).expect("rules/versions.toml is valid (tested)"))
    }

    /// The OceanBase ranges for a declared OMS version (a version is supported when it is in
    /// any of them); `None` when the matrix has no row for it.
    pub fn for_oms(&self, oms_version: Option<&str>) -> Option<Vec<&Range>> {
        let Some(oms) = oms_version else {
            return Some(vec![&self.default]);
        };
        let (number, community) = declared_release(oms);
        let ranges: Vec<&Range> = self
            .oms
            .iter()
            .filter(|row| {
                row.community == community
                    && compare(number, &row.oms_min) != Ordering::Less
                    && row
                        .oms_below
                        .as_deref()
                        .is_none_or(|below| compare(number, below) == Ordering::Less)
            })
            .map(|row| &row.range)
            .collect();
        (!ranges.is_empty()).then_some(ranges)
    }
}

pub use crate::version::compare;

fn parse(text: &str) -> Result<Matrix, String> {
    let root = toml_span::parse(text).map_err(|e| e.to_string())?;
    let string = |value: &Value<'_>, key: &str| -> Result<Option<String>, String> {
        match value.pointer(&format!("/{key}")) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or(format!("{key} must be a string")),
        }
    };
    let range = |value: &Value<'_>| -> Result<Range, String> {
        Ok(Range {
            min: string(value, "min")?.ok_or("min is required")?,
            below: string(value, "below")?,
            source: string(value, "source")?.ok_or("source is required")?,
        })
    };
    let default = range(root.pointer("/default").ok_or("[default] is required")?)?;
    let mut oms = Vec::new();
    if let Some(rows) = root.pointer("/oms").and_then(|v| v.as_array()) {
        for row in rows {
            let community = match string(row, "edition")?.as_deref() {
                None => false,
                Some("ce") => true,
                Some(other) => {
                    return Err(format!("edition must be \"ce\" or absent, not {other}"));
                }
            };
            oms.push(OmsRow {
                oms_min: string(row, "oms_min")?.ok_or("oms_min is required")?,
                oms_below: string(row, "oms_below")?,
                community,
                range: range(row)?,
            });
        }
    }
    Ok(Matrix { default, oms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_matrix_parses() {
        parse(MATRIX_TOML).unwrap();
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare("4.3.5.3", "4.10.0"), Ordering::Less);
        assert_eq!(compare("4.0", "4.0.0.0"), Ordering::Equal);
        assert_eq!(compare("4.2.2", "4.2.1.9"), Ordering::Greater);
    }

    fn supports(oms: Option<&str>, ob: &str) -> bool {
        Matrix::get()
            .for_oms(oms)
            .unwrap()
            .iter()
            .any(|range| range.contains(ob))
    }

    #[test]
    fn rows_are_chosen_by_declared_oms_version() {
        let matrix = Matrix::get();
        assert!(supports(None, "4.3.5.3"));
        assert!(!supports(Some("4.0.1"), "4.2.1.2"));
        assert!(supports(Some("4.2.5"), "4.2.1.2"));
        assert!(matrix.for_oms(Some("4.1.5")).is_none());
    }

    /// The data-migration column of OMS CE's 使用限制 page, per docs branch.
    #[test]
    fn community_releases_have_their_own_rows() {
        assert_eq!(declared_release("4.2.2-CE"), ("4.2.2", true));
        assert_eq!(declared_release("4.2.2 ce"), ("4.2.2", true));
        assert_eq!(declared_release("4.2.2"), ("4.2.2", false));
        assert!(supports(Some("4.2.2-CE"), "4.2.2.1"));
        assert!(supports(Some("4.2.2-CE"), "3.1.4"));
        assert!(!supports(Some("4.2.2-CE"), "4.3.5.3"));
        assert!(supports(Some("4.2.1-CE"), "4.2.1.8"));
        assert!(!supports(Some("4.2.1-CE"), "4.2.2.0"));
        assert!(supports(Some("4.1.1-CE"), "4.1.0.2"));
        assert!(!supports(Some("4.1.1-CE"), "4.2.0.0"));
        // Active-active: OMS CE 4.0.0 does not take OceanBase CE 4.0.0 as a source.
        assert!(!supports(Some("4.0.0-CE"), "4.0.0.0"));
        assert!(supports(Some("3.3.1-CE"), "3.1.2"));
        assert!(Matrix::get().for_oms(Some("4.2.5-CE")).is_none());
    }
}
