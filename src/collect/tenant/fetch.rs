//! A tenant's session for one collection: statements on the allowlist under the run's
//! timeout, their rows as text, shape errors as reasons.

use std::time::Duration;

use tokio::time::Instant;

use mysql_async::prelude::Queryable;
use mysql_async::{Pool, Row, Value};

use crate::facts::Fact;
use crate::i18n::Text;
use crate::text;
use layout::Layout;
use statements::{Rows, ShapeError};

use super::*;

/// Runs statements on one tenant's pool under the run's timeout. A scoped template's `{scope}`
/// becomes one placeholder per in-scope database, bound to the names.
pub(super) struct Fetcher<'a> {
    pub(super) pool: &'a Pool,
    /// `tenant <side> (<host:port>)`, which every error starts with.
    pub(super) endpoint: &'a Text,
    pub(super) scope: &'a [String],
    pub(super) params: &'a [Value],
    pub(super) timeout: Duration,
    /// The end of this tenant's collection ([`bound`]): no statement runs past it.
    pub(super) deadline: Instant,
    /// The ids of this check's own connections, as each runs a statement.
    pub(super) own: &'a std::sync::Mutex<std::collections::BTreeSet<u64>>,
}

impl Fetcher<'_> {
    /// A statement without parameters.
    pub(super) async fn fixed(&self, sql: &str) -> Result<Rows, Text> {
        self.run(sql, vec![], text_row).await
    }

    /// A statement over the kernel's dictionary, sent only when `layout` has every table and
    /// column it reads; otherwise why not, as a failed statement would say it.
    pub(super) async fn dictionary(
        &self,
        layout: &Layout,
        sql: &'static str,
    ) -> Result<Rows, Text> {
        layout
            .check(sql)
            .map_err(|why| naming(self.endpoint, why))?;
        self.fixed(sql).await
    }

    /// [`Fetcher::dictionary`] for a scoped template.
    pub(super) async fn dictionary_scoped(
        &self,
        layout: &Layout,
        template: &'static str,
    ) -> Result<Rows, Text> {
        self.dictionary_scoped_map(layout, template, text_row).await
    }

    /// [`Fetcher::dictionary`] for a scoped template, each row parsed by `parse`.
    pub(super) async fn dictionary_scoped_map<T>(
        &self,
        layout: &Layout,
        template: &'static str,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        layout
            .check(template)
            .map_err(|why| naming(self.endpoint, why))?;
        self.scoped_map(template, parse).await
    }

    /// A scoped template over the in-scope databases, every cell as text.
    pub(super) async fn scoped(&self, template: &'static str) -> Result<Rows, Text> {
        self.scoped_map(template, text_row).await
    }

    /// A scoped template over the in-scope databases, each row parsed by `parse`.
    pub(super) async fn scoped_map<T>(
        &self,
        template: &'static str,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        if self.params.is_empty() {
            // Nothing in scope: nothing to ask.
            return Ok(Vec::new());
        }
        let sql = statements::with_scope(template, self.scope.len());
        self.run(&sql, self.params.to_vec(), parse).await
    }

    /// Runs one statement under the timeout, each row turned into a `T` as it arrives: a large
    /// result is never held twice. The error names the tenant and the statement.
    pub(super) async fn run<T>(
        &self,
        sql: &str,
        params: Vec<Value>,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        let endpoint = self.endpoint;
        let statement = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        if !ALLOWLIST.allows(sql) {
            // A programming error, never a user's: refuse rather than send it.
            return Err(text!(
                "{endpoint}: `{statement} …` is not an allowlisted read statement; not sent",
                "{endpoint}：`{statement} …` 不是白名单中的只读语句；未发送";
                endpoint = endpoint
            ));
        }
        let work = async {
            let mut conn = self.pool.get_conn().await?;
            own_session(self.own, conn.id());
            let convert = |row: Row| parse(row.unwrap());
            let rows: Vec<Result<T, ShapeError>> = if params.is_empty() {
                conn.query_iter(sql).await?.map(convert).await?
            } else {
                conn.exec_iter(sql, params).await?.map(convert).await?
            };
            Ok::<_, mysql_async::Error>(rows)
        };
        let own_end = Instant::now() + self.timeout;
        match tokio::time::timeout_at(own_end.min(self.deadline), work).await {
            Err(_) if self.deadline < own_end => {
                let bound = bound(self.timeout).as_secs_f64();
                Err(text!(
                    "{endpoint}: `{statement} …` was cut when the tenant's collection reached its \
                     bound of {bound}s (4 × --timeout)",
                    "{endpoint}：`{statement} …` 在该租户的采集达到上限 {bound} 秒（4 × --timeout）时被中断";
                    endpoint = endpoint
                ))
            }
            Err(_) => {
                let seconds = self.timeout.as_secs_f64();
                Err(text!(
                    "{endpoint}: `{statement} …` gave no result within {seconds}s",
                    "{endpoint}：`{statement} …` 在 {seconds} 秒内没有返回结果";
                    endpoint = endpoint
                ))
            }
            Ok(Err(error)) => Err(text!(
                "{endpoint}: `{statement} …` failed: {error}",
                "{endpoint}：`{statement} …` 执行失败：{error}";
                endpoint = endpoint,
                error = failure::statement(&error)
            )),
            Ok(Ok(rows)) => rows
                .into_iter()
                .collect::<Result<Vec<T>, ShapeError>>()
                .map_err(|error| {
                    text!(
                        "{endpoint}: `{statement} …`: {error}",
                        "{endpoint}：`{statement} …`：{error}";
                        endpoint = endpoint,
                        error = Text::from(error)
                    )
                }),
        }
    }
}

pub(super) fn text_row(values: Vec<Value>) -> Result<Vec<Option<String>>, ShapeError> {
    Ok(values.into_iter().map(value_to_text).collect())
}

/// A statement's rows through its parser, as a fact: a failed statement or a row of an
/// unexpected shape makes it unavailable, with the reason.
pub(super) fn to_fact<T, R>(
    rows: Result<R, Text>,
    parse: impl FnOnce(&R) -> Result<T, ShapeError>,
) -> Fact<T> {
    match rows {
        Err(reason) => Fact::unavailable(reason),
        Ok(rows) => observed(parse(&rows)),
    }
}

/// What a parser made of rows, as a fact.
pub(super) fn observed<T>(parsed: Result<T, ShapeError>) -> Fact<T> {
    match parsed {
        Ok(value) => Fact::Observed(value),
        Err(error) => Fact::unavailable(error.into()),
    }
}

pub(super) fn value_to_text(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        Value::Float(n) => Some(n.to_string()),
        Value::Double(n) => Some(n.to_string()),
        Value::Date(y, m, d, h, mi, s, us) => Some(format!(
            "{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}"
        )),
        Value::Time(negative, days, h, m, s, us) => Some(format!(
            "{}{}:{m:02}:{s:02}.{us:06}",
            if negative { "-" } else { "" },
            u32::from(h) + days * 24
        )),
    }
}
