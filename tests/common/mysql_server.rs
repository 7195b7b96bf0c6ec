//! A stand-in MySQL server that repeats passwords in its errors, as a misconfigured proxy or a
//! verbose server might: the tool knows every password it sent, and none may reach an output.
//!
//! It speaks just enough of the protocol for the driver (mysql_async): the v10 handshake with
//! `mysql_native_password`, then either an ERR 1045 at login, or a login and session settings
//! that succeed and every other statement refused with an ERR. Each error text holds `echoed`.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// ERR 1045 (28000) at login.
    DenyLogin,
    /// The login, `SET` statements and the driver's `SELECT @@...` settings query succeed;
    /// every other statement (a query, a prepare) is refused with ERR 1142 (42000).
    RefuseStatements,
}

/// Starts the server on a free loopback port; returns the port.
pub fn start(mode: Mode, echoed: Vec<String>) -> u16 {
    let echoed = std::sync::Arc::new(echoed);
    super::serve_in_background(move |socket| {
        let echoed = echoed.clone();
        async move {
            let _ = serve(socket, mode, &echoed).await;
        }
    })
}

/// The capabilities offered: protocol 4.1, secure connection, plugin auth, multi results. No
/// TLS (the plan names no CA) and no deprecated EOF (result sets end with an EOF packet).
const CAPABILITIES: u32 = 0x0000_0001 // LONG_PASSWORD
    | 0x0000_0002 // FOUND_ROWS
    | 0x0000_0004 // LONG_FLAG
    | 0x0000_0008 // CONNECT_WITH_DB
    | 0x0000_0200 // PROTOCOL_41
    | 0x0000_2000 // TRANSACTIONS
    | 0x0000_8000 // SECURE_CONNECTION
    | 0x0001_0000 // MULTI_STATEMENTS
    | 0x0002_0000 // MULTI_RESULTS
    | 0x0008_0000 // PLUGIN_AUTH
    | 0x0020_0000; // PLUGIN_AUTH_LENENC_CLIENT_DATA

async fn serve(mut socket: TcpStream, mode: Mode, echoed: &[String]) -> std::io::Result<()> {
    let echo = echoed.join(" / ");
    write_packet(&mut socket, 0, &handshake()).await?;
    let (sequence, _response) = read_packet(&mut socket).await?;
    if let Mode::DenyLogin = mode {
        let message =
            format!("Access denied for user (using password: {echo}); the password was {echo}");
        write_packet(&mut socket, sequence + 1, &error(1045, "28000", &message)).await?;
        return socket.shutdown().await;
    }
    write_packet(&mut socket, sequence + 1, &ok()).await?;
    loop {
        let (_, command) = read_packet(&mut socket).await?;
        let refused = || {
            error(
                1142,
                "42000",
                &format!("command denied to a user whose password is {echo}"),
            )
        };
        match command.first() {
            // COM_QUIT
            Some(0x01) => return socket.shutdown().await,
            // COM_QUERY
            Some(0x03) => {
                let statement = String::from_utf8_lossy(&command[1..]).to_ascii_uppercase();
                let statement = statement.trim_start();
                if statement.starts_with("SET") {
                    write_packet(&mut socket, 1, &ok()).await?;
                } else if let Some(list) = statement.strip_prefix("SELECT @@") {
                    empty_result(&mut socket, list.split(',').count()).await?;
                } else {
                    write_packet(&mut socket, 1, &refused()).await?;
                }
            }
            // COM_STMT_PREPARE
            Some(0x16) => write_packet(&mut socket, 1, &refused()).await?,
            // COM_STMT_CLOSE has no answer.
            Some(0x19) => {}
            // COM_PING, COM_RESET_CONNECTION and the rest: OK.
            _ => write_packet(&mut socket, 1, &ok()).await?,
        }
    }
}

fn handshake() -> Vec<u8> {
    let mut packet = vec![10u8];
    packet.extend_from_slice(b"5.7.25-OceanBase_CE-v4.3.5.3\0");
    packet.extend_from_slice(&1u32.to_le_bytes());
    packet.extend_from_slice(b"abcdefgh\0");
    packet.extend_from_slice(&(CAPABILITIES as u16).to_le_bytes());
    packet.push(45); // utf8mb4_general_ci
    packet.extend_from_slice(&2u16.to_le_bytes()); // autocommit
    packet.extend_from_slice(&((CAPABILITIES >> 16) as u16).to_le_bytes());
    packet.push(21);
    packet.extend_from_slice(&[0; 10]);
    packet.extend_from_slice(b"ijklmnopqrst\0");
    packet.extend_from_slice(b"mysql_native_password\0");
    packet
}

fn ok() -> Vec<u8> {
    vec![0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
}

fn eof() -> Vec<u8> {
    vec![0xfe, 0x00, 0x00, 0x02, 0x00]
}

fn error(code: u16, state: &str, message: &str) -> Vec<u8> {
    let mut packet = vec![0xff];
    packet.extend_from_slice(&code.to_le_bytes());
    packet.push(b'#');
    packet.extend_from_slice(state.as_bytes());
    packet.extend_from_slice(message.as_bytes());
    packet
}

/// A result set of `columns` text columns and no row: the driver then keeps its defaults.
async fn empty_result(socket: &mut TcpStream, columns: usize) -> std::io::Result<()> {
    let mut sequence = 1;
    write_packet(socket, sequence, &[columns as u8]).await?;
    for column in 0..columns {
        sequence += 1;
        let mut definition = Vec::new();
        for text in ["def", "", "", "", &format!("c{column}"), ""] {
            definition.push(text.len() as u8);
            definition.extend_from_slice(text.as_bytes());
        }
        definition.push(0x0c);
        definition.extend_from_slice(&33u16.to_le_bytes()); // utf8_general_ci
        definition.extend_from_slice(&64u32.to_le_bytes());
        definition.push(0xfd); // VAR_STRING
        definition.extend_from_slice(&[0, 0, 0, 0, 0]); // flags, decimals, filler
        write_packet(socket, sequence, &definition).await?;
    }
    write_packet(socket, sequence + 1, &eof()).await?;
    write_packet(socket, sequence + 2, &eof()).await
}

async fn write_packet(socket: &mut TcpStream, sequence: u8, payload: &[u8]) -> std::io::Result<()> {
    let length = payload.len() as u32;
    let mut packet = length.to_le_bytes()[..3].to_vec();
    packet.push(sequence);
    packet.extend_from_slice(payload);
    socket.write_all(&packet).await
}

/// One packet: its sequence number and payload.
async fn read_packet(socket: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut header = [0u8; 4];
    socket.read_exact(&mut header).await?;
    let length = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    let mut payload = vec![0u8; length];
    socket.read_exact(&mut payload).await?;
    Ok((header[3], payload))
}
