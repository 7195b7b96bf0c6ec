//! What in a plan is, or holds, a secret: password keys (and their near misses), the
//! credentials a URL or a host may carry (userinfo, a query parameter such as `?token=…`), and
//! what the value of a password source key (`password_env`, `password_file`) may look like.
//! [`Redaction`](super::redact::Redaction) blanks what these find; validation refuses it.

use super::errors::PlanProblem;
use super::model::Span;

/// Words that make a key (or a line, in the conservative scan) name a secret.
pub(super) const SECRET_WORDS: &[&str] = &["password", "passwd", "pwd", "secret", "token"];

/// Whether a key named `name` (decoded) holds a secret: it contains a secret word, or its last
/// `_`-separated part is a near miss of `password` (`pasword`, `passowrd`), and it is not the
/// `_env` or `_file` key that says where a password is read from.
pub fn is_secret_key(name: &str) -> bool {
    let name = name.to_lowercase();
    if name.ends_with("_env") || name.ends_with("_file") {
        return false;
    }
    let last = name.rsplit(['_', '-', '.', ' ']).next().unwrap_or(&name);
    SECRET_WORDS.iter().any(|word| name.contains(word))
        || ["pw", "pass"].contains(&last)
        || (last.len().abs_diff("password".len()) <= 2
            && strsim::damerau_levenshtein(last, "password") <= 2)
}

/// Credentials written in a URL (`scheme://user:password@host`) or a host
/// (`user:password@host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredentials {
    /// `user:password`, as a byte range of the text.
    pub userinfo: Span,
    /// `password`, when there is one.
    pub password: Option<Span>,
}

/// Where each URL of `text` is: the byte offset of its authority (after `://`), the end of
/// its authority (at `/`, `?`, `#`, a space, a quote or the end), and its own end (at a
/// space, a quote or the end). A URL starts at a scheme: a letter, then letters, digits,
/// `+`, `-` or `.`, then `://`.
fn urls(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let ends_url = |c: char| c.is_whitespace() || c == '"' || c == '\'';
    text.match_indices("://").filter_map(move |(at, _)| {
        let scheme = &text[..at];
        let scheme_start = scheme
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |(before, c)| before + c.len_utf8());
        if !scheme[scheme_start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            return None;
        }
        let authority_start = at + 3;
        let rest = &text[authority_start..];
        let authority_len = rest
            .find(|c: char| "/?#".contains(c) || ends_url(c))
            .unwrap_or(rest.len());
        let url_len = rest.find(ends_url).unwrap_or(rest.len());
        Some((
            authority_start,
            authority_start + authority_len,
            authority_start + url_len,
        ))
    })
}

/// Every URL in `text` that carries credentials (a user name, a password or both).
pub fn url_credentials(text: &str) -> Vec<UrlCredentials> {
    urls(text)
        .filter_map(|(start, end, _)| userinfo(text, start..end))
        .collect()
}

/// The credentials before the last `@` of `authority` (a range of `text`), if it has any.
fn userinfo(text: &str, authority: Span) -> Option<UrlCredentials> {
    let userinfo_len = text[authority.clone()].rfind('@')?;
    let userinfo = authority.start..authority.start + userinfo_len;
    let password = text[userinfo.clone()]
        .find(':')
        .map(|colon| userinfo.start + colon + 1..userinfo.end)
        .filter(|password| !password.is_empty());
    Some(UrlCredentials { userinfo, password })
}

/// Credentials written in a host (`host = "oms_a:pw@10.0.0.1"`): everything before its last
/// `@`, read like a URL's userinfo. No address, name or ODP endpoint has an `@`.
pub fn host_credentials(host: &str) -> Option<UrlCredentials> {
    userinfo(host, 0..host.len())
}

/// Words that make a URL query parameter a credential, besides those of [`is_secret_key`]:
/// `?api_key=`, `?auth=`, `?credentials=`, `?signature=`, `?session=`, `?ticket=`.
const QUERY_SECRET_WORDS: &[&str] = &[
    "key",
    "auth",
    "credential",
    "signature",
    "session",
    "ticket",
];

/// Whether a URL query parameter named `name` (percent-encoded as written) carries a
/// credential: `password`, `token`, `secret`, `api_key`, `access_token`, `auth`...
fn is_query_secret(name: &str) -> bool {
    let decoded = percent_decoded(name).to_lowercase();
    is_secret_key(&decoded) || QUERY_SECRET_WORDS.iter().any(|word| decoded.contains(word))
}

/// `text` with its `%XX` escapes decoded (an escape that is not one is kept as written).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| text.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The values of the query and fragment parameters of every URL in `text`, a string's value,
/// that carry a credential (see [`is_query_secret`]): `?password=…`, `&token=…`,
/// `#access_token=…`. Each value runs to the end of the string: a password is not bound to
/// know a URL's syntax (`?password=pa#ss&word`), and a URL that holds one is refused anyway.
pub fn url_query_credentials(text: &str) -> Vec<Span> {
    query_credentials(text, false)
}

