//! Keeping passwords out of the plan text the tool shows (diagnostics, labels) and stores
//! (bundles). Nothing reads a plan's text but through [`Redaction::of`]:
//!
//! - when the text is a TOML document, every value under a key whose decoded name is a
//!   password key (`password`, `drc_password`, `"pass\u0077ord"`, a `[x.password]` table, a
//!   near miss such as `pasword`; see [`is_secret_key`]) is blanked wherever the document
//!   writes it (a section, an inline table, a dotted key, a multi-line string); so is the
//!   value of a password source key (`password_env`, `drc_password_file`) that does not look
//!   like a variable name or a path (see [`SourceKey`]: a password typed in the wrong place),
//!   and, found in the decoded strings, the password of every URL and host with credentials
//!   and the value of every URL query parameter that carries one (`?token=…`);
//! - when it is not (a syntax error), a conservative scan of the raw text blanks the values of
//!   every key that may name a secret, and then, line by line since nothing can be trusted
//!   about its structure, the value after any secret word or `\u` escape followed by `=` or
//!   `:` (`password: "x"`, a line swallowed by a string left open);
//! - either way, comments that assign a secret (`# password = "old one"`) are blanked too.
//!
//! Each blanked value becomes the same [`MARKER`], whatever its length, so not even the length
//! of a password shows. Spans of the text are moved onto the redacted text with
//! [`Redaction::map`].

use toml_span::value::{Value, ValueInner};

use miette::NamedSource;

use super::credentials::*;
use super::errors::{PlanErrors, PlanProblem};
use super::model::Span;

/// What every blanked value reads as.
pub const MARKER: &str = "<redacted>";

/// The parts of a text to blank: sorted, disjoint byte ranges, each shown as [`MARKER`]
/// followed by as many line breaks as it held, so every line keeps its number.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    blanks: Vec<Span>,
    /// What each blank is replaced with.
    markers: Vec<String>,
    /// How far an offset after each blank moves: the sum of what the blanks so far changed.
    shifts: Vec<isize>,
}

impl Redaction {
    /// What to blank in `text`: from the parsed document when it parses, else from a
    /// conservative scan; comments that assign a secret in both cases.
    pub fn of(text: &str) -> Redaction {
        let tokens = lex(text);
        let mut blanks = Vec::new();
        match toml_span::parse(text) {
            Ok(root) => document(text, &root, "", false, &mut blanks),
            Err(_) => conservative(text, &tokens, &mut blanks),
        }
        for token in tokens.iter().filter(|token| token.kind == Kind::Comment) {
            assignment_in(text, token.content.clone(), false, &mut blanks);
        }
        Redaction::new(blanks).measured(text)
    }

    /// Blanks `spans` of `text`, which may overlap.
    pub fn of_spans(text: &str, spans: Vec<Span>) -> Redaction {
        Redaction::new(spans).measured(text)
    }

    /// What to blank in `text`, a plan's text, for what `found` finds in a string: every place
    /// it finds in the text as written, and every string of the document whose decoded value
    /// it finds something in while the text writes it otherwise (with escapes), whole.
    pub fn of_found(text: &str, found: impl Fn(&str) -> Vec<Span>) -> Redaction {
        let mut blanks = found(text);
        if let Ok(root) = toml_span::parse(text) {
            escaped_strings(text, &root, &found, &mut blanks);
        }
        Redaction::new(blanks).measured(text)
    }

    fn new(mut blanks: Vec<Span>) -> Redaction {
        blanks.sort_by_key(|blank| (blank.start, blank.end));
        let mut merged: Vec<Span> = Vec::new();
        for blank in blanks {
            match merged.last_mut() {
                Some(last) if blank.start <= last.end => last.end = last.end.max(blank.end),
                _ => merged.push(blank),
            }
        }
        Redaction {
            blanks: merged,
            markers: Vec::new(),
            shifts: Vec::new(),
        }
    }

