//! A server with the demo seed on a free port, for the browser tests and the benchmarks, stopped when dropped.

use crate::*;

/// The release server with demo data on a fresh database and a free port; stopped
/// (gracefully) when dropped.
pub(crate) struct DemoServer {
    pub(crate) base_url: String,
    pub(crate) log_path: PathBuf,
    _process: KillOnDrop,
}

impl DemoServer {
    pub(crate) fn start(
        root: &Path,
        db: &pg::Server,
        database: &str,
        bin: &Path,
    ) -> Result<DemoServer> {
        pg::drop_and_create_db(db, database)?;
        let port = free_port()?;
        let base_url = format!("http://127.0.0.1:{port}");
        let log_path = root.join(format!("target/{database}-server.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut server = Command::new(bin);
        server
            .arg("serve")
            .env("DATABASE_URL", db.url(database))
            .env("DATACHECK_ENV", "dev")
            .env("DATACHECK_DEMO", "true")
            .env("DATACHECK_PUBLIC_URL", &base_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .env("LEPTOS_OUTPUT_NAME", "datacheck")
            .env("LEPTOS_ENV", "PROD")
            .env("RUST_LOG", "info")
            .stdout(log.try_clone()?)
            .stderr(log);
        let child = server
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut guard = KillOnDrop(child);
        wait_ready(&format!("127.0.0.1:{port}"), &mut guard.0, &log_path)?;
        Ok(DemoServer {
            base_url,
            log_path,
            _process: guard,
        })
    }

    /// The first demo customer link of a kind ("person", "organisation", …) it printed.
    pub(crate) fn demo_link(&self, kind: &str) -> Result<String> {
        let log = std::fs::read_to_string(&self.log_path)?;
        log.lines()
            .filter_map(|l| l.strip_prefix("demo customer link ("))
            .find(|l| {
                l.split_once(')')
                    .is_some_and(|(label, _)| label.ends_with(kind))
            })
            .and_then(|l| l.split_once("): "))
            .map(|(_, url)| url.trim().to_string())
            .with_context(|| format!("no demo {kind} link in {}", self.log_path.display()))
    }
}

pub(crate) struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SIGTERM first so the server's graceful shutdown runs; then make sure.
        let _ = Command::new("kill")
            .arg(self.0.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Waits until the server answers /readyz, or fails with the tail of its log.
pub(crate) fn wait_ready(addr: &str, child: &mut Child, log: &Path) -> Result<()> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            bail!("server exited with {status}:\n{text}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(addr) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let req = format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if s.write_all(req.as_bytes()).is_ok() {
                let mut resp = String::new();
                let _ = s.read_to_string(&mut resp);
                if resp.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    bail!("server did not become ready within 60 s:\n{text}")
}
