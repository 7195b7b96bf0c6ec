//! The rule catalog as `rules` prints it for people: by area in catalog order, one rule a line
//! (its summary wrapped under itself), within [`WIDTH`] columns in every language.

use std::fmt::Write;

use textwrap::core::display_width;

use crate::i18n::{Label, Lang};
use crate::rules::{Area, docs, registry};

/// The widest line, in terminal columns.
pub const WIDTH: usize = 100;

/// The catalog in `lang`.
pub fn human(lang: Lang) -> String {
    let rows: Vec<[String; 4]> = registry::ALL
        .iter()
        .map(|rule| {
            [
                rule.id.to_string(),
                rule.severity.label().get(lang).to_string(),
                docs::stages(lang, rule),
                docs::summary(lang, rule).to_string(),
            ]
        })
        .collect();
    let header = [Label::RuleId, Label::Severity, Label::Stage, Label::Checks]
        .map(|label| label.get(lang).to_string());
    let widths: [usize; 3] = std::array::from_fn(|column| {
        rows.iter()
            .chain([&header])
            .map(|row| display_width(&row[column]))
            .max()
            .unwrap_or_default()
    });
    let indent = 2 + widths.iter().map(|width| width + 2).sum::<usize>();
    let options = textwrap::Options::new(WIDTH.saturating_sub(indent).max(20))
        .word_separator(super::wrap::separator())
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    let line = |out: &mut String, row: &[String; 4]| {
        let _ = write!(out, " ");
        for (cell, width) in row.iter().zip(widths) {
            let _ = write!(
                out,
                " {cell}{}",
                " ".repeat(width - display_width(cell) + 1)
            );
        }
        let summary = textwrap::wrap(&row[3], &options);
        let mut lines = summary.iter();
        let _ = writeln!(out, "{}", lines.next().map(|s| s.as_ref()).unwrap_or(""));
        for more in lines {
            let _ = writeln!(out, "{}{more}", " ".repeat(indent));
        }
    };
    let mut out = String::new();
    line(&mut out, &header);
    for area in Area::ALL {
        let colon = if lang.is_zh() { "：" } else { ": " };
        let _ = writeln!(out, "\n{}{colon}{}", area.as_str(), area.name().get(lang));
        for (rule, row) in registry::ALL.iter().zip(&rows) {
            if rule.area() == area {
                line(&mut out, row);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_once_by_area_within_the_width_in_both_languages() {
        for lang in [Lang::En, Lang::ZhCn] {
            let text = human(lang);
            for line in text.lines() {
                assert!(
                    display_width(line) <= WIDTH,
                    "{lang:?}: {} columns: {line}",
                    display_width(line)
                );
                assert_eq!(line.trim_end(), line, "trailing space: {line:?}");
            }
            let mut areas_seen = Vec::new();
            let mut ids = Vec::new();
            for line in text.lines().skip(1) {
                if let Some(area) = Area::ALL.into_iter().find(|area| {
                    line.starts_with(&format!(
                        "{}{}",
                        area.as_str(),
                        if lang.is_zh() { "：" } else { ": " }
                    ))
                }) {
                    areas_seen.push(area);
                } else if let Some(id) = line.split_whitespace().next()
                    && line.starts_with("  ")
                    && !line.starts_with("   ")
                {
                    assert_eq!(
                        crate::rules::Area::of(id),
                        areas_seen.last().copied(),
                        "{id} under the wrong area"
                    );
                    ids.push(id.to_string());
                }
            }
            assert_eq!(areas_seen, Area::ALL.to_vec());
            let catalog: Vec<String> = registry::ALL
                .iter()
                .map(|rule| rule.id.to_string())
                .collect();
            let mut sorted_ids = ids.clone();
            sorted_ids.sort();
            let mut sorted_catalog = catalog.clone();
            sorted_catalog.sort();
            assert_eq!(sorted_ids, sorted_catalog, "{lang:?}: every rule once");
        }
    }
}