    /// The replacements and shifts of the blanks of `text`.
    fn measured(mut self, text: &str) -> Redaction {
        let mut shift = 0isize;
        for blank in &self.blanks {
            let marker =
                MARKER.to_string() + &"\n".repeat(text[blank.clone()].matches('\n').count());
            shift += marker.len() as isize - blank.len() as isize;
            self.markers.push(marker);
            self.shifts.push(shift);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.blanks.is_empty()
    }

    /// `text` (the text this redaction was made for) with every blank replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (blank, marker) in self.blanks.iter().zip(&self.markers) {
            out.push_str(&text[at..blank.start]);
            out.push_str(marker);
            at = blank.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Where `span` of the text is in the redacted text; a span that starts or ends inside a
    /// blank covers all of its marker.
    pub fn map(&self, span: Span) -> Span {
        let start = self.offset(span.start, false);
        start..self.offset(span.end, true).max(start)
    }

    fn offset(&self, offset: usize, end: bool) -> usize {
        // Blanks wholly before `offset`, then whether `offset` is inside the next one.
        let before = self.blanks.partition_point(|blank| blank.end <= offset);
        let shift = before.checked_sub(1).map_or(0, |index| self.shifts[index]);
        let moved = offset.saturating_add_signed(shift);
        match self.blanks.get(before) {
            Some(blank) if blank.start < offset => {
                let start = blank.start.saturating_add_signed(shift);
                if end { start + MARKER.len() } else { start }
            }
            _ => moved,
        }
    }
}

/// The blanks of a parsed document: every scalar under a secret key, and under a password
/// source key whose value is not a string it [accepts](SourceKey::accepts); elsewhere the
/// credentials of every URL and host (see [`credentials_in`]; the whole string when its text
/// has escapes, so decoded and written positions differ). `key` is the key `value` is under.
fn document(text: &str, value: &Value<'_>, key: &str, secret: bool, blanks: &mut Vec<Span>) {
    let span = value.span.start..value.span.end;
    match value.as_ref() {
        ValueInner::String(decoded) => {
            if span.is_empty() {
                return;
            }
            if secret {
                blanks.push(span);
                return;
            }
            let credentials = credentials_in(decoded, key);
            if text.get(span.clone()) == Some(decoded.as_ref()) {
                blanks.extend(
                    credentials
                        .into_iter()
                        .map(|found| span.start + found.start..span.start + found.end),
                );
            } else if !credentials.is_empty() {
                blanks.push(span);
            }
        }
        ValueInner::Integer(_) | ValueInner::Float(_) | ValueInner::Boolean(_) => {
            if secret {
                blanks.push(span);
            }
        }
        ValueInner::Array(items) => {
            for item in items {
                document(text, item, key, secret, blanks);
            }
        }
        ValueInner::Table(table) => {
            for (key, value) in table {
                let misplaced = SourceKey::of(&key.name)
                    .is_some_and(|source| value.as_str().is_none_or(|v| !source.accepts(v)));
                let secret = secret || is_secret_key(&key.name) || misplaced;
                document(text, value, &key.name, secret, blanks);
            }
        }
    }
}

/// The strings of a document written with escapes in which `found` finds something once
/// decoded: the text as written may not show it, the value read from it does.
fn escaped_strings(
    text: &str,
    value: &Value<'_>,
    found: &impl Fn(&str) -> Vec<Span>,
    blanks: &mut Vec<Span>,
) {
    match value.as_ref() {
        ValueInner::String(decoded) => {
            let span = value.span.start..value.span.end;
            if text.get(span.clone()) != Some(decoded.as_ref()) && !found(decoded).is_empty() {
                blanks.push(span);
            }
        }
        ValueInner::Array(items) => {
            for item in items {
                escaped_strings(text, item, found, blanks);
            }
        }
        ValueInner::Table(table) => {
            for value in table.values() {
                escaped_strings(text, value, found, blanks);
            }
        }
        _ => {}
    }
}

/// What the tolerant lexer of [`conservative`] sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Newline,
    Comment,
    /// A string; `content` is inside its delimiters (to the end of the line or the text when
    /// it is not closed).
    Str {
        literal: bool,
    },
    Punct(u8),
    /// Anything else up to a space or a delimiter: a bare key, a number, a stray character.
    Bare,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    content: Span,
}

