//! The HTTP client of the OMS API: one action a call, retried with backoff on timeouts and
//! 5xx, bodies read up to a cap, list actions read page by page.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::facts::{ClockReading, Fact};
use crate::i18n::Text;
use crate::plan::{OmsPlan, Secret};
use crate::text;
use api::{Envelope, Fault, FaultKind};

use super::*;

pub struct Client {
    http: reqwest::Client,
    base: String,
    user: String,
    password: Secret,
    timeout: Duration,
    /// OMS's clock from the `Date` header of the first answer that carried one.
    clock: std::sync::Mutex<Option<ClockReading>>,
}

impl Client {
    /// A client of `oms`, trusting `ca` (the bytes of `[oms] ca`, read with the plan) besides
    /// the system's roots.
    pub fn new(
        oms: &OmsPlan,
        ca: Option<&[u8]>,
        password: Secret,
        timeout: Duration,
    ) -> Result<Client, Text> {
        // reqwest is built without a default crypto provider; use ring, the provider mysql_async
        // is built with (`default-rustls-ring`), so the binary carries one crypto library, pure
        // Rust and assembly, that links against glibc 2.17 (`scripts/dist`). rustls 0.23.48
        // deprecated ring's provider because ring has no post-quantum key exchange; moving to
        // aws-lc-rs is a move of both clients at once, and of the portable build.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("oms-preflight/", env!("CARGO_PKG_VERSION")));
        if let (Some(pem), Some(ca)) = (ca, &oms.ca) {
            let certificate = reqwest::Certificate::from_pem(pem).map_err(|error| {
                text!(
                    "[oms] ca {ca} is not a PEM certificate: {error}",
                    "[oms] ca {ca} 不是 PEM 证书：{error}"
                )
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        let http = builder.build().map_err(|error| {
            text!(
                "cannot set up the HTTP client: {error}",
                "无法建立 HTTP 客户端：{error}"
            )
        })?;
        Ok(Client {
            http,
            base: oms.url.trim_end_matches('/').to_string(),
            user: oms.user.clone(),
            password,
            timeout,
            clock: std::sync::Mutex::new(None),
        })
    }

    /// OMS's clock as the `Date` header of its first answer gave it, or why it is not known.
    pub fn clock(&self) -> Fact<ClockReading> {
        let reading = *self
            .clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let base = &self.base;
        reading.map_or_else(
            || {
                Fact::unavailable(text!(
                    "no answer of OMS at {base} carried an HTTP Date header",
                    "{base} 上的 OMS 的应答都没有带 HTTP Date 头"
                ))
            },
            Fact::Observed,
        )
    }

    /// Keeps the first `Date` header OMS answered with, bracketed by when the call was sent
    /// and when its answer's headers arrived.
    fn read_clock(&self, response: &reqwest::Response, sent_us: i64) {
        let received_us = crate::plan::date::unix_now_us();
        let Some(seconds) = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(crate::plan::date::parse_http_date)
        else {
            return;
        };
        let mut clock = self
            .clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        clock.get_or_insert(ClockReading {
            remote_us: seconds.saturating_mul(1_000_000),
            sent_us,
            received_us,
            resolution_us: 1_000_000,
        });
    }

    /// One action, retried with backoff on timeouts and 5xx.
    pub async fn call<T: DeserializeOwned>(
        &self,
        action: &'static str,
        body: &Value,
    ) -> Result<Envelope<T>, Fault> {
        assert!(
            READ_ACTIONS.contains(&action),
            "{action} is not a read action"
        );
        crate::progress::step(crate::progress::Endpoint::Oms, &format!("calling {action}"));
        let mut attempt = 1;
        loop {
            match self.call_once(action, body).await {
                Err(fault) if fault.kind == FaultKind::Transient && attempt < ATTEMPTS => {
                    tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt - 1)).await;
                    attempt += 1;
                }
                Err(mut fault) => {
                    if attempt > 1 {
                        fault.reason = text!(
                            "{reason} (after {attempt} attempts)",
                            "{reason}（共尝试 {attempt} 次）";
                            reason = fault.reason
                        );
                    }
                    return Err(fault);
                }
                Ok(envelope) => return Ok(envelope),
            }
        }
    }

    async fn call_once<T: DeserializeOwned>(
        &self,
        action: &'static str,
        body: &Value,
    ) -> Result<Envelope<T>, Fault> {
        let url = format!("{}/api/v2?Action={action}", self.base);
        let transport = |kind, reason: Text| Fault {
            kind,
            reason: text!("{action}: {reason}", "{action}：{reason}"; reason = reason),
        };
        let (base, seconds) = (&self.base, self.timeout.as_secs_f64());
        let sent_us = crate::plan::date::unix_now_us();
        let response = self
            .http
            .post(&url)
            .basic_auth(&self.user, Some(self.password.expose()))
            .json(body)
            .send()
            .await
            .map_err(|error| {
                if error.is_timeout() {
                    transport(
                        FaultKind::Transient,
                        text!(
                            "no answer from {base} within {seconds}s",
                            "{base} 在 {seconds} 秒内没有应答"
                        ),
                    )
                } else {
                    let error = error_chain(&error);
                    transport(
                        FaultKind::Unusable,
                        text!("cannot reach {base}: {error}", "无法访问 {base}：{error}"),
                    )
                }
            })?;
        self.read_clock(&response, sent_us);
        let status = response.status().as_u16();
        let bytes = self.body(action, response).await?;
        api::decode(action, status, &bytes).map_err(|fault| self.at(fault))
    }

    /// The body, read chunk by chunk and given up past [`MAX_BODY_BYTES`]: an answer that big
    /// is not one OMS gives, and reading it whole could take the memory of the machine.
    async fn body(
        &self,
        action: &'static str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Fault> {
        // A cut body is not the API's answer: nothing in it, not even `success`, is believed.
        let too_large = || {
            self.at(Fault {
                kind: FaultKind::Unusable,
                reason: text!(
                    "{action}: the answer is larger than {} MiB, more than any OMS answer (not read further)",
                    "{action}：应答大于 {} MiB，超过任何 OMS 应答的大小（不再继续读取）",
                    MAX_BODY_BYTES >> 20
                ),
            })
        };
        if response
            .content_length()
            .is_some_and(|length| length > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let transport = |kind, reason: Text| Fault {
            kind,
            reason: text!("{action}: {reason}", "{action}：{reason}"; reason = reason),
        };
        let (base, seconds) = (&self.base, self.timeout.as_secs_f64());
        let mut bytes = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|error| {
                if error.is_timeout() {
                    transport(
                        FaultKind::Transient,
                        text!(
                            "{base} sent no complete body within {seconds}s",
                            "{base} 在 {seconds} 秒内没有发来完整的响应体"
                        ),
                    )
                } else {
                    let error = error_chain(&error);
                    transport(
                        FaultKind::Unusable,
                        text!(
                            "the response body from {base} ends early (truncated): {error}",
                            "来自 {base} 的响应体提前结束（被截断）：{error}"
                        ),
                    )
                }
            })?;
            match chunk {
                None => return Ok(bytes),
                Some(chunk) if bytes.len() + chunk.len() > MAX_BODY_BYTES => {
                    return Err(too_large());
                }
                Some(chunk) => bytes.extend_from_slice(&chunk),
            }
        }
    }

