//! The database server for development and tests.
//!
//! `DATABASE_URL` wins when it is set and reachable. Otherwise a private cluster lives in
//! `target/pg` (or, when the postgres user cannot reach the checkout, a folder of its
//! own under /var/tmp), listens on 127.0.0.1 on its own port, and is created once and
//! started when stopped. `initdb` refuses to run as root, so as root the cluster belongs
//! to the `postgres` user.

use anyhow::{Context, Result, bail};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Port of the private cluster: away from 5432 so a system PostgreSQL is not disturbed.
const PORT: u16 = 55432;
const SUPERUSER: &str = "datacheck";
/// A database that holds only the migrated schema, for the compile-time query checks.
pub const SCHEMA_DB: &str = "datacheck_schema";

pub struct Server {
    /// `postgres://user[:pass]@host:port` without a database name.
    base: String,
}

impl Server {
    pub fn url(&self, db: &str) -> String {
        format!("{}/{db}", self.base)
    }
}

pub fn ensure(root: &Path) -> Result<Server> {
    // psql is needed either way; the server binaries only for the private cluster.
    let bin = crate::tools::ensure_postgres()?;
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let base = strip_db_name(&url);
        let server = Server { base };
        if psql(&server, "postgres", "SELECT 1").is_ok() {
            eprintln!("database: using DATABASE_URL");
            return Ok(server);
        }
        bail!(
            "DATABASE_URL is set but the server does not answer (psql failed); unset it to use a private cluster"
        );
    }
    let as_root = crate::tools::is_root();
    let dir = cluster_dir(root, as_root)?;
    let data = dir.join("data");
    let server = Server {
        base: format!("postgres://{SUPERUSER}@127.0.0.1:{PORT}"),
    };
    if !data.join("PG_VERSION").exists() {
        eprintln!("database: creating a private cluster in {}", data.display());
        std::fs::create_dir_all(&dir)?;
        if as_root {
            chown_postgres(&dir)?;
        }
        let mut init = pg_command(as_root, &bin.join("initdb"));
        init.arg("-D").arg(&data).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]);
        run(init, "initdb")?;
    }
    if TcpStream::connect_timeout(&([127, 0, 0, 1], PORT).into(), Duration::from_millis(300))
        .is_err()
    {
        eprintln!("database: starting the private cluster on port {PORT}");
        let log = dir.join("server.log");
        let mut start = pg_command(as_root, &bin.join("pg_ctl"));
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!(
                "-p {PORT} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=200",
                dir.display()
            ))
            .args(["-w", "-t", "60", "start"]);
        run(start, "pg_ctl start")?;
    } else {
        eprintln!("database: private cluster already running on port {PORT}");
    }
    Ok(server)
}

/// Where the cluster lives: under target/ when the postgres user can reach it.
fn cluster_dir(root: &Path, as_root: bool) -> Result<PathBuf> {
    let preferred = root.join("target/pg");
    if !as_root {
        return Ok(preferred);
    }
    std::fs::create_dir_all(root.join("target"))?;
    let reachable = Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(root.join("target"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if reachable {
        return Ok(preferred);
    }
    // A checkout in a private home folder: keep the cluster next to the system's own,
    // one per checkout.
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut h);
    Ok(PathBuf::from(format!(
        "/var/tmp/datacheck-pg-{:016x}",
        h.finish()
    )))
}

fn chown_postgres(dir: &Path) -> Result<()> {
    run(
        {
            let mut c = Command::new("chown");
            c.args(["-R", "postgres:postgres"]).arg(dir);
            c
        },
        "chown",
    )
}

fn pg_command(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut cmd: Command, what: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed with {status}");
    }
    Ok(())
}

fn strip_db_name(url: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    match without_query.rfind('/') {
        Some(i) if i > "postgres://".len() => without_query[..i].to_string(),
        _ => without_query.to_string(),
    }
}

fn psql(server: &Server, db: &str, sql: &str) -> Result<String> {
    let out = Command::new("psql")
        .arg(server.url(db))
        .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-t", "-A", "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub fn create_db_if_missing(server: &Server, name: &str) -> Result<()> {
    let exists = psql(
        server,
        "postgres",
        &format!(
            "SELECT 1 FROM pg_database WHERE datname = '{}'",
            name.replace('\'', "''")
        ),
    )?;
    if exists.is_empty() {
        psql(
            server,
            "postgres",
            &format!("CREATE DATABASE {}", quote_ident(name)),
        )?;
    }
    Ok(())
}

pub fn drop_and_create_db(server: &Server, name: &str) -> Result<()> {
    psql(
        server,
        "postgres",
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)),
    )?;
    psql(
        server,
        "postgres",
        &format!("CREATE DATABASE {}", quote_ident(name)),
    )?;
    Ok(())
}

/// A fresh database with every migration applied, for the compile-time query checks.
/// Plain SQL through psql, so it needs no build of the project.
pub fn recreate_schema_db(server: &Server, root: &Path) -> Result<()> {
    drop_and_create_db(server, SCHEMA_DB)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("migrations"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    for f in files {
        let out = Command::new("psql")
            .arg(server.url(SCHEMA_DB))
            .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-1", "-f"])
            .arg(&f)
            .output()
            .context("running psql")?;
        if !out.status.success() {
            bail!(
                "migration {} failed: {}",
                f.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    Ok(())
}