/// The tokens of `text` as TOML would cut it, for any text: never fails, and resynchronises
/// at the next line after a string left open.
fn lex(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    let find = |from: usize, what: &str| text[from..].find(what).map(|found| from + found);
    let line_end = |from: usize| find(from, "\n").unwrap_or(text.len());
    while at < bytes.len() {
        let rest = &text[at..];
        let token = |kind, content: Span| Token { kind, content };
        match bytes[at] {
            b' ' | b'\t' | b'\r' => at += 1,
            b'\n' => {
                tokens.push(token(Kind::Newline, at..at + 1));
                at += 1;
            }
            b'#' => {
                let end = line_end(at);
                tokens.push(token(Kind::Comment, at + 1..end));
                at = end;
            }
            b'"' if rest.starts_with("\"\"\"") => {
                let start = at + 3;
                let mut end = start;
                // Bytes, not characters: a skipped escape may land inside a character, and a
                // quote byte is never part of one.
                while end < bytes.len() && !bytes[end..].starts_with(b"\"\"\"") {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(bytes.len());
                tokens.push(token(Kind::Str { literal: false }, start..end));
                at = (end + 3).min(bytes.len());
            }
            b'\'' if rest.starts_with("'''") => {
                let start = at + 3;
                let end = find(start, "'''").unwrap_or(text.len());
                tokens.push(token(Kind::Str { literal: true }, start..end));
                at = (end + 3).min(bytes.len());
            }
            b'"' => {
                let start = at + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' && bytes[end] != b'\n' {
                    end += if bytes[end] == b'\\' && bytes.get(end + 1) != Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                }
                let end = end.min(bytes.len());
                tokens.push(token(Kind::Str { literal: false }, start..end));
                at = if bytes.get(end) == Some(&b'"') {
                    end + 1
                } else {
                    end
                };
            }
            b'\'' => {
                let start = at + 1;
                let end = (start..bytes.len())
                    .find(|&i| bytes[i] == b'\'' || bytes[i] == b'\n')
                    .unwrap_or(bytes.len());
                tokens.push(token(Kind::Str { literal: true }, start..end));
                at = if bytes.get(end) == Some(&b'\'') {
                    end + 1
                } else {
                    end
                };
            }
            punct @ (b'=' | b'[' | b']' | b'{' | b'}' | b',' | b'.') => {
                tokens.push(token(Kind::Punct(punct), at..at + 1));
                at += 1;
            }
            _ => {
                let end = rest
                    .char_indices()
                    .find(|&(i, c)| i > 0 && (c.is_whitespace() || "=[]{},.#\"'".contains(c)))
                    .map_or(text.len(), |(i, _)| at + i);
                tokens.push(token(Kind::Bare, at..end));
                at = end;
            }
        }
        // Every branch above stops on an ASCII byte or at the end, both character boundaries
        // (a skipped escape may pass one, never stop inside one); should that ever change,
        // this keeps the next slice valid.
        while at < text.len() && !text.is_char_boundary(at) {
            at += 1;
        }
    }
    tokens
}

/// The name a key token decodes to, or `None` when its escapes do not decode (then it may be
/// anything, a password key included).
fn key_name(text: &str, token: &Token) -> Option<String> {
    let raw = &text[token.content.clone()];
    match token.kind {
        Kind::Str { literal: false } => {
            let mut name = String::new();
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c != '\\' {
                    name.push(c);
                    continue;
                }
                let decoded = match chars.next()? {
                    'u' => char::from_u32(
                        u32::from_str_radix(&chars.by_ref().take(4).collect::<String>(), 16)
                            .ok()?,
                    )?,
                    'U' => char::from_u32(
                        u32::from_str_radix(&chars.by_ref().take(8).collect::<String>(), 16)
                            .ok()?,
                    )?,
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                };
                name.push(decoded);
            }
            Some(name)
        }
        _ => Some(raw.to_string()),
    }
}

