//! The test OMS server of the live tests (tests/common/oms_server.rs) as a process of its own, for
//! `bench/run`'s many-projects case: fixtures/oms/many-projects plus `TOTAL` generated live
//! projects of which the first `TOUCHING` read tenant A. It is not part of the tool.
//!
//! ```text
//! cargo run --release --example oms_server -- TOTAL TOUCHING PASSWORD_ENV A_HOST:A_PORT B_HOST:B_PORT DB FORWARD REVERSE
//! ```
//! Prints the server's port on the first line, then serves until its standard input closes, and
//! then prints `{"actions": {ACTION: COUNT, ...}, "span_s": S}`: how many requests of each action
//! arrived, and the seconds from the first request to the last.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../tests/common/documented.rs"]
mod documented;
#[allow(dead_code)]
#[path = "../tests/common/oms_server.rs"]
mod oms_server;
#[path = "../tests/common/serve.rs"]
mod serve;

// The test OMS server calls it as `super::serve_in_background`, as in tests/common.
use serve::serve_in_background;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [total, touching, password_env, a, b, db, forward, reverse] = args.as_slice() else {
        eprintln!(
            "usage: oms_server TOTAL TOUCHING PASSWORD_ENV A_HOST:A_PORT B_HOST:B_PORT DB FORWARD REVERSE"
        );
        std::process::exit(2);
    };
    let password = std::env::var(password_env).unwrap_or_default();
    let (a_host, a_port) = a.rsplit_once(':').expect("A_HOST:A_PORT");
    let (b_host, b_port) = b.rsplit_once(':').expect("B_HOST:B_PORT");
    let vars: BTreeMap<String, String> = [
        ("A_HOST", a_host),
        ("A_PORT", a_port),
        ("B_HOST", b_host),
        ("B_PORT", b_port),
        ("DB", db),
        ("FORWARD", forward),
        ("REVERSE", reverse),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value.to_string()))
    .collect();
    let server = oms_server::start(
        oms_server::Behaviour::ManyProjects {
            total: total.parse().expect("TOTAL"),
            touching: touching.parse().expect("TOUCHING"),
        },
        &password,
        vars,
    );
    let port = server.url.rsplit(':').next().expect("url with a port");
    println!("{port}");
    std::io::stdout().flush().expect("stdout");

    // The times the first and the latest request arrived, watched from a thread of its own.
    let span: Arc<Mutex<Span>> = Default::default();
    let (watched, actions) = (span.clone(), server.actions.clone());
    std::thread::spawn(move || {
        loop {
            let seen = actions.lock().unwrap().len();
            let mut span = watched.lock().unwrap();
            if seen > span.2 {
                let now = Instant::now();
                span.0.get_or_insert(now);
                span.1 = Some(now);
                span.2 = seen;
            }
            drop(span);
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    for _ in std::io::stdin().lock().lines() {}

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for action in server.actions.lock().unwrap().iter() {
        *counts.entry(action.clone()).or_default() += 1;
    }
    let span = match *span.lock().unwrap() {
        (Some(first), Some(last), _) => (last - first).as_secs_f64(),
        _ => 0.0,
    };
    println!("{}", serde_json::json!({"actions": counts, "span_s": span}));
}

/// When the first and the latest request arrived, and how many had by then.
type Span = (Option<Instant>, Option<Instant>, usize);
