//! Benchmark (not a test): `GET /c/{token}`, the customer page as a phone first loads
//! it, through the real router over TCP on loopback, measured in the same run with the
//! same load generator (keep-alive HTTP/1.1 connections, each sending its next request as
//! soon as the last answer is read) next to:
//! - a bare axum handler that returns a static page of the same size;
//! - itself while four clients download the customer bundle (the wave of first visits
//!   after a run's mails go out);
//! - the sign-in page (server-rendered, no database) at 64 connections.
//!
//! Reports throughput and latency percentiles, and the ratios. Run with
//! `cargo xtask bench` (BENCH_DATABASE_URL: a fresh, empty database; BENCH_SITE_ROOT: the
//! release site, whose bundle the downloads fetch).

mod common;

use axum::routing::get;
use backend::{AppState, db};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

const RECIPIENTS: i32 = 2_000;
const CONNECTIONS: usize = 16;
/// The rush: customers opening pages while others download the bundle.
const RUSH_CONNECTIONS: usize = 8;
const DOWNLOADS: usize = 4;
/// Many connections: the page against the sign-in page.
const MANY_CONNECTIONS: usize = 64;
const SECONDS: u64 = 8;
const ROUNDS: usize = 2;

struct Load {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut v = self.latencies.clone();
        v.sort();
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    }
}