/// The blanks of a text that does not parse: the values of keys that may name a secret (in a
/// section, an inline table or a dotted key, however quoted or escaped), of password source
/// keys that do not look like a name or a path, the credentials of URLs and hosts, and on
/// every line the value after a secret word or an escape followed by `=` or `:`.
fn conservative(text: &str, tokens: &[Token], blanks: &mut Vec<Span>) {
    /// A bracket opened inside a value, and whether that value is secret.
    struct Frame {
        inline_table: bool,
        secret: bool,
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut expect_key = true;
    let mut header = false;
    let mut table_secret = false;
    let mut key_secret = false;
    let mut value_secret = false;
    // The last key read, decoded, and the key of the value being read: a password source or a
    // host says what its value must not hold.
    let mut key = String::new();
    let mut value_key = String::new();
    for token in tokens {
        let secret_now =
            |frames: &[Frame]| table_secret || value_secret || frames.iter().any(|f| f.secret);
        match token.kind {
            Kind::Newline if frames.is_empty() => {
                expect_key = true;
                header = false;
                key_secret = false;
                value_secret = false;
                key.clear();
                value_key.clear();
            }
            Kind::Newline | Kind::Comment => {}
            Kind::Punct(b'[') if expect_key && frames.is_empty() => {
                if !header {
                    table_secret = false;
                }
                header = true;
            }
            Kind::Punct(b'[') | Kind::Punct(b'{') => {
                let inline_table = token.kind == Kind::Punct(b'{');
                frames.push(Frame {
                    inline_table,
                    secret: secret_now(&frames),
                });
                if inline_table {
                    expect_key = true;
                    key_secret = false;
                    value_secret = false;
                    key.clear();
                }
            }
            Kind::Punct(b']') | Kind::Punct(b'}') => {
                if !header {
                    let closed = frames.pop();
                    value_secret = closed.is_some_and(|frame| frame.secret);
                    expect_key = false;
                }
            }
            Kind::Punct(b',') => {
                if frames.last().is_some_and(|frame| frame.inline_table) {
                    expect_key = true;
                    key_secret = false;
                    value_secret = false;
                    key.clear();
                }
            }
            Kind::Punct(b'=') => {
                if expect_key {
                    expect_key = false;
                    value_secret = key_secret;
                    value_key = std::mem::take(&mut key);
                }
            }
            Kind::Punct(_) => {}
            Kind::Str { .. } | Kind::Bare => {
                let names_a_secret =
                    || key_name(text, token).is_none_or(|name| is_secret_key(&name));
                if header {
                    table_secret |= names_a_secret();
                } else if expect_key {
                    key_secret |= names_a_secret();
                    key = key_name(text, token).unwrap_or_default();
                } else if secret_now(&frames) {
                    if !token.content.is_empty() {
                        blanks.push(token.content.clone());
                    }
                } else if let Some(source) = SourceKey::of(&value_key) {
                    // Only a string can name a variable or a path; its text as written is
                    // judged (an escape makes it suspect, which is the safe side).
                    let written = &text[token.content.clone()];
                    if !written.is_empty() && (token.kind == Kind::Bare || !source.accepts(written))
                    {
                        blanks.push(token.content.clone());
                    }
                } else {
                    let offset = token.content.start;
                    blanks.extend(
                        credentials_in(&text[token.content.clone()], &value_key)
                            .into_iter()
                            .map(|found| offset + found.start..offset + found.end),
                    );
                }
            }
        }
    }
    // Should the lexer have misread the structure (a string or a bracket left open swallowing
    // lines), each line is looked at on its own too, and so is every line under a header line
    // that names a secret.
    let mut start = 0;
    let mut under_secret_header = false;
    for line in text.split_inclusive('\n') {
        let end = start + line.trim_end_matches(['\r', '\n']).len();
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            let name = trimmed.split(']').next().unwrap_or(trimmed);
            under_secret_header = name
                .split(['[', '.', ' ', '"', '\''])
                .any(|part| !part.is_empty() && is_secret_key(part))
                || name.contains("\\u");
        } else if under_secret_header && let Some(equals) = line.find('=') {
            let after = start + equals + 1;
            let value = after + (text[after..end].len() - text[after..end].trim_start().len());
            let value = value_at(text, value, end, true);
            if !value.is_empty() {
                blanks.push(value);
            }
        }
        assignment_in(text, start..end, true, blanks);
        start += line.len();
    }
}

/// In `range` of `text` (a comment, or a line in the conservative scan): the value (see
/// [`value_at`]) after every secret word (not the `_env`/`_file` key) or `\u` escape that is
/// followed by `=` or `:`; the value after a `_env`/`_file` key that does not look like a
/// variable name or a path; the password of a host after `host`; and the credentials of any
/// URL.
fn assignment_in(text: &str, range: Span, across_lines: bool, blanks: &mut Vec<Span>) {
    let part = &text[range.clone()];
    // ASCII lower case keeps every byte where it was, so positions in `lower` are positions in
    // `part`. (Full lower case may move them — `İİK` keeps its length but not its character
    // boundaries — and slicing there panicked.)
    let lower = part.to_ascii_lowercase();
    // A secret word that only full lower case reveals (a Kelvin sign for a `k`): every
    // position is suspect.
    let unicode_only = !part.is_ascii() && {
        let full = part.to_lowercase();
        SECRET_WORDS
            .iter()
            .any(|word| full.contains(word) && !lower.contains(word))
    };
    let suspicious_from = |from: usize| -> Option<usize> {
        if unicode_only {
            return (from == 0).then_some(0);
        }
        SECRET_WORDS
            .iter()
            .flat_map(|word| {
                lower[from..]
                    .match_indices(word)
                    .map(move |(at, _)| from + at + word.len())
            })
            .filter(|&after| {
                !(lower[after..].starts_with("_env") || lower[after..].starts_with("_file"))
            })
            .chain(
                lower[from..]
                    .match_indices("\\u")
                    .map(|(at, _)| from + at + 2),
            )
            .min()
    };
    let mut from = 0;
    while let Some(marker) = suspicious_from(from) {
        let Some(separator) = part[marker..].find(['=', ':']) else {
            break;
        };
        // The word names what is assigned only when what stands between them could be part of
        // a key (`password = `, `db.password.old: `, `"password" =`): in prose, a `=` further
        // on belongs to something else ("its password (or password_file = \"path\")").
        let key_like = part[marker..marker + separator]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " \t_-.'\"[]".contains(c));
        if !unicode_only && !key_like {
            from = marker;
            continue;
        }
        let after = marker + separator + 1;
        let start = after + (part[after..].len() - part[after..].trim_start().len());
        let value = value_at(text, range.start + start, range.end, across_lines);
        let end = value.end.min(range.end) - range.start;
        if !value.is_empty() {
            blanks.push(value);
        }
        from = end.max(after);
        if from >= part.len() {
            break;
        }
    }
    // The value after the first `=` or `:` from `at` of `part`, in `text`.
    let value_after = |at: usize| -> Option<Span> {
        let after = at + part[at..].find(['=', ':'])? + 1;
        let start = after + (part[after..].len() - part[after..].trim_start().len());
        Some(value_at(text, range.start + start, range.end, across_lines))
    };
    // A password source whose value does not look like a variable name or a path.
    for word in SECRET_WORDS {
        for (at, _) in lower.match_indices(word) {
            let after = at + word.len();
            let (source, suffix) = if lower[after..].starts_with("_env") {
                (SourceKey::Env, "_env")
            } else if lower[after..].starts_with("_file") {
                (SourceKey::File, "_file")
            } else {
                continue;
            };
            if let Some(value) = value_after(after + suffix.len())
                && !value.is_empty()
                && !source.accepts(&text[value.clone()])
            {
                blanks.push(value);
            }
        }
    }
    // A host's credentials.
    for (at, _) in lower.match_indices("host") {
        if let Some(value) = value_after(at + "host".len()) {
            let offset = value.start;
            blanks.extend(
                host_credentials(&text[value])
                    .and_then(|found| found.password)
                    .map(|password| offset + password.start..offset + password.end),
            );
        }
    }
    blanks.extend(
        url_credentials(part)
            .into_iter()
            .filter_map(|found| found.password)
            .chain(url_query_credentials_in_text(part))
            .map(|found| range.start + found.start..range.start + found.end),
    );
}

