//! Text from outside the tool (a database name read from a tenant, a reason a server gave, a
//! value of the plan) as the reports and scripts print it. Every control character is shown as
//! a visible escape (`\u{0}`, `\u{1b}`, `\u{a}`), and so are the bidirectional controls that
//! reorder what a reader sees: a name cannot write a NUL into a script, move the cursor or
//! recolour a terminal, break a line or hide part of one. Where a format already had a rule
//! for line breaks (Markdown cells and script comments make them spaces), [`one_line`] keeps it.
//! The JSON report is not escaped: serde escapes control characters there, losslessly.

use std::borrow::Cow;

/// Whether `c` is shown escaped.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `c` as a visible escape: `\u{1b}`.
pub fn escape_char(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// `text` with every control character, line breaks included, shown as an escape: one line.
pub fn printable(text: &str) -> Cow<'_, str> {
    escaped(text, needs_escape)
}

/// `text` with every control character but `\n` shown as an escape: text of several lines.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c != '\n' && needs_escape(c))
}

fn escaped(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` on one line: line breaks as spaces, every other control character escaped.
pub fn one_line(text: &str) -> String {
    printable(&text.replace(['\r', '\n'], " ")).into_owned()
}

/// Whether `text` holds anything [`printable`] would escape.
pub fn has_controls(text: &str) -> bool {
    text.chars().any(needs_escape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(printable("app"), "app");
        assert!(matches!(printable("订单 库"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{0}b"), "a\\u{0}b");
        assert_eq!(printable("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(printable("tab\there"), "tab\\u{9}here");
        assert_eq!(printable("two\nlines\r"), "two\\u{a}lines\\u{d}");
        assert_eq!(printable("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(one_line("a\r\nb\u{7}"), "a  b\\u{7}");
        assert_eq!(printable_lines("a\nb\r\u{0}"), "a\nb\\u{d}\\u{0}");
        assert!(has_controls("a\nb") && has_controls("\u{0}") && !has_controls("a b"));
    }
}
