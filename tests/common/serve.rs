//! The loop every test server (the OMS stand-in, the fault proxy, the example OMS server of
//! `bench/run`) runs on.

/// Serves connections on a free loopback port from a thread of its own, each with `handle`;
/// returns the port. The test servers (OMS stand-in, fault proxy) differ only in `handle`.
pub fn serve_in_background<H, F>(handle: H) -> u16
where
    H: Fn(tokio::net::TcpStream) -> F + Send + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                if let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(handle(socket));
                }
            }
        });
    });
    port
}
