//! The baselines the benchmark compares `check` with: every statement on every given endpoint,
//! all at once, each on its own connection, with the driver the tool uses; rows counted and
//! dropped, nothing decoded. `bench/run` calls it; it is not part of the tool.
//!
//! ```text
//! cargo run --release --example raw_fetch -- USER PASSWORD_ENV SQL_FILE[,SQL_FILE...] HOST:PORT...
//! ```
//! Prints `{"seconds": S, "rows": [rows per endpoint and statement]}`.

use std::time::Instant;

use mysql_async::prelude::Queryable;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [user, password_env, sql_files, endpoints @ ..] = args.as_slice() else {
        eprintln!("usage: raw_fetch USER PASSWORD_ENV SQL_FILE[,SQL_FILE...] HOST:PORT...");
        std::process::exit(2);
    };
    let password = std::env::var(password_env).unwrap_or_default();
    let statements: Vec<String> = sql_files
        .split(',')
        .map(|file| std::fs::read_to_string(file).expect("readable SQL file"))
        .collect();
    let started = Instant::now();
    let fetches: Vec<_> = endpoints
        .iter()
        .flat_map(|endpoint| statements.iter().map(move |sql| (endpoint, sql.clone())))
        .map(|(endpoint, sql)| {
            let (host, port) = endpoint.rsplit_once(':').expect("HOST:PORT");
            let opts = mysql_async::OptsBuilder::default()
                .ip_or_hostname(host.to_string())
                .tcp_port(port.parse().expect("port"))
                .user(Some(user.clone()))
                .pass(Some(password.clone()))
                .prefer_socket(false);
            tokio::spawn(async move {
                let mut conn = mysql_async::Conn::new(opts).await.expect("connects");
                // As the tool does: no statement cut off by ob_query_timeout's 10 s default.
                conn.query_drop("SET SESSION ob_query_timeout = 600000000")
                    .await
                    .expect("session setting");
                let mut rows = 0usize;
                conn.query_iter(sql)
                    .await
                    .expect("runs")
                    .for_each(|_| rows += 1)
                    .await
                    .expect("streams");
                rows
            })
        })
        .collect();
    let mut rows = Vec::new();
    for fetch in fetches {
        rows.push(fetch.await.expect("fetch task"));
    }
    println!(
        "{{\"seconds\": {:.3}, \"rows\": {rows:?}}}",
        started.elapsed().as_secs_f64()
    );
}
