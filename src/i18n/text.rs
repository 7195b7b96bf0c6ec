//! What a rule says — a finding's message and help, a reason for not deciding — in every
//! language of the reports, composed once at the rule with [`text!`](crate::text).

use std::cell::Cell;
use std::fmt;

use serde::{Serialize, Serializer};

use super::Lang;

/// A sentence in English and Simplified Chinese. Names, SQL, values and a server's own error
/// text stay as they are in both.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text {
    en: String,
    /// `None` when not said in Chinese (only [`Text::empty`] and joins with it): the Chinese
    /// reports show the English.
    zh: Option<String>,
}

impl Text {
    /// `en` in English, `zh` in Chinese.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            zh: Some(zh.into()),
        }
    }

    /// Nothing, in every language.
    pub const fn empty() -> Text {
        Text {
            en: String::new(),
            zh: None,
        }
    }

    /// The same in every language: a name, a value, SQL, a server's error text.
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            zh: Some(text.clone()),
            en: text,
        }
    }

    /// English only: the Chinese reports would show it in English. Every rule says everything
    /// in both languages, so only the tests of the fallback make one.
    #[cfg(test)]
    pub fn english(text: impl Into<String>) -> Text {
        Text {
            en: text.into(),
            zh: None,
        }
    }

    /// As a bundle recorded it: `zh` is `None` in a bundle written before its reasons were
    /// said in both languages (see [`bilingual`]).
    fn recorded(en: String, zh: Option<String>) -> Text {
        Text { en, zh }
    }

    pub fn en(&self) -> &str {
        &self.en
    }

    /// The Chinese, or the English when there is none.
    pub fn zh(&self) -> &str {
        self.zh.as_deref().unwrap_or(&self.en)
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.en(),
            Lang::ZhCn => self.zh(),
        }
    }

    /// Whether it was said in Chinese (the catalog test asks it of every finding).
    pub fn has_zh(&self) -> bool {
        self.zh.is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty()
    }

    /// Whether the English contains `pattern` (for tests and for the engine's grouping).
    pub fn contains(&self, pattern: &str) -> bool {
        self.en.contains(pattern)
    }

    pub fn starts_with(&self, pattern: &str) -> bool {
        self.en.starts_with(pattern)
    }

    pub fn ends_with(&self, pattern: &str) -> bool {
        self.en.ends_with(pattern)
    }

    /// Each language's text changed by `edit` (a sentence's capital, its full stop).
    pub fn map(&self, edit: impl Fn(&str) -> String) -> Text {
        Text {
            en: edit(&self.en),
            zh: self.zh.as_deref().map(&edit),
        }
    }

    /// `self` followed by `other`.
    pub fn concat(&self, other: &Text) -> Text {
        Text::join([self, other], "", "")
    }

    /// The parts joined by `en` in English and `zh` in Chinese; said in Chinese when every
    /// part is.
    pub fn join<'t>(parts: impl IntoIterator<Item = &'t Text>, en: &str, zh: &str) -> Text {
        let parts: Vec<&Text> = parts.into_iter().collect();
        Text {
            en: parts
                .iter()
                .map(|part| part.en())
                .collect::<Vec<_>>()
                .join(en),
            zh: parts.iter().all(|part| part.has_zh()).then(|| {
                parts
                    .iter()
                    .map(|part| part.zh())
                    .collect::<Vec<_>>()
                    .join(zh)
            }),
        }
    }

    /// `a`, `a and b`, `a, b and c`; `a`、`b` 和 `c`.
    pub fn list<'t>(parts: impl IntoIterator<Item = &'t Text>) -> Text {
        let parts: Vec<&Text> = parts.into_iter().collect();
        match parts.split_last() {
            None => Text::same(""),
            Some((last, [])) => (*last).clone(),
            Some((last, rest)) => Text::join(
                [&Text::join(rest.iter().copied(), ", ", "、"), last],
                " and ",
                " 和 ",
            ),
        }
    }
}

/// English: for logs, panics and assertions. Reports pick the language with [`Text::get`].
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.en == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.en == *other
    }
}

