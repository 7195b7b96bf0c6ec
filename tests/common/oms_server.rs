//! A stand-in for the OMS OpenAPI: a local HTTP/1.1 server that answers
//! `POST /api/v2?Action=NAME` with the fixture JSON of fixtures/oms/<scenario>/, or misbehaves on
//! purpose (401, 500, HTML, a truncated body, a response slower than the client's timeout, list
//! pages that never end, a body of a gigabyte), or holds thousands of generated projects.
//!
//! It is a few dozen lines over tokio rather than axum or wiremock because the faults need
//! byte-level control: a declared Content-Length the body never reaches, headers held back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const USER: &str = "admin";

#[derive(Clone, Debug)]
pub enum Behaviour {
    /// Bodies from fixtures/oms/<scenario>/, falling back to fixtures/oms/base/.
    Fixtures(&'static str),
    /// The same bodies in the shapes the OMS CE API reference prints, running projects
    /// `RUNNING_MODIFYING` / `RUNNING_MERGING` (tests/common/documented.rs).
    Documented(&'static str),
    /// This HTTP status with a short text body.
    Status(u16),
    /// HTTP 200 with an HTML login page.
    Html,
    /// HTTP 200 declaring more body than it sends, then closing the connection.
    Truncated,
    /// Waits this long before answering.
    Slow(Duration),
    /// ListProjects always reports another page (`totalCount` 10¹²): every page full, its ids
    /// the same on every page (`fresh_ids: false`) or new on each (`true`). Other actions as
    /// fixtures/oms/base.
    EndlessPages { fresh_ids: bool },
    /// `action` answers with this HTTP status; every other action as fixtures/oms/base.
    ActionStatus { action: &'static str, status: u16 },
    /// Every answer is HTTP 200 with a chunked JSON body of this many bytes.
    HugeBody(u64),
    /// The base fixtures plus `total` generated live projects between two data sources that are
    /// not the pair's, of which the first `touching` read tenant A (fixtures/oms/many-projects).
    /// The items show their endpoints, as DescribeProject does.
    ManyProjects { total: usize, touching: usize },
    /// `action` answers `success: false` with a message and a request id that repeat the
    /// password the server accepts and the `Authorization` header it was sent, as a server
    /// echoing credentials would; every other action as fixtures/oms/base.
    EchoCredentials { action: &'static str },
}

/// The largest page the server hands out, as OMS documents it.
const MAX_PAGE_SIZE: u64 = 150;

pub struct OmsServer {
    pub url: String,
    /// Every action received, in order.
    pub actions: Arc<Mutex<Vec<String>>>,
}

/// Starts a server for `behaviour`; `password` is the only one it accepts (HTTP Basic, user
/// `admin`); `{{KEY}}` in fixture bodies is replaced by `vars[KEY]`. Its answers carry a `Date`
/// header of this machine's clock, as an HTTP server with a clock sends.
pub fn start(behaviour: Behaviour, password: &str, vars: BTreeMap<String, String>) -> OmsServer {
    start_skewed(behaviour, password, vars, 0)
}

/// [`start`], its `Date` headers `skew_seconds` ahead of this machine's clock (behind when
/// negative): an OMS host whose clock is not synchronized.
pub fn start_skewed(
    behaviour: Behaviour,
    password: &str,
    vars: BTreeMap<String, String>,
    skew_seconds: i64,
) -> OmsServer {
    let actions = Arc::new(Mutex::new(Vec::new()));
    let expected_auth = format!("Basic {}", base64(format!("{USER}:{password}").as_bytes()));
    let state = Arc::new((
        behaviour,
        expected_auth,
        vars,
        actions.clone(),
        password.to_string(),
        skew_seconds,
    ));
    let port = super::serve_in_background(move |socket| {
        let state = state.clone();
        async move {
            let _ = serve(
                socket,
                &state.0,
                (&state.1, &state.4),
                &state.2,
                &state.3,
                state.5,
            )
            .await;
        }
    });
    let url = format!("http://127.0.0.1:{port}");
    OmsServer { url, actions }
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    behaviour: &Behaviour,
    (expected_auth, password): (&str, &str),
    vars: &BTreeMap<String, String>,
    actions: &Mutex<Vec<String>>,
    skew_seconds: i64,
) -> std::io::Result<()> {
    let (head, body) = read_request(&mut socket).await?;
    let request_line = head.lines().next().unwrap_or_default().to_string();
    let action = request_line
        .split_whitespace()
        .nth(1)
        .and_then(|target| target.split("Action=").nth(1))
        .map(|a| a.split('&').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    actions.lock().unwrap().push(action.clone());
    let authorized = head.lines().any(|line| {
        line.to_ascii_lowercase().starts_with("authorization:")
            && line[14..].trim() == expected_auth
    });
    let (status, content_type, payload) = match behaviour {
        _ if !request_line.starts_with("POST /api/v2?") => {
            (404, "text/plain", "not found".to_string())
        }
        Behaviour::Status(code) => (*code, "text/plain", format!("status {code}")),
        _ if !authorized => (
            401,
            "application/json",
            r#"{"success":false,"code":"UNAUTHORIZED"}"#.to_string(),
        ),
        Behaviour::Html => (
            200,
            "text/html",
            "<!DOCTYPE html><html><body><form>Login to OMS</form></body></html>".into(),
        ),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            (
                200,
                "application/json",
                fixture("base", &action, &body, vars),
            )
        }
        Behaviour::Truncated => {
            let full = fixture("base", &action, &body, vars);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                full.len()
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(&full.as_bytes()[..full.len() / 2]).await?;
            socket.flush().await?;
            return Ok(()); // dropping the socket cuts the body short
        }
        Behaviour::Fixtures(scenario) => (
            200,
            "application/json",
            fixture(scenario, &action, &body, vars),
        ),
        Behaviour::Documented(scenario) => (
            200,
            "application/json",
            super::documented::documented(&action, &fixture(scenario, &action, &body, vars), true),
        ),
        Behaviour::EndlessPages { fresh_ids } if action == "ListProjects" => {
            let (page, size) = paging(&body);
            let first = if *fresh_ids { (page - 1) * size } else { 0 };
            let items: Vec<String> = (first..first + size)
                .map(|n| project_item(&format!("np_endless_{n}"), "e_elsewhere", "e_elsewhere"))
                .collect();
            (
                200,
                "application/json",
                list_page(page, size, 1_000_000_000_000, &items),
            )
        }
        Behaviour::ActionStatus {
            action: failing,
            status,
        } if action == *failing => (*status, "text/plain", format!("status {status}")),
        Behaviour::ActionStatus { .. } => (
            200,
            "application/json",
            fixture("base", &action, &body, vars),
        ),
        Behaviour::EndlessPages { .. } => (
            200,
            "application/json",
            fixture("base", &action, &body, vars),
        ),
        Behaviour::HugeBody(size) => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            socket.write_all(head.as_bytes()).await?;
            // A JSON string that never closes within `size` bytes, 64 KiB a chunk.
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0u64;
            let opening = b"{\"success\": true, \"data\": \"";
            socket
                .write_all(format!("{:x}\r\n", opening.len()).as_bytes())
                .await?;
            socket.write_all(opening).await?;
            socket.write_all(b"\r\n").await?;
            while sent < *size {
                let n = chunk.len().min((*size - sent) as usize);
                socket.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                socket.write_all(&chunk[..n]).await?;
                socket.write_all(b"\r\n").await?;
                sent += n as u64;
            }
            socket.write_all(b"0\r\n\r\n").await?;
            return socket.shutdown().await;
        }
        Behaviour::EchoCredentials { action: echoing } if action == *echoing => (
            200,
            "application/json",
            serde_json::json!({
                "success": false,
                "code": "AUTH_ECHO",
                "message": format!("wrong password {password} (Authorization: {expected_auth})"),
                "requestId": password,
            })
            .to_string(),
        ),
        Behaviour::EchoCredentials { .. } => (
            200,
            "application/json",
            fixture("base", &action, &body, vars),
        ),
        Behaviour::ManyProjects { total, touching } => (
            200,
            "application/json",
            many_projects(*total, *touching, &action, &body, vars),
        ),
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Error",
    };
    let date = http_date(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |now| now.as_secs() as i64)
            + skew_seconds,
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nDate: {date}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    socket.write_all(response.as_bytes()).await?;
    socket.shutdown().await
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate) for a Unix time in seconds.
pub fn http_date(seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> std::io::Result<(String, String)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(position) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break position + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[header_end..]).into_owned();
    Ok((head, body))
}

/// The page number and page size a list request asks for (size capped as OMS caps it).
fn paging(request: &str) -> (u64, u64) {
    let request: serde_json::Value = serde_json::from_str(request).unwrap_or_default();
    let number = |name: &str, default: u64| {
        request
            .get(name)
            .and_then(|value| value.as_u64())
            .unwrap_or(default)
    };
    (
        number("pageNumber", 1).max(1),
        number("pageSize", 10).clamp(1, MAX_PAGE_SIZE),
    )
}

fn list_page(page: u64, size: u64, total: u64, items: &[String]) -> String {
    format!(
        r#"{{"success": true, "requestId": "req-page-{page}", "pageNumber": {page}, "pageSize": {size}, "totalCount": {total}, "data": [{}]}}"#,
        items.join(",")
    )
}

fn project_item(id: &str, source: &str, sink: &str) -> String {
    format!(
        r#"{{"id": "{id}", "name": "{id}", "type": "MIGRATION", "status": "RUNNING", "sourceEndpointId": "{source}", "sinkEndpointId": "{sink}"}}"#
    )
}

/// fixtures/oms/many-projects with `total` generated projects after the base ones: `np_gen_N`,
/// reading tenant A (`e_tenant_a`) for N < `touching`, else between two other data sources.
fn many_projects(
    total: usize,
    touching: usize,
    action: &str,
    request: &str,
    vars: &BTreeMap<String, String>,
) -> String {
    let generated = |n: usize| {
        let source = if n < touching {
            "e_tenant_a"
        } else {
            "e_elsewhere_1"
        };
        (format!("np_gen_{n:04}"), source)
    };
    match action {
        "ListProjects" => {
            let base: serde_json::Value =
                serde_json::from_str(&fixture("base", action, request, vars)).unwrap();
            let mut items: Vec<String> = base["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item.to_string())
                .collect();
            items.extend((0..total).map(|n| {
                let (id, source) = generated(n);
                project_item(&id, source, "e_elsewhere_2")
            }));
            let (page, size) = paging(request);
            let start = (((page - 1) * size) as usize).min(items.len());
            let end = (start + size as usize).min(items.len());
            list_page(page, size, items.len() as u64, &items[start..end])
        }
        "DescribeProject" => {
            let id: Option<String> = serde_json::from_str::<serde_json::Value>(request)
                .ok()
                .and_then(|body| body["id"].as_str().map(str::to_string));
            match id.as_deref().and_then(|id| id.strip_prefix("np_gen_")) {
                Some(n) => {
                    let (id, source) = generated(n.parse().unwrap());
                    format!(
                        r#"{{"success": true, "data": {{"id": "{id}", "name": "{id}", "status": "RUNNING", "sourceEndpointId": "{source}", "sinkEndpointId": "e_elsewhere_2", "transferMapping": {{"mode": "SPECIFIC", "databases": [{{"name": "elsewhere_db", "mappedName": "elsewhere_db"}}]}}, "enableIncrTransfer": true}}}}"#
                    )
                }
                None => fixture("many-projects", action, request, vars),
            }
        }
        _ => fixture("many-projects", action, request, vars),
    }
}

/// The repository's fixtures/oms, found from the manifest of whichever crate includes this file:
/// the tests' helper crate (tests/common) or the example that serves them (the repository).
fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("fixtures/oms"))
        .find(|dir| dir.is_dir())
        .expect("fixtures/oms in a directory above the manifest")
}

/// The body for `action`: `<Action>.<id>.json` for a project id in the request,
/// `<Action>.page<N>.json` for a page number, else `<Action>.json`, from the scenario's folder or
/// else `base/`.
fn fixture(scenario: &str, action: &str, request: &str, vars: &BTreeMap<String, String>) -> String {
    let request: Option<serde_json::Value> = serde_json::from_str(request).ok();
    let field = |name: &str| request.as_ref().and_then(|body| body.get(name)).cloned();
    let id = field("id")
        .or_else(|| field("projectId"))
        .and_then(|id| id.as_str().map(str::to_string));
    let mut names = Vec::new();
    if let Some(id) = &id {
        names.push(format!("{action}.{id}.json"));
    }
    if let Some(page) = field("pageNumber").and_then(|page| page.as_u64()) {
        names.push(format!("{action}.page{page}.json"));
    }
    names.push(format!("{action}.json"));
    for folder in [scenario, "base"] {
        for name in &names {
            let path = fixtures_root().join(folder).join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                return fill(&text, vars);
            }
        }
    }
    format!(
        r#"{{"success":false,"code":"NO_FIXTURE","message":"no fixture for {action} {id:?}","requestId":"test"}}"#
    )
}