/// The value starting at byte `start` of `text`, on a line (or in a comment) ending at `end`:
/// the inside of its quotes, else up to `,`, `}`, `]`, `#` or `end`, trailing spaces left out.
/// Quotes not closed by `end` run to `end`, except multi-line ones when `across_lines`: those
/// run to their closing quotes, or to the end of the text.
fn value_at(text: &str, start: usize, end: usize, across_lines: bool) -> Span {
    let rest = &text[start..end];
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if !rest.starts_with(quote) {
            continue;
        }
        let open = start + quote.len();
        let limit = if across_lines && quote.len() == 3 {
            text.len()
        } else {
            end
        };
        let inside = &text[open..limit];
        let mut at = 0;
        while at < inside.len() {
            if inside[at..].starts_with(quote) {
                return open..open + at;
            }
            at += if quote.starts_with('"') && inside.as_bytes()[at] == b'\\' {
                2
            } else {
                1
            };
            while at < inside.len() && !inside.is_char_boundary(at) {
                at += 1;
            }
        }
        return open..limit;
    }
    let stop = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    start..start + rest[..stop].trim_end().len()
}

impl Redaction {
    /// The `problems` of `text`, shown on `text` redacted by this redaction (their spans moved
    /// onto it), so no diagnostic quotes a password. `what` names the file: "plan", "waivers".
    pub fn errors(
        &self,
        what: &'static str,
        path: &str,
        text: &str,
        problems: Vec<PlanProblem>,
    ) -> PlanErrors {
        let problems = problems
            .into_iter()
            .map(|mut problem| {
                let span = problem.span.offset()..problem.span.offset() + problem.span.len();
                problem.span = self.map(span).into();
                problem
            })
            .collect();
        PlanErrors {
            what,
            source_code: NamedSource::new(path, self.apply(text)),
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> String {
        Redaction::of(text).apply(text)
    }

    /// `İİK` lower-cases to `i̇i̇k`: the same number of bytes, other character boundaries. The
    /// scan of an unparsable plan sliced at them and panicked (found by proptest).
    #[test]
    fn text_whose_lower_case_moves_character_boundaries() {
        for text in [
            "İİK password = \"hunter2\"\n[",
            "İİ password K = \"hunter2\"\n[",
            "İ password = hunter2Ѩ ẞ\n[",
            "# İ password: hunter2Ѩ ẞ\n[",
            "ѩ İİK x = 1 # password: hunter2\n[[",
            "to\u{212A}en = \"hunter2\"\n[",
        ] {
            let shown = redacted(text);
            assert!(!shown.contains("hunter2"), "{text:?} → {shown:?}");
        }
        // Every short sequence of such pieces: none panics.
        let pieces = ["İ", "K", "Ѩ", "password", " = ", ": ", "# ", "x", "\n"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            for text in &texts {
                let _ = Redaction::of(text).apply(text);
            }
        }
    }

    #[test]
    fn secret_keys_however_named() {
        for key in [
            "password",
            "drc_password",
            "PASSWORD",
            "pasword",
            "passowrd",
            "db_passwd",
            "pwd",
            "api_token",
            "client_secret",
            "pass",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "password_env",
            "password_file",
            "drc_password_env",
            "pasword_env",
            "host",
            "user",
            "port",
            "path",
            "project",
            "databases",
            "tenant",
            "drc_user",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn url_credentials_are_found_in_any_url() {
        let text = "http://admin:pw@host:8089/api";
        let found = url_credentials(text);
        assert_eq!(&text[found[0].userinfo.clone()], "admin:pw");
        assert_eq!(&text[found[0].password.clone().unwrap()], "pw");
        let user_only = url_credentials("https://admin@host");
        assert_eq!(user_only.len(), 1);
        assert_eq!(user_only[0].password, None);
        assert!(url_credentials("http://host:8089/a@b").is_empty());
        assert!(url_credentials("http://oms.example.internal:8089").is_empty());
        assert!(url_credentials("not a url: a@b").is_empty());
        let two = "mysql://u:p@a, http://v:q@b";
        assert_eq!(url_credentials(two).len(), 2);
    }

    #[test]
    fn password_sources_and_what_their_values_look_like() {
        for (key, source) in [
            ("password_env", Some(SourceKey::Env)),
            ("drc_password_env", Some(SourceKey::Env)),
            ("pasword_env", Some(SourceKey::Env)),
            ("password_file", Some(SourceKey::File)),
            ("DRC_PASSWORD_FILE", Some(SourceKey::File)),
            ("password", None),
            ("host_env", None),
            ("ca_file", None),
        ] {
            assert_eq!(SourceKey::of(key), source, "{key}");
        }
        for name in ["OB_A_PASSWORD", "_x", "oms_password", "X1"] {
            assert!(SourceKey::Env.accepts(name), "{name}");
        }
        for not_a_name in ["", "1X", "Pw0rd...", "OB-A", "OB A", "X\n", "ÄB", "$X"] {
            assert!(!SourceKey::Env.accepts(not_a_name), "{not_a_name:?}");
        }
        for path in [
            "/run/secrets/ob_b_password",
            "secrets/oms.pw",
            "C:\\secrets\\oms.txt",
            "My Secrets/oms (old).pw",
            "/run/credentials/oms@preflight.service/pw",
            "~/.oms_pw",
        ] {
            assert!(SourceKey::File.accepts(path), "{path}");
        }
        for not_a_path in [
            "",
            "   ",
            " padded",
            "trailing ",
            "two\nlines",
            "tab\there",
            "Tr0ub4dor&3",
            "hunter2!",
            "it's",
            "$HOME/pw",
            "a|b",
            "a;b",
            "a*",
            "why?",
            "<pw>",
            "`pw`",
        ] {
            assert!(!SourceKey::File.accepts(not_a_path), "{not_a_path:?}");
        }
        assert!(!SourceKey::File.accepts(&"a/".repeat(LONGEST_PATH)));
        // The problem names the key, never the value.
        let problem = SourceKey::Env.problem("tenants.a.password_env", 0..1);
        assert_eq!(
            problem.message,
            "`tenants.a.password_env` is not the name of an environment variable"
        );
    }

    #[test]
    fn credentials_in_a_host_or_a_url_query_are_found() {
        let host = "oms_a:pw@10.0.0.1";
        let found = host_credentials(host).unwrap();
        assert_eq!(&host[found.userinfo], "oms_a:pw");
        assert_eq!(&host[found.password.unwrap()], "pw");
        assert_eq!(host_credentials("oms_a@10.0.0.1").unwrap().password, None);
        assert_eq!(host_credentials("10.0.0.1"), None);
        assert_eq!(host_credentials("[::1]"), None);

        // A credential's value runs to the end: a password may hold `#`, `&` or a space.
        for (url, value) in [
            ("http://oms:8089/api?password=a&x=1", "a&x=1"),
            ("http://oms:8089/api?x=1&API_KEY=b;y=2", "b;y=2"),
            ("http://oms:8089/?access_token=pa#ss w&rd", "pa#ss w&rd"),
            ("http://oms:8089/#id_token=d", "d"),
            ("http://oms:8089/?x=1&p%61ss=e", "e"),
        ] {
            let values: Vec<&str> = url_query_credentials(url)
                .into_iter()
                .map(|span| &url[span])
                .collect();
            assert_eq!(values, [value], "{url}");
        }
        for clean in [
            "http://oms:8089",
            "http://oms:8089/?page=2&size=10",
            "http://oms:8089/?token=",
            "not a url ?password=x",
        ] {
            assert!(url_query_credentials(clean).is_empty(), "{clean}");
        }
        // In a line, each URL of it on its own, up to a quote or a space.
        let two = r#"a = "http://h/?secret=s1" b = 'https://g/#token=t2'"#;
        let values: Vec<&str> = url_query_credentials_in_text(two)
            .into_iter()
            .map(|span| &two[span])
            .collect();
        assert_eq!(values, ["s1", "t2"]);
    }

    /// A password typed where a variable name or a path belongs, or written in a host or a
    /// URL query: blanked whether the text parses or not, and in comments.
    #[test]
    fn misplaced_passwords_are_blanked_however_the_plan_is_written() {
        let written = r#"[oms]
url = "http://oms:8089/api?x=1&token=Query-Secret"
password_env = "Env-Secret!"
[tenants.a]
host = "oms_a:Host-Secret@10.0.0.1"
password_file = 'File-Secret|1'
drc_password_env = 20240101
pasword_file = "Near-Miss-File-Secret&"
conn = { host = "u:Inline-Host-Secret@h", drc_password_file = "Inline-File-Secret!" }
# password_env = "Comment-Secret!"
[tenants.b]
password_env = "OB_B_PASSWORD"
password_file = "/run/secrets/ob_b"
"#;
        let secrets = [
            "Query-Secret",
            "Env-Secret",
            "Host-Secret",
            "File-Secret",
            "20240101",
            "Near-Miss-File-Secret",
            "Inline-Host-Secret",
            "Inline-File-Secret",
            "Comment-Secret",
        ];
        for text in [written.to_string(), format!("{written}broken = [\n")] {
            let parses = toml_span::parse(&text).is_ok();
            let shown = redacted(&text);
            for secret in secrets {
                assert!(
                    !shown.contains(secret),
                    "{secret} shown (parses: {parses}):\n{shown}"
                );
            }
            // What is a name or a path stays, to be checked and labelled.
            assert!(
                shown.contains("password_env = \"OB_B_PASSWORD\""),
                "{shown}"
            );
            assert!(shown.contains("\"/run/secrets/ob_b\""), "{shown}");
            assert!(shown.contains("oms_a:<redacted>@10.0.0.1"), "{shown}");
            assert_eq!(shown.lines().count(), text.lines().count(), "{shown}");
        }
    }

    /// The plan `init` writes says where a password may come from in a comment: nothing in it
    /// is a secret, and the excerpts of `lint` show it as it is.
    #[test]
    fn a_comment_that_names_a_password_source_is_not_a_secret() {
        let text = "[oms]\npassword_env = \"OMS_PASSWORD\"           # the variable holding its password (or password_file = \"path\")\n\
                    # password_file = \"/run/secrets/oms\"\n";
        assert_eq!(redacted(text), text);
        // A secret assigned in a comment is still one, whatever comes first.
        for comment in [
            "# old password = \"hunter2\"\n",
            "# db.password.old: hunter2\n",
            "# \"password\" = 'hunter2'\n",
            "# its password (or password_file = \"a path\") and password = hunter2\n",
        ] {
            let shown = redacted(comment);
            assert!(!shown.contains("hunter2"), "{shown}");
        }
    }

    #[test]
    fn every_password_of_a_document_is_blanked_with_one_marker() {
        let text = r#"# password = "in-a-comment"
top = { host = "h", password = "inline-table", prot = 1 }
"pass\u0077ord" = "escaped-key"
'drc_password' = 'literal-key'
m.password = """
multi
line"""
n = { pasword = '''near-miss''' }
url = "http://admin:in-url@host:8089"
escaped_url = "http://admin:in-\u0065scaped-url@host"
[x.password]
inner = ["in-array", 12345]
[ok]
password_env = "STAYS"
"#;
        let shown = redacted(text);
        for secret in [
            "in-a-comment",
            "inline-table",
            "escaped-key",
            "literal-key",
            "multi",
            "near-miss",
            "in-url",
            "scaped-url",
            "in-array",
            "12345",
        ] {
            assert!(!shown.contains(secret), "{secret} in\n{shown}");
        }
        assert!(
            shown.contains("password = \"<redacted>\", prot = 1"),
            "{shown}"
        );
        assert!(
            shown.contains("http://admin:<redacted>@host:8089"),
            "{shown}"
        );
        assert!(shown.contains("password_env = \"STAYS\""), "{shown}");
        assert!(shown.contains("# password = \"<redacted>\""), "{shown}");
        // Every line keeps its number: a multi-line password leaves its line breaks.
        assert_eq!(shown.lines().count(), text.lines().count(), "{shown}");
        assert!(
            shown.contains("m.password = \"\"\"\n<redacted>\n\"\"\""),
            "{shown}"
        );
        // The same marker whatever the length.
        assert_eq!(
            redacted("password = \"a\"\n"),
            "password = \"<redacted>\"\n"
        );
        assert_eq!(
            redacted("password = \"a-much-longer-password\"\n"),
            "password = \"<redacted>\"\n"
        );
    }

    #[test]
    fn a_text_that_does_not_parse_is_scanned_conservatively() {
        let text = r#"[tenants.a]
host = "10.0.0.1
top = { host = "h", password = "inline-table", prot = 1 }
"pass\u0077ord" = "escaped-key"
m = { "password" = """
multi-line
secret""" }
url = "http://admin:in-url@host:8089"
password = "unterminated
yaml_style_password: "colon-form"
[tenants.password]
x = "in-secret-table"
y = 1979-05-27T07:32:00Z
"#;
        assert!(toml_span::parse(text).is_err());
        let shown = redacted(text);
        for secret in [
            "inline-table",
            "escaped-key",
            "multi-line",
            "secret\"",
            "in-url",
            "unterminated",
            "colon-form",
            "in-secret-table",
        ] {
            assert!(!shown.contains(secret), "{secret} in\n{shown}");
        }
        assert!(shown.contains("host = \"10.0.0.1\n"), "{shown}");
        assert_eq!(shown.lines().count(), text.lines().count(), "{shown}");
        // A string left open swallows the lines after it; the line scan still blanks them.
        let swallowed = "a = \"\"\"open\n[tenants.a]\npassword = \"hunter2\"\n";
        assert!(
            !redacted(swallowed).contains("hunter2"),
            "{}",
            redacted(swallowed)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// A password written in any of the ways a plan may, between random lines (an unclosed
        /// string or bracket, a stray quote, a comment...): never shown, and no span maps out of
        /// the redacted text.
        #[test]
        fn a_password_between_random_lines_is_never_shown(
            before in "(\\PC|[\"'\\[\\]{}=#,.]){0,30}",
            after in "(\\PC|[\"'\\[\\]{}=#,.\\n]){0,30}",
            shape in 0usize..14,
            start in 0usize..200,
            len in 0usize..200,
        ) {
            const SECRET: &str = "S3cr3t-Value";
            let written = [
                "password = \"S3cr3t-Value\"",
                "a = { host = \"h\", password = \"S3cr3t-Value\", port = 1 }",
                "\"pass\\u0077ord\" = \"S3cr3t-Value\"",
                "password = \"\"\"\nS3cr3t-Value\"\"\"",
                "url = \"http://admin:S3cr3t-Value@oms:8089\"",
                "# password = \"S3cr3t-Value\"",
                "[x.password]\nvalue = \"S3cr3t-Value\"",
                "drc_password = 'S3cr3t-Value'",
                "t.'pass\u{77}ord' = [\"S3cr3t-Value\"]",
                "password_env = \"S3cr3t-Value\"",
                "drc_password_file = 'S3cr3t-Value!'",
                "host = \"oms:S3cr3t-Value@10.0.0.1\"",
                "url = \"https://oms:8089/?x=1&access_token=S3cr3t-Value\"",
                "conn = { host = \"u:S3cr3t-Value@h\", port = 1 }",
            ][shape];
            let text = format!("{before}\n{written}\n{after}");
            let redaction = Redaction::of(&text);
            let shown = redaction.apply(&text);
            proptest::prop_assert!(!shown.contains(SECRET), "{text:?} shows as {shown:?}");
            let start = start.min(text.len());
            let mapped = redaction.map(start..(start + len).min(text.len()));
            proptest::prop_assert!(mapped.start <= mapped.end && mapped.end <= shown.len());
        }
    }

    #[test]
    fn spans_move_onto_the_redacted_text() {
        let text = "password = \"a-long-password\"\nhost = \"h\"\n";
        let redaction = Redaction::of(text);
        let shown = redaction.apply(text);
        let host = text.find("\"h\"").unwrap() + 1;
        assert_eq!(&shown[redaction.map(host..host + 1)], "h");
        let inside = text.find("long").unwrap();
        assert_eq!(&shown[redaction.map(inside..inside + 2)], MARKER);
        let whole = 0..text.len();
        assert_eq!(redaction.map(whole), 0..shown.len());
    }
}