/// `connections` clients, each on its own keep-alive connection, for `SECONDS`, asking
/// for `paths` in turn; with `brotli`, they accept brotli (what a browser downloading the
/// bundle does).
async fn load(
    addr: SocketAddr,
    paths: Arc<Vec<String>>,
    connections: usize,
    brotli: bool,
) -> anyhow::Result<Load> {
    let deadline = Instant::now() + Duration::from_secs(SECONDS);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let paths = paths.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut send, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            let mut latencies = Vec::new();
            let mut i = c;
            while Instant::now() < deadline {
                let path = &paths[i % paths.len()];
                i += connections;
                let mut req = http::Request::get(path.as_str())
                    .header(http::header::HOST, "127.0.0.1")
                    .body(Empty::<Bytes>::new())?;
                if brotli {
                    req.headers_mut().insert(
                        http::header::ACCEPT_ENCODING,
                        http::HeaderValue::from_static("br"),
                    );
                }
                let t = Instant::now();
                let res = send.send_request(req).await?;
                let status = res.status();
                let body = res.into_body().collect().await?.to_bytes();
                latencies.push(t.elapsed());
                anyhow::ensure!(status == 200 && body.len() > 1000, "bad answer {status}");
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    Ok(Load {
        requests: latencies.len(),
        elapsed: started.elapsed(),
        latencies,
    })
}

async fn serve(router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    Ok(addr)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set BENCH_DATABASE_URL (cargo xtask bench does)"))?;
    let pool = server::serve::connect(&url, 16).await?;
    server::serve::MIGRATOR.run(&pool).await?;

    // A sent run to RECIPIENTS contacts with every field editable and all sections on.
    let company = db::company::insert(&pool, &format!("Portal bench {}", std::process::id()))
        .await?
        .expect("new name");
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name, email, phone,
                              street, house_number, postal_code, city, language)
         SELECT $1, 'P' || i, 'person', 'Klant', 'Nummer ' || i, 'p' || i || '@example.nl',
                '+316' || lpad(i::text, 8, '0'), 'Dorpsstraat', (i % 200 + 1)::text, '1234 AB',
                'Utrecht', 'nl'
         FROM generate_series(1, $2) AS i",
    )
    .bind(company)
    .bind(RECIPIENTS)
    .execute(&pool)
    .await?;
    let staff = common::staff(&pool, &format!("bench{}@example.nl", std::process::id())).await?;
    let rules: BTreeMap<String, String> = db::field_def::list(&pool)
        .await?
        .into_iter()
        .filter(|f| f.key != "customer_no")
        .map(|f| (f.key, "editable".to_string()))
        .collect();
    let run = common::draft_to_everyone(
        &pool,
        company,
        &format!("Portal bench {}", std::process::id()),
        &rules,
    )
    .await?;
    common::send_to_everyone(&pool, run, company, staff).await?;
    sqlx::query("ANALYZE").execute(&pool).await?;

    let settings = common::settings()?;
    let recipients: Vec<(i64, time::OffsetDateTime)> =
        sqlx::query_as("SELECT id, expires_at FROM run_recipient WHERE run_id = $1 ORDER BY id")
            .bind(run)
            .fetch_all(&pool)
            .await?;
    let paths: Vec<String> = recipients
        .iter()
        .map(|(id, exp)| {
            backend::mail::portal_link(&settings, *id, *exp).replacen("http://127.0.0.1", "", 1)
        })
        .collect();
    let site_root = std::env::var("BENCH_SITE_ROOT").map_err(|_| {
        anyhow::anyhow!("set BENCH_SITE_ROOT to the release site (cargo xtask bench does)")
    })?;
    let leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("datacheck")
        .site_root(site_root)
        .build();
    let assets = server::http::site_assets(&leptos_options)?;
    let bundle = assets
        .customer
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the site has no customer bundle: build it first"))?;
    let state = AppState {
        pool: pool.clone(),
        settings: Arc::new(settings),
        words: &app::pages::portal::text::WORDS,
    };
    let portal = serve(server::http::router(state, leptos_options)).await?;

    // The bare page: the size of a real one, from memory.
    let probe = page_size(portal, &paths[0]).await?;
    let page = Arc::new("x".repeat(probe));
    let bare = serve(axum::Router::new().route(
        "/c/{token}",
        get(move || {
            let page = page.clone();
            async move { axum::response::Html(page.as_str().to_owned()) }
        }),
    ))
    .await?;
    println!("page size {probe} bytes; {CONNECTIONS} connections, {SECONDS}s per measurement");

    let paths = Arc::new(paths);
    let mut best_bare: Option<Load> = None;
    let mut best_portal: Option<Load> = None;
    for round in 0..ROUNDS {
        let b = load(bare, paths.clone(), CONNECTIONS, false).await?;
        let p = load(portal, paths.clone(), CONNECTIONS, false).await?;
        println!(
            "round {round}: bare {:>8.0} req/s p99 {:>6.2} ms | portal {:>7.0} req/s p99 {:>6.2} ms",
            b.per_second(),
            b.percentile(0.99).as_secs_f64() * 1e3,
            p.per_second(),
            p.percentile(0.99).as_secs_f64() * 1e3
        );
        if best_bare
            .as_ref()
            .is_none_or(|x| b.per_second() > x.per_second())
        {
            best_bare = Some(b);
        }
        if best_portal
            .as_ref()
            .is_none_or(|x| p.per_second() > x.per_second())
        {
            best_portal = Some(p);
        }
    }
    let (b, p) = (best_bare.expect("a round"), best_portal.expect("a round"));
    println!("\nGET /c/{{token}} (best of {ROUNDS}):");
    print_rows(&[
        ("bare axum, static page", &b),
        ("portal (SSR + PostgreSQL)", &p),
    ]);
    println!(
        "  throughput: the portal serves {:.1}× fewer pages; p99 {:.1}× the bare handler's",
        b.per_second() / p.per_second(),
        ms(p.percentile(0.99)) / ms(b.percentile(0.99)),
    );

    // The morning after a run: pages opened while others download the bundle.
    let wasm = Arc::new(vec![bundle.wasm.clone()]);
    let alone = load(portal, paths.clone(), RUSH_CONNECTIONS, false).await?;
    let downloads = tokio::spawn(load(portal, wasm, DOWNLOADS, true));
    let rushed = load(portal, paths.clone(), RUSH_CONNECTIONS, false).await?;
    let downloaded = downloads.await??;
    println!(
        "\nGET /c/{{token}} at {RUSH_CONNECTIONS} connections, alone and while {DOWNLOADS} clients download {} (brotli):",
        bundle.wasm
    );
    print_rows(&[
        ("portal alone", &alone),
        ("portal during the downloads", &rushed),
        ("the downloads", &downloaded),
    ]);
    println!(
        "  during the downloads the page keeps {:.0}% of its throughput; p50 {:.2}× alone",
        100.0 * rushed.per_second() / alone.per_second(),
        ms(rushed.percentile(0.5)) / ms(alone.percentile(0.5)),
    );

    // Many connections: the page against a server render without the database.
    let sign_in = Arc::new(vec!["/staff/login".to_string()]);
    let many = load(portal, paths.clone(), MANY_CONNECTIONS, false).await?;
    let login = load(portal, sign_in, MANY_CONNECTIONS, false).await?;
    println!("\nAt {MANY_CONNECTIONS} connections, the customer page and the sign-in page:");
    print_rows(&[
        ("portal (SSR + PostgreSQL)", &many),
        ("sign-in page (SSR, no database)", &login),
    ]);
    println!(
        "  the portal serves {:.0}% of the sign-in page's throughput",
        100.0 * many.per_second() / login.per_second()
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn print_rows(rows: &[(&str, &Load)]) {
    println!("  {:<34} {:>9} {:>9} {:>9}", "", "req/s", "p50", "p99");
    for (name, l) in rows {
        println!(
            "  {:<34} {:>9.0} {:>7.2}ms {:>7.2}ms",
            name,
            l.per_second(),
            ms(l.percentile(0.5)),
            ms(l.percentile(0.99))
        );
    }
}

/// One GET; the body's length.
async fn page_size(addr: SocketAddr, path: &str) -> anyhow::Result<usize> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut send, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let req = http::Request::get(path)
        .header(http::header::HOST, "127.0.0.1")
        .body(Empty::<Bytes>::new())?;
    let res = send.send_request(req).await?;
    anyhow::ensure!(res.status() == 200, "portal answered {}", res.status());
    Ok(res.into_body().collect().await?.to_bytes().len())
}
