//! A TCP proxy in front of a kernel that misbehaves on purpose (latency, a reset in the middle
//! of a result, a black hole) and records every statement clients send (COM_QUERY and
//! COM_STMT_PREPARE payloads of the MySQL protocol), so tests can check what reached the
//! server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Forward faithfully.
    None,
    /// Hold every chunk from the server this long.
    Latency(Duration),
    /// Forward the first bytes of each connection faithfully, then hold every chunk this long.
    SlowAfter(usize, Duration),
    /// Forward the login and the session's setup (the driver's own query, `SET SESSION …`)
    /// faithfully, then hold every chunk this long: a tenant that lets the user in and then
    /// answers nothing in time.
    SlowAfterSetup(Duration),
    /// Reset each connection once the server has sent this many bytes on it.
    ResetAfter(usize),
    /// Accept connections and never answer.
    BlackHole,
}

pub struct Proxy {
    pub port: u16,
    /// Statements clients sent, in order.
    pub statements: Arc<Mutex<Vec<String>>>,
}

/// Starts a proxy to `127.0.0.1:target` on a free port.
pub fn start(target: u16, fault: Fault) -> Proxy {
    let statements = Arc::new(Mutex::new(Vec::new()));
    let recorded = statements.clone();
    let port = super::serve_in_background(move |client| {
        let recorded = recorded.clone();
        async move {
            let _ = relay(client, target, fault, recorded).await;
        }
    });
    Proxy { port, statements }
}

async fn relay(
    client: TcpStream,
    target: u16,
    fault: Fault,
    recorded: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    if let Fault::BlackHole = fault {
        let mut client = client;
        let mut sink = [0u8; 4096];
        while client.read(&mut sink).await? > 0 {}
        return Ok(());
    }
    let server = TcpStream::connect(("127.0.0.1", target)).await?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    // Set once the client sends a statement of its own (not the driver's, not a session
    // setting): what the server sends after that is a result the collector waits for.
    let set_up = Arc::new(AtomicBool::new(false));
    let setting_up = set_up.clone();
    let upstream = async move {
        let mut parser = PacketParser::default();
        let mut buffer = [0u8; 8192];
        loop {
            let n = client_read.read(&mut buffer).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            for statement in parser.feed(&buffer[..n]) {
                let setup = statement.starts_with("SET ")
                    || statement == "SELECT @@max_allowed_packet,@@wait_timeout";
                if !setup {
                    setting_up.store(true, Ordering::SeqCst);
                }
                recorded.lock().unwrap().push(statement);
            }
            server_write.write_all(&buffer[..n]).await?;
        }
    };
    let downstream = async move {
        let mut sent = 0usize;
        let mut buffer = [0u8; 8192];
        loop {
            let n = server_read.read(&mut buffer).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            match fault {
                Fault::Latency(delay) => tokio::time::sleep(delay).await,
                Fault::SlowAfter(limit, delay) if sent + n > limit => {
                    tokio::time::sleep(delay).await
                }
                Fault::SlowAfterSetup(delay) if set_up.load(Ordering::SeqCst) => {
                    tokio::time::sleep(delay).await
                }
                Fault::ResetAfter(limit) if sent + n > limit => {
                    // Part of the chunk, then the connection is dropped mid-result.
                    client_write
                        .write_all(&buffer[..limit.saturating_sub(sent)])
                        .await?;
                    return Err(std::io::ErrorKind::ConnectionReset.into());
                }
                _ => {}
            }
            client_write.write_all(&buffer[..n]).await?;
            sent += n;
        }
    };
    tokio::select! {
        result = upstream => result,
        result = downstream => result,
    }
}

/// Extracts statements from the client→server byte stream: MySQL packets are a 3-byte length,
/// a sequence number, then the payload; a command packet's first byte names the command.
#[derive(Default)]
struct PacketParser {
    pending: Vec<u8>,
}

impl PacketParser {
    fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut statements = Vec::new();
        loop {
            if self.pending.len() < 4 {
                break;
            }
            let length = usize::from(self.pending[0])
                | usize::from(self.pending[1]) << 8
                | usize::from(self.pending[2]) << 16;
            if self.pending.len() < 4 + length {
                break;
            }
            let packet: Vec<u8> = self.pending.drain(..4 + length).collect();
            let sequence = packet[3];
            let payload = &packet[4..];
            // COM_QUERY (0x03) and COM_STMT_PREPARE (0x16) start a command (sequence 0).
            if sequence == 0 && matches!(payload.first(), Some(0x03 | 0x16)) {
                statements.push(String::from_utf8_lossy(&payload[1..]).into_owned());
            }
        }
        statements
    }
}
