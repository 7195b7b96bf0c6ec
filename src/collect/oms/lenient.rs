//! Scalars as OMS writes them. The API reference's own examples print numbers and booleans as
//! strings (`"success": "true"`, `"totalCount": "151"`, `"order": "1"`, a port `"2883"`) where
//! its field tables say boolean or number, and checkpoints as Unix seconds, milliseconds or UTC
//! date-time strings. Each reader here accepts every spelling of its one kind of value and
//! refuses anything else with an error; the decoder names the field it happened in
//! (`data[3].port`), so an unreadable value is never read as a wrong one.
//!
//! Every reader takes an optional value (`null` or absent is `None`) and is meant for
//! `#[serde(default, deserialize_with = "...")]`.

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A JSON value in an error: short, whatever its size.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

fn refused<E: Error>(expected: &str, value: &Value) -> E {
    E::custom(format!("expected {expected}, found {}", shown(value)))
}

/// A string OMS left blank means no value.
fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// `true` / `false`, or the same as a string in any case.
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    let expected = "true or false (or \"true\" / \"false\")";
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(Value::String(text)) if blank(&text) => Ok(None),
        Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(refused(expected, &Value::String(text))),
        },
        Some(other) => Err(refused(expected, &other)),
    }
}

/// A whole number, or the same as a string.
fn number(value: Option<Value>, expected: &str) -> Result<Option<f64>, String> {
    match value {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(text)) if blank(&text) => Ok(None),
        Some(Value::String(text)) => match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(format!(
                "expected {expected}, found {}",
                shown(&Value::String(text))
            )),
        },
        Some(other) => Err(format!("expected {expected}, found {}", shown(&other))),
    }
}

/// A count (`totalCount`, rows of a verification): a whole number ≥ 0, or the same as a string.
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let expected = "a count (a whole number ≥ 0, or one as a string)";
    match number(Option::<Value>::deserialize(deserializer)?, expected).map_err(D::Error::custom)? {
        None => Ok(None),
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u64::MAX as f64 => Ok(Some(n as u64)),
        Some(n) => Err(D::Error::custom(format!("expected {expected}, found {n}"))),
    }
}

/// A whole number that may be negative (a step's `order`), or the same as a string.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let expected = "a whole number (or one as a string)";
    match number(Option::<Value>::deserialize(deserializer)?, expected).map_err(D::Error::custom)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && n.abs() <= i64::MAX as f64 => Ok(Some(n as i64)),
        Some(n) => Err(D::Error::custom(format!("expected {expected}, found {n}"))),
    }
}

/// A TCP port, as a number or a string.
pub fn port<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    let expected = "a port (1–65535, or one as a string)";
    match number(Option::<Value>::deserialize(deserializer)?, expected).map_err(D::Error::custom)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && (1.0..=65_535.0).contains(&n) => Ok(Some(n as u16)),
        Some(n) => Err(D::Error::custom(format!("expected {expected}, found {n}"))),
    }
}

/// A percentage (`"100"`, `100`, `100.0`), kept within 0–100.
pub fn percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    let expected = "a percentage (a number, or one as a string)";
    Ok(
        number(Option::<Value>::deserialize(deserializer)?, expected)
            .map_err(D::Error::custom)?
            .map(|p| p.clamp(0.0, 100.0) as u8),
    )
}

/// A point in time, as seconds since the Unix epoch: Unix seconds or milliseconds (OMS sends
/// both), as a number or a string, or a date-time string (`2023-08-01T06:34:01`, UTC, as the
/// API reference documents a store's checkpoints). Zero or a negative number means "none yet".
pub fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let expected =
        "a time (Unix seconds or milliseconds, or a date-time like \"2023-08-01T06:34:01\")";
    let value = Option::<Value>::deserialize(deserializer)?;
    if let Some(Value::String(text)) = &value
        && text.contains(['-', ':'])
        && !text.trim().starts_with('-')
    {
        return crate::plan::date::parse_date_time(text)
            .map(Some)
            .ok_or_else(|| refused(expected, &Value::String(text.clone())));
    }
    let seconds = number(value, expected).map_err(D::Error::custom)?;
    Ok(seconds.filter(|n| *n > 0.0).map(|n| {
        // Seconds stay below 10^11 until the year 5138; milliseconds are above it since 1973,
        // microseconds above 10^14 since 1973 too. A value still ahead of the reading time is
        // the rules' to doubt, not ours to fix.
        if n >= 1e14 {
            (n / 1e6) as u64
        } else if n >= 1e11 {
            (n / 1e3) as u64
        } else {
            n as u64
        }
    }))
}

/// A name or an id: a string, or a number OMS wrote without quotes.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(refused("a string", &other)),
    }
}

/// A list of names (record types, DDL types): a JSON list of strings, or a string holding one
/// (`"[\"INSERT\",\"DDL\"]"`) or the names separated by commas (`"INSERT,DDL"`).
pub fn names<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    let expected = "a list of names (or a string of them)";
    let listed = |items: Vec<Value>| -> Result<Vec<String>, D::Error> {
        items
            .into_iter()
            .map(|item| match item {
                Value::String(name) => Ok(name.trim().to_string()),
                other => Err(refused(expected, &other)),
            })
            .filter(|name| !matches!(name, Ok(name) if name.is_empty()))
            .collect()
    };
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Value::Array(items)) => listed(items).map(Some),
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => listed(items).map(Some),
            _ => Ok(Some(
                text.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(str::to_string)
                    .collect(),
            )),
        },
        Some(other) => Err(refused(expected, &other)),
    }
}

