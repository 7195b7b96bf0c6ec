//! Where the human report may break a line: after a space, and between CJK characters (Chinese
//! has no spaces) — never inside an identifier, an error code, a path, a URL or SQL
//! (`CONNECTOR-SIAL00000001`, `app.orders`, `/etc/oms/plan.toml`), which stay whole even when
//! longer than the line. Unicode's line breaking would break after a hyphen or a slash.

use textwrap::WordSeparator;
use textwrap::core::Word;

/// The words of `line`, as the renderer's wrapping sees them.
pub fn separator() -> WordSeparator {
    WordSeparator::Custom(words)
}

fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    for (at, c) in line.char_indices() {
        if let Some(before) = previous
            && breaks_between(before, c)
        {
            words.push(Word::from(&line[start..at]));
            start = at;
        }
        previous = Some(c);
    }
    if start < line.len() {
        words.push(Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}

/// Whether a line may break between `before` and `after`.
fn breaks_between(before: char, after: char) -> bool {
    if after == ' ' {
        return false;
    }
    if before == ' ' {
        return true;
    }
    (is_cjk(before) || is_cjk(after)) && !opens(before) && !closes(after)
}

/// CJK ideographs, kana, hangul and full-width forms: a line may break around each.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2e80}'..='\u{303f}'
        | '\u{3040}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ffef}'
        | '\u{20000}'..='\u{3ffff}')
}

/// Punctuation no line starts with.
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '：'
            | '；'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '】'
            | '》'
            | '〉'
            | ','
            | '.'
            | ':'
            | ';'
            | ')'
            | '!'
            | '?'
    )
}

/// Punctuation no line ends with.
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '【' | '《' | '〈' | '(')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str, width: usize) -> Vec<String> {
        let options = textwrap::Options::new(width)
            .word_separator(separator())
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(false);
        textwrap::wrap(text, options)
            .into_iter()
            .map(|line| line.into_owned())
            .collect()
    }

    #[test]
    fn codes_paths_and_sql_stay_whole() {
        let text = "the step failed with CONNECTOR-SIAL00000001 reading /var/log/oms-connector/a-b.log \
                    after GRANT SELECT ON `app-db`.* TO 'oms-a'@'%'";
        for width in 10..60 {
            for line in wrapped(text, width) {
                for token in line.split(' ') {
                    assert!(
                        text.split(' ').any(|whole| whole == token),
                        "width {width}: {token:?} is a piece of a word"
                    );
                }
            }
        }
    }

    #[test]
    fn chinese_wraps_between_characters_but_not_inside_ascii_tokens() {
        let text = "OMS 连接器报错CONNECTOR-SIAL00000001，无法读取租户的增量日志，请检查数据源配置与网络连通性";
        for width in 8..40 {
            let lines = wrapped(text, width);
            assert!(
                lines
                    .iter()
                    .any(|line| line.contains("CONNECTOR-SIAL00000001")),
                "width {width}: {lines:?}"
            );
            assert!(
                lines.iter().all(|line| !line.starts_with('，')),
                "{lines:?}"
            );
        }
        assert!(wrapped(text, 20).len() > 2, "Chinese text wraps");
    }
}
