//! What a diagnostic shows of its source text.
//!
//! miette's graphical handler pads each underline with a width that must fit in 16 bits, so a
//! label past column 65,535 panics ("Formatting argument out of range"), and a line of 100,000
//! columns printed in full helps nobody anyway. So no diagnostic is rendered on its source as
//! is: [`Excerpted`] gives each diagnostic (and each of its related ones) its own excerpt, the
//! lines around its labels only, in which every line longer than [`LONG_LINE`] bytes keeps
//! [`AROUND`] bytes on each side of every label end it holds, with `…` for what is left out,
//! and every control character but a tab is shown as a visible escape (`\u{1b}`), so a plan
//! cannot write raw control characters to a terminal (nor can its keys, in messages: the
//! message and help are escaped too). The labels are moved onto the excerpt, and its header
//! still names the line and column of the original text.

use std::sync::Arc;

use super::printable::printable_lines;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// Lines up to this many bytes are shown whole.
pub const LONG_LINE: usize = 160;
/// Bytes kept on each side of a label's start and end on a longer line: enough to recognise
/// the entry (`password_env = "OB_A_PASSWORD"`), short enough that several labels fit a screen.
pub const AROUND: usize = 40;
/// Lines shown above and below a label; the handler is configured with the same number.
pub const CONTEXT_LINES: usize = 1;
/// Labels taken from one diagnostic. Ours have one each; the cap keeps a foreign diagnostic
/// with thousands of labels on one line within the handler's limits too.
const MOST_LABELS: usize = 64;
/// What stands for the bytes of a line left out.
const ELLIPSIS: &str = "…";

/// A source text shared by a diagnostic and its related ones, with where each line starts.
pub struct Source {
    name: Option<String>,
    text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: Option<String>, text: String) -> Arc<Source> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Arc::new(Source {
            name,
            text,
            line_starts,
        })
    }

    /// The whole text behind `code`, with its name. miette has no "whole text" call, but a span
    /// read with every line after it as context is the whole text.
    fn read(code: &dyn SourceCode) -> Option<Arc<Source>> {
        let contents = code
            .read_span(&SourceSpan::from(0..0), 0, usize::MAX)
            .ok()?;
        let text = String::from_utf8_lossy(contents.data()).into_owned();
        Some(Source::new(contents.name().map(str::to_string), text))
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// Where line `line` starts and where its text ends (before `\n` or `\r\n`).
    fn line_bounds(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line];
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        (start, end)
    }
}

/// One piece of an excerpt: `original` bytes of the source shown as `shown` bytes of the
/// excerpt. A piece is verbatim (the same bytes), or stands for them (`…`, an escape).
#[derive(Debug, Clone, Copy)]
struct Piece {
    original: usize,
    original_len: usize,
    shown: usize,
    shown_len: usize,
    verbatim: bool,
}

/// The lines of a source around some labels, cut and escaped for showing.
pub struct Excerpt {
    name: Option<String>,
    text: String,
    /// The 0-based source line the excerpt starts at.
    first_line: usize,
    /// Source byte offset of each of the excerpt's lines' start, for columns.
    line_starts: Vec<usize>,
    pieces: Vec<Piece>,
}

impl Excerpt {
    /// The excerpt of `source` that shows `spans` (byte ranges of the source), and the spans
    /// moved onto it.
    pub fn new(source: &Source, spans: &[SourceSpan]) -> (Excerpt, Vec<SourceSpan>) {
        let len = source.text.len();
        let clamp = |offset: usize| offset.min(len);
        let ends: Vec<(usize, usize)> = spans
            .iter()
            .map(|span| {
                let start = clamp(span.offset());
                (
                    start,
                    clamp(span.offset().saturating_add(span.len())).max(start),
                )
            })
            .collect();
        let mut points: Vec<usize> = ends.iter().flat_map(|&(start, end)| [start, end]).collect();
        points.sort_unstable();
        let (first, last) = match (points.first(), points.last()) {
            (Some(&first), Some(&last)) => (source.line_of(first), source.line_of(last)),
            _ => (0, 0),
        };
        let first_line = first.saturating_sub(CONTEXT_LINES);
        let last_line = (last + CONTEXT_LINES).min(source.line_starts.len() - 1);

        let mut excerpt = Excerpt {
            name: source.name.clone(),
            text: String::new(),
            first_line,
            line_starts: Vec::new(),
            pieces: Vec::new(),
        };
        for line in first_line..=last_line {
            let (start, end) = source.line_bounds(line);
            excerpt.line_starts.push(start);
            let on_line = &points
                [points.partition_point(|&p| p < start)..points.partition_point(|&p| p <= end)];
            let mut at = start;
            for (from, to) in kept(&source.text, start, end, on_line) {
                if from > at {
                    excerpt.stand_for(at, from - at, ELLIPSIS);
                }
                excerpt.escaped(&source.text, from, to);
                at = to;
            }
            if end > at {
                excerpt.stand_for(at, end - at, ELLIPSIS);
            }
            let next = source.line_starts.get(line + 1).copied().unwrap_or(len);
            if next > end {
                excerpt.verbatim(&source.text[end..next], end);
            }
        }
        let moved = ends
            .iter()
            .map(|&(start, end)| {
                let shown_start = excerpt.shown_offset(start, false);
                let shown_end = excerpt.shown_offset(end, true).max(shown_start);
                SourceSpan::from(shown_start..shown_end)
            })
            .collect();
        (excerpt, moved)
    }