thread_local! {
    static SERIALIZED_IN: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Runs `serialize` with every [`Text`] serialized in `lang` (English otherwise): serde passes
/// no context to a field, and the machine reports' keys must not change with the language.
pub fn serialized_in<R>(lang: Lang, serialize: impl FnOnce() -> R) -> R {
    let before = SERIALIZED_IN.with(|current| current.replace(lang));
    let result = serialize();
    SERIALIZED_IN.with(|current| current.set(before));
    result
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.get(SERIALIZED_IN.with(Cell::get)))
    }
}

/// A [`Text`] kept in both languages where facts are stored (bundles), for
/// `#[serde(with = "crate::i18n::bilingual")]`: `{"en": …, "zh": …}` (no `zh` when it was not
/// said in Chinese). Reads that, or a plain string — a bundle written before reasons were said
/// in both languages — as English only. Reports serialize a [`Text`] as one string instead,
/// in the language of [`serialized_in`].
pub mod bilingual {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Text;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Plain(String),
        Both {
            en: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            zh: Option<String>,
        },
    }

    pub fn serialize<S: Serializer>(text: &Text, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Both<'t> {
            en: &'t str,
            #[serde(skip_serializing_if = "Option::is_none")]
            zh: Option<&'t str>,
        }
        Both {
            en: &text.en,
            zh: text.zh.as_deref(),
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Plain(en) => Text::recorded(en, None),
            Stored::Both { en, zh } => Text::recorded(en, zh),
        })
    }

    /// [`bilingual`](self) for an optional [`Text`].
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        use super::Text;

        pub fn serialize<S: Serializer>(
            text: &Option<Text>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match text {
                Some(text) => serializer.serialize_some(&Wrapped(text)),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Text>, D::Error> {
            #[derive(Deserialize)]
            struct Unwrapped(#[serde(with = "super")] Text);
            Ok(Option::<Unwrapped>::deserialize(deserializer)?.map(|Unwrapped(text)| text))
        }

        struct Wrapped<'t>(&'t Text);

        impl serde::Serialize for Wrapped<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::serialize(self.0, serializer)
            }
        }
    }
}

