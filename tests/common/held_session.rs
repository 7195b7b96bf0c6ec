//! A session of a tenant's user held open from another loopback address, as a process on
//! another host would hold it: a relay listening on 127.0.0.1 connects to the kernel from a
//! socket bound to the chosen address (the whole 127.0.0.0/8 is loopback on Linux), so the
//! tenant's process list shows the session coming from there.

use std::net::{IpAddr, SocketAddr};

use super::Endpoint;

/// The session and the relay under it; both end when it is dropped.
pub struct HeldSession {
    runtime: tokio::runtime::Runtime,
    conn: Option<mysql_async::Conn>,
}

/// Logs in to `target` as `user` from `source` and keeps the session open.
pub fn hold_session_from(
    source: IpAddr,
    target: &Endpoint,
    user: &str,
    password: &str,
) -> HeldSession {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a relay port");
    let port = listener.local_addr().expect("its address").port();
    let kernel: SocketAddr = format!("{}:{}", target.host, target.port)
        .parse()
        .expect("a loopback kernel");
    runtime.spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
                socket
                    .bind(SocketAddr::new(source, 0))
                    .expect("bind the source");
                if let Ok(mut server) = socket.connect(kernel).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    let opts = mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some(user))
        .pass(Some(password))
        .prefer_socket(false);
    let conn = runtime
        .block_on(mysql_async::Conn::new(opts))
        .expect("the held session logs in");
    HeldSession {
        runtime,
        conn: Some(conn),
    }
}

impl Drop for HeldSession {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.disconnect());
        }
    }
}
