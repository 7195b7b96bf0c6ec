//! What a failed connection or statement says to the user: worded for what failed (nothing
//! listening is not a refused login), each cause once.

use std::io::ErrorKind;

use mysql_async::{Error, IoError};

use crate::i18n::Text;
use crate::text;

/// Why the migration user `user` could not open a session on `endpoint`.
pub fn connection(endpoint: &str, user: &str, error: &Error) -> Text {
    match error {
        Error::Io(IoError::Io(io)) => match io.kind() {
            ErrorKind::ConnectionRefused => text!(
                "cannot connect to {endpoint}: connection refused (nothing listens on that port, or a firewall rejects it)",
                "无法连接 {endpoint}：连接被拒绝（该端口上没有服务在监听，或被防火墙拒绝）"
            ),
            ErrorKind::TimedOut => text!(
                "cannot connect to {endpoint}: the connection timed out",
                "无法连接 {endpoint}：连接超时"
            ),
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => text!(
                "cannot connect to {endpoint}: the server closed the connection ({io})",
                "无法连接 {endpoint}：服务器关闭了连接（{io}）"
            ),
            _ => text!(
                "cannot connect to {endpoint}: {io}",
                "无法连接 {endpoint}：{io}"
            ),
        },
        #[allow(unreachable_patterns)]
        Error::Io(other) => cannot_connect(endpoint, &innermost(other)),
        Error::Server(server) if server.code == 1045 => text!(
            "cannot log in to {endpoint} as {user}: {error} (wrong user or password)",
            "无法以 {user} 登录 {endpoint}：{error}（用户名或密码错误）";
            error = statement(error)
        ),
        Error::Server(_) => text!(
            "cannot log in to {endpoint} as {user}: {error}",
            "无法以 {user} 登录 {endpoint}：{error}";
            error = statement(error)
        ),
        Error::Driver(_) | Error::Other(_) | Error::Url(_) => {
            cannot_connect(endpoint, &innermost(error))
        }
    }
}

fn cannot_connect(endpoint: &str, why: &str) -> Text {
    text!(
        "cannot connect to {endpoint}: {why}",
        "无法连接 {endpoint}：{why}"
    )
}

/// Why a statement failed: the server's own error as `ERROR code (state): message`, else the
/// innermost cause once (the driver wraps an I/O error in two layers that both say
/// "Input/output error"). The same in both languages: they are the server's or the system's
/// words.
pub fn statement(error: &Error) -> Text {
    Text::same(match error {
        Error::Server(server) => format!(
            "ERROR {} ({}): {}",
            server.code, server.state, server.message
        ),
        other => innermost(other),
    })
}

/// The deepest cause of `error`, which is the one that says what happened.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(source) = deepest.source() {
        deepest = source;
    }
    deepest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: ErrorKind, text: &str) -> Error {
        Error::Io(IoError::Io(std::io::Error::new(kind, text)))
    }

    #[test]
    fn nothing_listening_is_not_a_refused_login_and_says_its_cause_once() {
        let refused = connection(
            "10.0.0.2:2881",
            "oms",
            &io(
                ErrorKind::ConnectionRefused,
                "Connection refused (os error 111)",
            ),
        );
        assert_eq!(
            refused,
            "cannot connect to 10.0.0.2:2881: connection refused (nothing listens on that port, or a firewall rejects it)"
        );
        assert_eq!(
            refused.zh(),
            "无法连接 10.0.0.2:2881：连接被拒绝（该端口上没有服务在监听，或被防火墙拒绝）"
        );
        let unknown = connection("h:1", "oms", &io(ErrorKind::Other, "no route to host"));
        assert_eq!(unknown, "cannot connect to h:1: no route to host");
        assert_eq!(unknown.zh(), "无法连接 h:1：no route to host");
        let timed_out = connection("h:1", "oms", &io(ErrorKind::TimedOut, "timed out"));
        assert_eq!(timed_out.zh(), "无法连接 h:1：连接超时");
        assert_eq!(
            statement(&io(ErrorKind::Other, "broken pipe")),
            "broken pipe"
        );
    }

    #[test]
    fn a_refused_password_is_a_login_failure_with_the_servers_words() {
        let denied = Error::Server(mysql_async::ServerError {
            code: 1045,
            state: "42000".into(),
            message: "Access denied for user 'oms'@'%'".into(),
        });
        let said = connection("10.0.0.2:2881", "oms", &denied);
        assert_eq!(
            said,
            "cannot log in to 10.0.0.2:2881 as oms: ERROR 1045 (42000): Access denied for user 'oms'@'%' (wrong user or password)"
        );
        // The server's words stay as they are, inside a Chinese sentence.
        assert_eq!(
            said.zh(),
            "无法以 oms 登录 10.0.0.2:2881：ERROR 1045 (42000): Access denied for user 'oms'@'%'（用户名或密码错误）"
        );
    }
}
