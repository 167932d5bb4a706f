//! A real SMTP server on loopback (mailin-embedded) that keeps what it receives, and
//! can answer some recipients with a temporary (451) or permanent (550) failure. One
//! thread per connection: enough threads for every pooled connection of two workers.

use mailin_embedded::{Handler, Response, Server, response};
use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

#[derive(Default)]
struct Inbox {
    mails: Vec<Received>,
    /// Address → how many more times to answer 451.
    temporary: HashMap<String, u32>,
    permanent: HashSet<String>,
    delay: Duration,
}

#[derive(Clone)]
struct Session {
    inbox: Arc<Mutex<Inbox>>,
    to: Vec<String>,
    data: Vec<u8>,
}

fn bare(addr: &str) -> String {
    addr.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_lowercase()
}

impl Handler for Session {
    fn rcpt(&mut self, to: &str) -> Response {
        let to = bare(to);
        let mut inbox = self.inbox.lock().unwrap();
        if inbox.permanent.contains(&to) {
            return response::NO_MAILBOX;
        }
        if let Some(n) = inbox.temporary.get_mut(&to)
            && *n > 0
        {
            *n -= 1;
            return response::INTERNAL_ERROR;
        }
        self.to.push(to);
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let delay = self.inbox.lock().unwrap().delay;
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let mail = Received {
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        };
        self.inbox.lock().unwrap().mails.push(mail);
        response::OK
    }
}

pub struct TestSmtp {
    pub port: u16,
    inbox: Arc<Mutex<Inbox>>,
}

impl TestSmtp {
    pub fn start() -> TestSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let mut server = Server::new(Session {
            inbox: inbox.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("test.smtp")
            .with_num_threads(40)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        TestSmtp { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many mails arrived, without copying them.
    pub fn count(&self) -> usize {
        self.inbox.lock().unwrap().mails.len()
    }

    pub fn mails(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().mails.clone()
    }

    pub fn fail_temporarily(&self, addr: &str, times: u32) {
        self.inbox
            .lock()
            .unwrap()
            .temporary
            .insert(addr.to_lowercase(), times);
    }

    pub fn reject(&self, addr: &str) {
        self.inbox
            .lock()
            .unwrap()
            .permanent
            .insert(addr.to_lowercase());
    }

    pub fn slow_down(&self, delay: Duration) {
        self.inbox.lock().unwrap().delay = delay;
    }
}