/// `{{KEY}}` replaced by `vars[KEY]`, and `{{NOW}}` / `{{NOW-N}}` by the Unix time in seconds
/// (`vars["NOW"]` when the test fixes it, else the clock) minus N seconds: checkpoints that are
/// as recent, or as far behind, as a scenario needs whenever it runs.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    let text = vars.iter().fold(text.to_string(), |text, (key, value)| {
        text.replace(&format!("{{{{{key}}}}}"), value)
    });
    let now: u64 = vars
        .get("NOW")
        .and_then(|now| now.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        });
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{{NOW") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let inner = &rest[start + 5..start + end];
        let behind: u64 = inner
            .strip_prefix('-')
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        out.push_str(&rest[..start]);
        out.push_str(&(now - behind).to_string());
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn fill_puts_the_time_behind_now() {
    let vars = BTreeMap::from([
        ("NOW".to_string(), "1000".to_string()),
        ("DB".into(), "app".into()),
    ]);
    assert_eq!(
        fill(
            r#"{"a": "{{NOW}}", "b": "{{NOW-900}}", "db": "{{DB}}"}"#,
            &vars
        ),
        r#"{"a": "1000", "b": "100", "db": "app"}"#
    );
}

pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_rfc_4648() {
    assert_eq!(base64(b"admin:pw"), "YWRtaW46cHc=");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"abc"), "YWJj");
}
