//! SQL text the tool writes: identifiers and string literals quoted for MySQL-mode OceanBase.
//! A leaf: collectors quote the names they ask about, rules the names in the SQL they suggest.

/// A MySQL identifier in backticks, with backticks inside doubled.
pub fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A MySQL string literal in single quotes, with quotes and backslashes escaped.
pub fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_quoted_with_their_quotes_doubled() {
        assert_eq!(quote_identifier("we`ird"), "`we``ird`");
        assert_eq!(quote_string(r"it's a\b"), r"'it''s a\\b'");
    }
}