/// A [`Text`] formatted in English and in Chinese from one call site:
///
/// ```ignore
/// text!("tenant {tenant} has no log archive", "租户 {tenant} 未开启日志归档")
/// text!("{user} lacks {what}", "{user} 缺少{what}"; what = phrase)
/// ```
///
/// Both strings take the same arguments (inline, positional or named). Arguments after `;`
/// are themselves [`Text`]s: each language's string gets that language's words (the strings
/// then take their other arguments inline). A `Text` has no place as an ordinary argument —
/// its `Display` is English.
#[macro_export]
macro_rules! text {
    ($en:literal, $zh:literal; $($name:ident = $sub:expr),+ $(,)?) => {{
        $(let $name: &$crate::i18n::Text = &$sub;)+
        $crate::i18n::Text::new(
            {
                // A language may leave a word out that the other needs.
                $(#[allow(unused_variables)] let $name = $name.en();)+
                format!($en)
            },
            {
                $(#[allow(unused_variables)] let $name = $name.zh();)+
                format!($zh)
            },
        )
    }};
    ($en:literal, $zh:literal $(, $($arg:tt)*)?) => {
        $crate::i18n::Text::new(format!($en $(, $($arg)*)?), format!($zh $(, $($arg)*)?))
    };
}

/// `text` with its Chinese spaced as Chinese is written: no space beside full-width
/// punctuation or between two Chinese characters. A sentence composed of parts needs it: a
/// part such as `项目 X 的反向链路` or `项目 X（RUNNING）` may end in a name or in Chinese, and the
/// sentence cannot know which. The English is left as it is.
pub fn spaced(text: Text) -> Text {
    if !text.has_zh() {
        return text;
    }
    let chars: Vec<char> = text.zh().chars().collect();
    let ideograph = super::is_ideograph;
    let full_width = |c: char| "（），：；、。“”".contains(c);
    let zh: String = chars
        .iter()
        .enumerate()
        .filter(|&(at, &c)| {
            let (Some(&before), Some(&after)) = (
                at.checked_sub(1).and_then(|at| chars.get(at)),
                chars.get(at + 1),
            ) else {
                return true;
            };
            c != ' '
                || !(full_width(before)
                    || full_width(after)
                    || (ideograph(before) && ideograph(after)))
        })
        .map(|(_, c)| *c)
        .collect();
    Text::new(text.en(), zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_site_says_it_in_both_languages() {
        let tenant = "b";
        let what = text!("SELECT on app", "app 上的 SELECT 权限");
        let said = text!("tenant {tenant} lacks {what}", "租户 {tenant} 缺少{what}"; what = what);
        assert_eq!(said.en(), "tenant b lacks SELECT on app");
        assert_eq!(said.get(Lang::ZhCn), "租户 b 缺少app 上的 SELECT 权限");
        let counted = text!("{} tables", "{} 张表", 3);
        assert_eq!(counted.zh(), "3 张表");
    }

    #[test]
    fn english_only_text_falls_back_and_joins_stay_honest() {
        let english = Text::english("no archive");
        assert!(!english.has_zh());
        assert_eq!(english.get(Lang::ZhCn), "no archive");
        let a = Text::new("a", "甲");
        let b = Text::new("b", "乙");
        let c = Text::new("c", "丙");
        assert_eq!(Text::list([&a, &b, &c]).en(), "a, b and c");
        assert_eq!(Text::list([&a, &b, &c]).zh(), "甲、乙 和 丙");
        assert!(!Text::join([&a, &english], "; ", "；").has_zh());
    }

    #[test]
    fn serialized_text_follows_the_scoped_language() {
        let said = Text::new("pass", "通过");
        assert_eq!(serde_json::to_string(&said).unwrap(), "\"pass\"");
        let zh = serialized_in(Lang::ZhCn, || serde_json::to_string(&said).unwrap());
        assert_eq!(zh, "\"通过\"");
        assert_eq!(serde_json::to_string(&said).unwrap(), "\"pass\"");
    }

    #[test]
    fn stored_text_keeps_both_languages_and_reads_plain_strings_as_english() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Stored {
            #[serde(with = "bilingual")]
            reason: Text,
            #[serde(with = "bilingual::option", default)]
            why: Option<Text>,
        }
        let both = Stored {
            reason: Text::new("refused", "被拒绝"),
            why: Some(Text::same("ERROR 1045")),
        };
        // Stored in both languages whatever the scoped language of reports.
        let json = serialized_in(Lang::ZhCn, || serde_json::to_string(&both).unwrap());
        assert_eq!(
            json,
            r#"{"reason":{"en":"refused","zh":"被拒绝"},"why":{"en":"ERROR 1045","zh":"ERROR 1045"}}"#
        );
        assert_eq!(serde_json::from_str::<Stored>(&json).unwrap(), both);
        let old: Stored = serde_json::from_str(r#"{"reason":"refused","why":null}"#).unwrap();
        assert_eq!(old.reason, Text::english("refused"));
        assert!(!old.reason.has_zh());
        assert_eq!(old.why, None);
        let english = serde_json::to_string(&old).unwrap();
        assert_eq!(english, r#"{"reason":{"en":"refused"},"why":null}"#);
        assert_eq!(serde_json::from_str::<Stored>(&english).unwrap(), old);
    }

    #[test]
    fn chinese_is_spaced_as_chinese_and_english_is_untouched() {
        let said = spaced(text!(
            "project x (RUNNING) writes the reverse link of project y",
            "项目 x（RUNNING） 写入项目 y 的反向链路 的位点 ，租户 a"
        ));
        assert_eq!(
            said.zh(),
            "项目 x（RUNNING）写入项目 y 的反向链路的位点，租户 a"
        );
        assert_eq!(
            said.en(),
            "project x (RUNNING) writes the reverse link of project y"
        );
    }
}
