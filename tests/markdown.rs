//! Every page people read renders as its author meant: the rule pages (`rules/*.md`, both
//! languages, as `explain` prints them) and the docs, parsed as CommonMark, have no broken code
//! span — no backtick left in the text, no code span cut short by a backtick inside it (write
//! ``` `` GRANT ... ON `app`.* `` ``` for code that holds backticks).

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What is wrong with the code spans of `markdown`, one line per problem.
fn broken_code_spans(markdown: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_code_block = false;
    let mut previous: Option<Event<'_>> = None;
    let mut before_previous: Option<Event<'_>> = None;
    for event in Parser::new(markdown) {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if !in_code_block && text.contains('`') => {
                problems.push(format!("a backtick outside code: {text:?}"));
            }
            Event::Code(code) => {
                // CommonMark strips one space on both sides only; a span that begins or ends
                // with a space was cut short by a backtick meant to be inside it.
                if code.starts_with(char::is_whitespace) || code.ends_with(char::is_whitespace) {
                    problems.push(format!("a code span cut at a space: {code:?}"));
                }
                // `a`b`c`: two spans joined by a word with no space around it.
                if let (Some(Event::Text(between)), Some(Event::Code(first))) =
                    (&previous, &before_previous)
                    && !between.is_empty()
                    && between
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    problems.push(format!(
                        "two code spans joined by {between:?}: {first:?}, {code:?}"
                    ));
                }
            }
            _ => {}
        }
        before_previous = previous.take();
        previous = Some(event);
    }
    problems
}

fn pages(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn rule_pages_and_docs_have_no_broken_code_span() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for dir in ["rules", "rules/zh-CN", "docs", "docs/zh-CN"] {
        for page in pages(dir) {
            let text = std::fs::read_to_string(&page).expect("a page is readable");
            for problem in broken_code_spans(&text) {
                problems.push(format!("{}: {problem}", page.display()));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} pages found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_finds_what_it_is_for() {
    // The shape the rule pages had: backticks inside a single-backtick span.
    assert!(
        !broken_code_spans("Run `GRANT SELECT ON `oceanbase`.* TO 'u'@'%';` as root.").is_empty()
    );
    assert!(!broken_code_spans("Run `CREATE DATABASE IF NOT EXISTS `test`` first.").is_empty());
    assert!(!broken_code_spans("a stray ` backtick").is_empty());
    // Written right, and code blocks, pass.
    assert!(
        broken_code_spans("Run `` GRANT SELECT ON `oceanbase`.* TO 'u'@'%'; `` as root.")
            .is_empty()
    );
    assert!(broken_code_spans("`a` and `b`, `c`/`d`\n\n```sql\nSELECT `x`\n```\n").is_empty());
}