/// [`text`] for a field that must be there: an id.
pub fn required_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    text(deserializer)?.ok_or_else(|| D::Error::custom("expected a string, found null"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Scalars {
        #[serde(deserialize_with = "super::flag")]
        flag: Option<bool>,
        #[serde(deserialize_with = "super::count")]
        count: Option<u64>,
        #[serde(deserialize_with = "super::integer")]
        integer: Option<i64>,
        #[serde(deserialize_with = "super::port")]
        port: Option<u16>,
        #[serde(deserialize_with = "super::percent")]
        percent: Option<u8>,
        #[serde(deserialize_with = "super::timestamp")]
        time: Option<u64>,
        #[serde(deserialize_with = "super::text")]
        text: Option<String>,
    }

    fn read(json: &str) -> Result<Scalars, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|error| format!("{}: {}", error.path(), error.inner()))
    }

    #[test]
    fn every_scalar_reads_as_a_value_or_as_a_string() {
        let typed = read(
            r#"{"flag":true,"count":151,"integer":-1,"port":2883,"percent":100,"time":1690871641,"text":7}"#,
        )
        .unwrap();
        let strings = read(
            r#"{"flag":"TRUE","count":"151","integer":"-1","port":"2883","percent":"100.0","time":"2023-08-01T06:34:01","text":"7"}"#,
        )
        .unwrap();
        for scalars in [typed, strings] {
            assert_eq!(scalars.flag, Some(true));
            assert_eq!(scalars.count, Some(151));
            assert_eq!(scalars.integer, Some(-1));
            assert_eq!(scalars.port, Some(2883));
            assert_eq!(scalars.percent, Some(100));
            assert_eq!(scalars.time, Some(1_690_871_641));
            assert_eq!(scalars.text.as_deref(), Some("7"));
        }
    }

    #[test]
    fn absent_null_and_blank_are_no_value() {
        for json in [
            "{}",
            r#"{"flag":null,"count":null,"integer":null,"port":null,"percent":null,"time":null,"text":null}"#,
            r#"{"flag":"","count":" ","integer":"","port":"","percent":"","time":""}"#,
        ] {
            let scalars = read(json).unwrap();
            assert_eq!(
                (
                    scalars.flag,
                    scalars.count,
                    scalars.integer,
                    scalars.port,
                    scalars.percent,
                    scalars.time
                ),
                (None, None, None, None, None, None),
                "{json}"
            );
        }
        // Zero and negative times are "none yet"; milliseconds are brought to seconds.
        assert_eq!(read(r#"{"time":0}"#).unwrap().time, None);
        assert_eq!(read(r#"{"time":"-5"}"#).unwrap().time, None);
        assert_eq!(
            read(r#"{"time":1690871641000}"#).unwrap().time,
            Some(1_690_871_641)
        );
        assert_eq!(
            read(r#"{"time":1690871641000000}"#).unwrap().time,
            Some(1_690_871_641)
        );
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Names {
        #[serde(deserialize_with = "super::names")]
        names: Option<Vec<String>>,
    }

    #[test]
    fn names_as_a_list_or_a_string_of_one() {
        let read = |json: &str| serde_json::from_str::<Names>(json).map(|n| n.names);
        let both = Some(vec!["INSERT".to_string(), "DDL".to_string()]);
        assert_eq!(read(r#"{"names":["INSERT","DDL"]}"#).unwrap(), both);
        assert_eq!(read(r#"{"names":"[\"INSERT\",\"DDL\"]"}"#).unwrap(), both);
        assert_eq!(read(r#"{"names":"INSERT, DDL"}"#).unwrap(), both);
        assert_eq!(read(r#"{"names":""}"#).unwrap(), Some(vec![]));
        assert_eq!(read(r#"{"names":null}"#).unwrap(), None);
        assert!(read(r#"{"names":[1]}"#).is_err());
        assert!(read(r#"{"names":{}}"#).is_err());
    }

    #[test]
    fn anything_else_is_refused_with_the_field_named() {
        for (json, field) in [
            (r#"{"flag":"yes"}"#, "flag"),
            (r#"{"flag":1}"#, "flag"),
            (r#"{"count":"151 projects"}"#, "count"),
            (r#"{"count":-3}"#, "count"),
            (r#"{"count":1.5}"#, "count"),
            (r#"{"integer":[1]}"#, "integer"),
            (r#"{"port":"70000"}"#, "port"),
            (r#"{"port":0}"#, "port"),
            (r#"{"percent":"done"}"#, "percent"),
            (r#"{"time":"2023-08-01T25:00:00"}"#, "time"),
            (r#"{"time":"soon"}"#, "time"),
            (r#"{"time":{}}"#, "time"),
            (r#"{"text":{"id":1}}"#, "text"),
        ] {
            let error = read(json).unwrap_err();
            assert!(
                error.starts_with(&format!("{field}: expected")),
                "{json}: {error}"
            );
        }
    }
}