    /// `fault`, naming this OMS.
    pub(super) fn at(&self, mut fault: Fault) -> Fault {
        let base = &self.base;
        fault.reason =
            text!("{reason} at {base}", "{reason}（OMS 地址 {base}）"; reason = fault.reason);
        fault
    }

    /// Every item of a list action, page by page, each id once. A list OMS does not let us read
    /// to its end (a page of only ids already seen while it reports more, or more than
    /// [`MAX_PAGES`] pages) is a fault: a part of a list could hide the project that matters.
    pub async fn list<T: DeserializeOwned + api::Listed>(
        &self,
        action: &'static str,
    ) -> Result<Vec<T>, Fault> {
        let mut items = Vec::new();
        let mut seen = BTreeSet::new();
        let mut last_total = None;
        let unreadable = |reason: Text| {
            self.at(Fault {
                kind: FaultKind::Malformed,
                reason: text!(
                    "{action}{reason}: the list cannot be read whole",
                    "{action}{reason}：无法完整读取该列表";
                    reason = reason
                ),
            })
        };
        let reported = |total: Option<u64>| {
            total.map_or(text!("no totalCount", "没有 totalCount"), |total| {
                Text::same(format!("totalCount {total}"))
            })
        };
        for page in 1..=MAX_PAGES {
            let envelope: Envelope<Vec<T>> = self
                .call(action, &json!({"pageNumber": page, "pageSize": PAGE_SIZE}))
                .await?;
            let (data, total) =
                api::page(action, page, envelope).map_err(|fault| self.at(fault))?;
            let before = items.len();
            last_total = total;
            items.extend(
                data.into_iter()
                    .filter(|item| seen.insert(item.id().to_string())),
            );
            match next_page(before, items.len(), total) {
                Paging::Next => {}
                Paging::Done => return Ok(items),
                Paging::EndedShort => {
                    let what = if action == "ListProjects" {
                        text!("projects", "项目")
                    } else {
                        text!("data sources", "数据源")
                    };
                    let so_far = items.len();
                    return Err(unreadable(text!(
                        " (page {page}): a page of only {what} already listed, or none ({so_far} so far, {reported})",
                        "（第 {page} 页）：该页只有已列出的{what}，或为空（目前 {so_far} 个，{reported}）";
                        what = what,
                        reported = reported(total)
                    )));
                }
            }
        }
        let listed = items.len();
        Err(unreadable(text!(
            ": more than {MAX_PAGES} pages of {PAGE_SIZE} and still not the last ({listed} listed, {reported}), \
             past this tool's bound; not read whole",
            "：超过 {MAX_PAGES} 页（每页 {PAGE_SIZE} 个）仍未到最后一页（已列出 {listed} 个，{reported}），超出本工具的上限；未完整读取";
            reported = reported(last_total)
        )))
    }
}

/// What a list action's page says about the next one.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Paging {
    Next,
    Done,
    /// The list stopped adding items before the `totalCount` it reports.
    EndedShort,
}

/// Whether to read another page, after one that took the items read from `before` to `now`.
/// A short page alone never ends a list: a server may cap `pageSize` below what was asked
/// (the API reference documents 150 only for ListProjects). The list is whole when it holds
/// the `totalCount` OMS reports, or, when OMS reports none, at the first page adding nothing
/// new (empty, or only items already listed).
pub(super) fn next_page(before: usize, now: usize, total: Option<u64>) -> Paging {
    match total {
        Some(total) if now as u64 >= total => Paging::Done,
        Some(_) if now == before => Paging::EndedShort,
        None if now == before => Paging::Done,
        _ => Paging::Next,
    }
}

/// The error with its causes: reqwest's own message alone says little ("error sending request").
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
