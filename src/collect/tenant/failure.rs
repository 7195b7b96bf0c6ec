//! What a failed connection or statement says to the user: worded for what failed (nothing
//! listening is not a refused login), each cause once.

use std::io::ErrorKind;

use mysql_async::{Error, IoError};

/// Why the migration user `user` could not open a session on `endpoint`.
pub fn connection(endpoint: &str, user: &str, error: &Error) -> String {
    match error {
        Error::Io(IoError::Io(io)) => match io.kind() {
            ErrorKind::ConnectionRefused => format!(
                "cannot connect to {endpoint}: connection refused (nothing listens on that port, or a firewall rejects it)"
            ),
            ErrorKind::TimedOut => {
                format!("cannot connect to {endpoint}: the connection timed out")
            }
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => {
                format!("cannot connect to {endpoint}: the server closed the connection ({io})")
            }
            _ => format!("cannot connect to {endpoint}: {io}"),
        },
        #[allow(unreachable_patterns)]
        Error::Io(other) => format!("cannot connect to {endpoint}: {}", innermost(other)),
        Error::Server(server) if server.code == 1045 => format!(
            "cannot log in to {endpoint} as {user}: {} (wrong user or password)",
            statement(error)
        ),
        Error::Server(_) => format!(
            "cannot log in to {endpoint} as {user}: {}",
            statement(error)
        ),
        Error::Driver(_) | Error::Other(_) | Error::Url(_) => {
            format!("cannot connect to {endpoint}: {}", innermost(error))
        }
    }
}

/// Why a statement failed: the server's own error as `ERROR code (state): message`, else the
/// innermost cause once (the driver wraps an I/O error in two layers that both say
/// "Input/output error").
pub fn statement(error: &Error) -> String {
    match error {
        Error::Server(server) => format!(
            "ERROR {} ({}): {}",
            server.code, server.state, server.message
        ),
        other => innermost(other),
    }
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
        let unknown = connection("h:1", "oms", &io(ErrorKind::Other, "no route to host"));
        assert_eq!(unknown, "cannot connect to h:1: no route to host");
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
        assert_eq!(
            connection("10.0.0.2:2881", "oms", &denied),
            "cannot log in to 10.0.0.2:2881 as oms: ERROR 1045 (42000): Access denied for user 'oms'@'%' (wrong user or password)"
        );
    }
}