/// [`url_query_credentials`] in any text (a line, a comment), where a URL ends at a space or
/// a quote.
pub(super) fn url_query_credentials_in_text(text: &str) -> Vec<Span> {
    query_credentials(text, true)
}

fn query_credentials(text: &str, in_text: bool) -> Vec<Span> {
    let mut found = Vec::new();
    for (_, authority_end, url_end) in urls(text) {
        let end = if in_text { url_end } else { text.len() };
        let Some(query) = text[authority_end..end].find(['?', '#']) else {
            continue;
        };
        let mut at = authority_end + query + 1;
        for parameter in text[at..end].split(['&', ';', '?', '#']) {
            if let Some((name, value)) = parameter.split_once('=')
                && !value.is_empty()
                && is_query_secret(name)
            {
                found.push(at + name.len() + 1..end);
                break;
            }
            at += parameter.len() + 1;
        }
    }
    found
}

/// What to blank of the credentials written in `text`, which a key named `key` holds: the
/// password of every URL, the values of every URL query parameter that carries a credential,
/// and, in a host, the password before its `@`.
pub(super) fn credentials_in(text: &str, key: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = url_credentials(text)
        .into_iter()
        .filter_map(|found| found.password)
        .chain(url_query_credentials(text))
        .collect();
    if is_host_key(key) && !text.contains("://") {
        spans.extend(host_credentials(text).and_then(|found| found.password));
    }
    spans
}

/// Whether a key named `name` holds a host (`host`, in any case).
pub fn is_host_key(name: &str) -> bool {
    name.eq_ignore_ascii_case("host")
}

/// A key that says where a password is read from: `password_env`, `drc_password_file`, or a
/// near miss of one (`pasword_env`), whose name without `_env` or `_file` names a secret
/// (see [`is_secret_key`]). A password typed there instead of a name or a path would be
/// printed in every diagnostic about it, so a value that does not look like what the key
/// names is a plan error, and is blanked like a password wherever the plan is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKey {
    /// `*_env`: the name of an environment variable.
    Env,
    /// `*_file`: the path of a file.
    File,
}

/// Characters a password file's path never needs and passwords are full of: quotes and
/// what a shell would expand or interpret (a plan's paths are never expanded).
const NOT_IN_A_PATH: &[char] = &['"', '\'', '`', '$', '!', '*', '?', '<', '>', '|', ';', '&'];

/// The longest path read: Linux's `PATH_MAX`.
pub(super) const LONGEST_PATH: usize = 4096;

impl SourceKey {
    /// The kind of source a key named `name` (decoded) names, if it names one.
    pub fn of(name: &str) -> Option<SourceKey> {
        let name = name.to_ascii_lowercase();
        let (stem, kind) = match (name.strip_suffix("_env"), name.strip_suffix("_file")) {
            (Some(stem), _) => (stem, SourceKey::Env),
            (_, Some(stem)) => (stem, SourceKey::File),
            _ => return None,
        };
        is_secret_key(stem).then_some(kind)
    }

    /// Whether `value` looks like what the key names. A variable name is what a POSIX shell
    /// can export: `[A-Za-z_][A-Za-z0-9_]*`. A path is not blank, has no surrounding spaces, no
    /// control characters (a line break, a tab) and none of [`NOT_IN_A_PATH`], and is at most
    /// [`LONGEST_PATH`] bytes.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            SourceKey::Env => {
                let mut chars = value.chars();
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            }
            SourceKey::File => {
                !value.trim().is_empty()
                    && value.trim() == value
                    && value.len() <= LONGEST_PATH
                    && !value
                        .chars()
                        .any(|c| c.is_control() || NOT_IN_A_PATH.contains(&c))
            }
        }
    }

    /// The problem of a value `key` (its dotted path) does not [accept](SourceKey::accepts),
    /// labelled on `span`; it never quotes the value, which may be a password.
    pub fn problem(self, key: &str, span: Span) -> PlanProblem {
        let (what, help) = match self {
            SourceKey::Env => (
                "the name of an environment variable",
                "write the name of the variable that holds the password, such as \
                 OB_A_PASSWORD: letters, digits and `_`, not starting with a digit",
            ),
            SourceKey::File => (
                "a file path",
                "write the path of a file that holds the password, such as \
                 secrets/ob_a_password: no surrounding spaces, control characters, quotes, \
                 or any of $ ! * ? < > | ; &",
            ),
        };
        PlanProblem::new(
            format!("`{key}` is not {what}"),
            span,
            "not shown: it may be a password",
        )
        .help(help)
    }
}
