//! The SMTP relay: lettre's connections, opened and kept here so that Nagle's algorithm
//! is off on them.
//!
//! lettre 0.11.23 leaves `TCP_NODELAY` unset. It writes a mail's body and then its
//! closing `.` as two writes, so Nagle holds the second until the server acknowledges
//! the first, and a server delays that acknowledgement by up to 40 ms on Linux: every
//! mail waited that long on every connection (146 mails/s from 8 connections to a sink
//! that takes thousands). lettre's fix (lettre#1159) is merged but not released; when it
//! is, `AsyncSmtpTransport`'s own pool can take this module's place.
//!
//! So the TCP connection is ours (`TCP_NODELAY` on) and lettre speaks SMTP over it
//! (`connect_with_transport`, STARTTLS, AUTH). Implicit TLS (`smtps://`) still lets
//! lettre open the socket, since lettre cannot wrap one of ours in TLS before the
//! greeting; such connections keep Nagle until lettre's release.
//!
//! The URL forms are lettre's: `smtp://host[:25]`, `smtp://host[:587]?tls=required`
//! (or `opportunistic`), `smtps://user:pass@host[:465]`, a path naming the EHLO name.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::{SMTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the connection is secured.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Security {
    None,
    /// STARTTLS when the server offers it.
    Opportunistic,
    /// STARTTLS or no mail.
    Required,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Where mail goes and how to log in there.
#[derive(Clone)]
struct Server {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
}

/// How long opening a connection (TCP, greeting, TLS, login) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// A connection idle longer than this is checked with NOOP before a mail is sent on it,
/// since servers close idle connections; one used moments ago is trusted as lettre's
/// pool would not, saving a round trip per mail.
const TRUSTED_IDLE: Duration = Duration::from_secs(5);
/// Idle connections kept; more are closed when returned.
const MAX_IDLE: usize = 16;

/// Pooled SMTP connections to one server.
pub struct SmtpRelay {
    server: Server,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

/// Why a mail was not accepted.
#[derive(Debug)]
pub enum SendError {
    /// The server answered, or the conversation broke off.
    Smtp(lettre::transport::smtp::Error),
    /// No connection could be opened (refused, unreachable, timed out).
    Connect(std::io::Error),
}

impl SendError {
    /// A 5xx answer: trying again will not help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Smtp(e) if e.is_permanent())
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Smtp(e) => write!(f, "{e}"),
            SendError::Connect(e) => write!(f, "connecting to the SMTP server: {e}"),
        }
    }
}

impl SmtpRelay {
    /// Parses the URL; connects only when the first mail is sent.
    pub fn from_url(url: &str) -> Result<SmtpRelay, String> {
        Ok(SmtpRelay {
            server: parse(url).ok_or_else(|| {
                "not an SMTP URL: use smtps://user:pass@host[:port], smtp://host:port?tls=required or smtp://host:port"
                    .to_string()
            })?,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Sends one formatted message; the connection goes back to the pool unless the
    /// conversation failed (lettre closes it then).
    pub async fn send(&self, message: &lettre::Message) -> Result<(), SendError> {
        let raw = message.formatted();
        self.send_raw(message.envelope(), &raw).await
    }

    pub async fn send_raw(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        let mut conn = self.checkout().await?;
        let sent = conn.send(envelope, raw).await;
        if !conn.has_broken() {
            self.checkin(conn).await;
        }
        sent.map(|_| ()).map_err(SendError::Smtp)
    }

    async fn checkout(&self) -> Result<AsyncSmtpConnection, SendError> {
        loop {
            let parked = self.idle.lock().expect("smtp pool lock").pop();
            let Some((mut conn, since)) = parked else {
                return self.connect().await;
            };
            if since.elapsed() < TRUSTED_IDLE || conn.test_connected().await {
                return Ok(conn);
            }
            conn.abort().await;
        }
    }

    async fn checkin(&self, mut conn: AsyncSmtpConnection) {
        let surplus = {
            let mut idle = self.idle.lock().expect("smtp pool lock");
            if idle.len() < MAX_IDLE {
                idle.push((conn, Instant::now()));
                return;
            }
            conn
        };
        conn = surplus;
        let _ = conn.quit().await;
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, self.open()).await {
            Ok(conn) => conn,
            Err(_) => Err(SendError::Connect(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no connection within {} s", CONNECT_TIMEOUT.as_secs()),
            ))),
        }
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, SendError> {
        let s = &self.server;
        let tls = || TlsParameters::new(s.host.clone()).map_err(SendError::Smtp);
        let mut conn = if s.security == Security::Implicit {
            AsyncSmtpConnection::connect_tokio1(
                (s.host.as_str(), s.port),
                Some(CONNECT_TIMEOUT),
                &s.hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(SendError::Smtp)?
        } else {
            let tcp = tokio::net::TcpStream::connect((s.host.as_str(), s.port))
                .await
                .map_err(SendError::Connect)?;
            tcp.set_nodelay(true).map_err(SendError::Connect)?;
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &s.hello)
                .await
                .map_err(SendError::Smtp)?
        };
        let starttls = match s.security {
            Security::Required => true,
            Security::Opportunistic => conn.can_starttls(),
            Security::None | Security::Implicit => false,
        };
        if starttls {
            conn.starttls(tls()?, &s.hello)
                .await
                .map_err(SendError::Smtp)?;
        }
        if let Some(credentials) = &s.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(SendError::Smtp)?;
        }
        Ok(conn)
    }
}

/// lettre's URL forms (see the module's comment); `None` for anything else.
fn parse(url: &str) -> Option<Server> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?.trim_matches(['[', ']']).to_string();
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let (security, default_port) = match (url.scheme(), tls.as_deref()) {
        ("smtp", None) => (Security::None, SMTP_PORT),
        ("smtp", Some("required")) => (Security::Required, SUBMISSION_PORT),
        ("smtp", Some("opportunistic")) => (Security::Opportunistic, SUBMISSION_PORT),
        ("smtps", _) => (Security::Implicit, SUBMISSIONS_PORT),
        _ => return None,
    };
    let hello = match url.path().trim_matches('/') {
        "" => ClientId::default(),
        name => ClientId::Domain(name.to_string()),
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    let credentials = match url.password() {
        Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
        None => None,
    };
    Some(Server {
        host,
        port: url.port().unwrap_or(default_port),
        security,
        hello,
        credentials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_as_lettre_reads_them() {
        let s = parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("127.0.0.1", 2525, Security::None)
        );
        assert!(s.credentials.is_none());
        let s = parse("smtp://mail.example.nl?tls=required").unwrap();
        assert_eq!((s.port, s.security), (587, Security::Required));
        let s = parse("smtp://mail.example.nl?tls=opportunistic").unwrap();
        assert_eq!(s.security, Security::Opportunistic);
        let s = parse("smtps://user%40x:p%2Fss@mail.example.nl/datacheck.example.nl").unwrap();
        assert_eq!((s.port, s.security), (465, Security::Implicit));
        assert_eq!(s.hello, ClientId::Domain("datacheck.example.nl".into()));
        assert!(s.credentials == Some(Credentials::new("user@x".into(), "p/ss".into())));
        assert_eq!(parse("smtp://[::1]:25").unwrap().host, "::1");
        for bad in [
            "http://mail.example.nl",
            "smtp://x?tls=sometimes",
            "smtp:///",
            "nonsense",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