    fn verbatim(&mut self, text: &str, original: usize) {
        if text.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            original,
            original_len: text.len(),
            shown: self.text.len(),
            shown_len: text.len(),
            verbatim: true,
        });
        self.text.push_str(text);
    }

    fn stand_for(&mut self, original: usize, original_len: usize, shown: &str) {
        self.pieces.push(Piece {
            original,
            original_len,
            shown: self.text.len(),
            shown_len: shown.len(),
            verbatim: false,
        });
        self.text.push_str(shown);
    }

    /// `text[from..to]`, with every control character but a tab as a visible escape.
    fn escaped(&mut self, text: &str, from: usize, to: usize) {
        let mut run = from;
        for (at, c) in text[from..to].char_indices() {
            let at = from + at;
            if c != '\t' && super::printable::needs_escape(c) {
                self.verbatim(&text[run..at], run);
                self.stand_for(at, c.len_utf8(), &super::printable::escape_char(c));
                run = at + c.len_utf8();
            }
        }
        self.verbatim(&text[run..to], run);
    }

    /// Where source offset `offset` is in the excerpt: inside a piece that stands for several
    /// bytes, a start goes before it and an end after it.
    fn shown_offset(&self, offset: usize, end: bool) -> usize {
        let index = self
            .pieces
            .partition_point(|piece| piece.original <= offset);
        let Some(piece) = index.checked_sub(1).map(|index| self.pieces[index]) else {
            return 0;
        };
        let into = offset - piece.original;
        if piece.verbatim {
            piece.shown + into.min(piece.shown_len)
        } else if into == 0 || !end {
            piece.shown
        } else {
            piece.shown + piece.shown_len
        }
    }

    /// The source offset shown at excerpt offset `shown`.
    fn original_offset(&self, shown: usize) -> usize {
        let index = self.pieces.partition_point(|piece| piece.shown <= shown);
        match index.checked_sub(1).map(|index| self.pieces[index]) {
            None => self.line_starts.first().copied().unwrap_or(0),
            Some(piece) if piece.verbatim => {
                piece.original + (shown - piece.shown).min(piece.original_len)
            }
            Some(piece) if shown == piece.shown => piece.original,
            Some(piece) => piece.original + piece.original_len,
        }
    }

    /// The 0-based source column of excerpt offset `shown`, in bytes as miette counts them.
    fn original_column(&self, shown: usize) -> usize {
        let original = self.original_offset(shown);
        let line = self.line_starts.partition_point(|&start| start <= original);
        original - line.checked_sub(1).map_or(0, |line| self.line_starts[line])
    }
}

/// The byte ranges of line `start..end` to show, in order: the whole line when it is short,
/// else a window around each of `points` (or its head when there are none), merged.
fn kept(text: &str, start: usize, end: usize, points: &[usize]) -> Vec<(usize, usize)> {
    if end - start <= LONG_LINE {
        return vec![(start, end)];
    }
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let ceil = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    let windows: Vec<(usize, usize)> = if points.is_empty() {
        vec![(start, start + 2 * AROUND)]
    } else {
        points
            .iter()
            .map(|&p| (p.saturating_sub(AROUND).max(start), (p + AROUND).min(end)))
            .collect()
    };
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (from, to) in windows {
        let (from, to) = (floor(from), ceil(to));
        match merged.last_mut() {
            // Joined when what lies between is no longer than the `…` that would replace it.
            Some(last) if from <= last.1 + ELLIPSIS.len() => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let line = self.first_line + inner.line();
        let column = self.original_column(inner.span().offset());
        let contents = match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                inner.data(),
                *inner.span(),
                line,
                column,
                inner.line_count(),
            ),
            None => MietteSpanContents::new(
                inner.data(),
                *inner.span(),
                line,
                column,
                inner.line_count(),
            ),
        };
        Ok(Box::new(contents))
    }
}

/// A diagnostic as it is rendered: the same message, help and code, its labels on an excerpt
/// of its source, and each related diagnostic on its own excerpt of the same source.
pub struct Excerpted<'d> {
    inner: &'d dyn Diagnostic,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Excerpted<'d>>,
}

impl<'d> Excerpted<'d> {
    pub fn new(inner: &'d dyn Diagnostic) -> Excerpted<'d> {
        Excerpted::on(inner, None)
    }

    /// `inner`, whose labels (and those of its related diagnostics without a source of their
    /// own) are on `source` unless it has its own.
    pub fn on(inner: &'d dyn Diagnostic, source: Option<&Arc<Source>>) -> Excerpted<'d> {
        let own = inner.source_code().and_then(Source::read);
        let source = own.as_ref().or(source);
        let labels: Vec<LabeledSpan> = inner
            .labels()
            .map(|labels| labels.take(MOST_LABELS).collect())
            .unwrap_or_default();
        let (excerpt, labels) = match source {
            Some(source) if !labels.is_empty() => {
                let spans: Vec<SourceSpan> = labels.iter().map(|label| *label.inner()).collect();
                let (excerpt, moved) = Excerpt::new(source, &spans);
                let labels = labels
                    .iter()
                    .zip(moved)
                    .map(|(label, span)| {
                        let text = label.label().map(str::to_string);
                        if label.primary() {
                            LabeledSpan::new_primary_with_span(text, span)
                        } else {
                            LabeledSpan::new_with_span(text, span)
                        }
                    })
                    .collect();
                (Some(excerpt), labels)
            }
            _ => (None, labels),
        };
        let related = inner
            .related()
            .map(|related| {
                related
                    .map(|diagnostic| Excerpted::on(diagnostic, source))
                    .collect()
            })
            .unwrap_or_default();
        Excerpted {
            inner,
            source: excerpt,
            labels,
            related,
        }
    }
}

impl std::fmt::Debug for Excerpted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.inner, f)
    }
}

impl std::fmt::Display for Excerpted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&printable_lines(&self.inner.to_string()))
    }
}

impl std::error::Error for Excerpted<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for Excerpted<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(printable_lines(&help).into_owned()))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related
                .iter()
                .map(|related| related as &dyn Diagnostic),
        ))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn render(text: &str, spans: &[(usize, usize)]) -> String {
        let mut diagnostic = miette::MietteDiagnostic::new("problem");
        diagnostic = diagnostic.with_labels(
            spans
                .iter()
                .map(|&(start, len)| LabeledSpan::at(start..start + len, "here")),
        );
        let report = miette::Report::new(diagnostic)
            .with_source_code(miette::NamedSource::new("p.toml", text.to_string()));
        let handler = crate::report::human::handler(false);
        crate::report::human::render_diagnostic(&handler, report.as_ref())
    }

    #[test]
    fn a_long_line_is_cut_around_each_label_and_the_column_is_the_original_one() {
        let text = format!("a = 1\nb = [{}\"x\", \"y\"]\nc = 3\n", " ".repeat(100_000));
        let x = text.find("\"x\"").unwrap();
        let rendered = render(&text, &[(x, 3)]);
        assert!(
            rendered.contains(&format!("[p.toml:2:{}]", x - 6 + 1)),
            "{rendered}"
        );
        assert!(rendered.contains(" 2 │ …"), "{rendered}");
        assert!(rendered.contains("\"x\", \"y\"]"), "{rendered}");
        assert!(rendered.contains(" 1 │ a = 1") && rendered.contains(" 3 │ c = 3"));
        assert!(
            rendered.lines().all(|line| line.chars().count() < 120),
            "{rendered}"
        );
        // Two labels far apart on one line: both windows, `…` between.
        let rendered = render(&text, &[(6, 1), (x, 3)]);
        assert!(
            rendered.contains(" 2 │ b = [") && rendered.contains("…"),
            "{rendered}"
        );
    }

    #[test]
    fn control_characters_of_the_source_are_shown_escaped() {
        let rendered = render("name = \"a\u{1b}[2Jb\"\tx\n", &[(0, 4)]);
        assert!(rendered.contains("name = \"a\\u{1b}[2Jb\""), "{rendered}");
        assert!(!rendered.contains('\u{1b}'), "{rendered}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any text, any spans (in range or not, inside a character or not): the excerpt and its
        /// rendering never panic, and no shown line is long.
        #[test]
        fn any_text_and_any_spans_render(
            text in "(\\PC|[\\r\\n\\t\\u{0}\\u{1b}]| {50,300}){0,60}",
            spans in prop::collection::vec((0usize..20_000, 0usize..400), 0..4),
        ) {
            let rendered = render(&text, &spans);
            prop_assert!(rendered.lines().all(|line| line.chars().count() < 2_000));
        }
    }
}
