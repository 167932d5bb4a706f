//! Benchmark (not a test): imports 50,000 contacts through the whole CSV path (read and
//! decode, map, validate every row, write in one transaction) and, in the same run,
//! COPYs the same rows into a scratch table, the fastest way PostgreSQL takes rows. The
//! ratio is the figure to watch; seconds depend on the machine.
//!
//! Run with `cargo xtask bench`, which starts PostgreSQL and passes BENCH_DATABASE_URL
//! (a fresh, empty database).

use backend::audit::Actor;
use backend::import::{columns, rows, run, table, write};
use backend::{db, fields};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const ROWS: usize = 50_000;
const ROUNDS: usize = 3;

/// A DMS export: semicolons, Dutch headers, varied names, addresses and phones.
fn export() -> Vec<u8> {
    let firsts = [
        "Jan", "Els", "Mohamed", "Zoë", "Pieter", "Sanne", "Daan", "Fleur",
    ];
    let lasts = [
        ("van der", "Berg"),
        ("", "Jansen"),
        ("de", "Vries"),
        ("", "Bakker"),
        ("van", "Dijk"),
    ];
    let cities = ["Amersfoort", "Utrecht", "Zeist", "De Bilt", "Driebergen"];
    let mut s = String::from(
        "Klantnummer;Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Mobiel;Straat;Huisnummer;Postcode;Plaats;Land;Taal\n",
    );
    for i in 0..ROWS {
        let first = firsts[i % firsts.len()];
        let (prefix, last) = lasts[(i / 8) % lasts.len()];
        let _ = writeln!(
            s,
            "K{i:06};{first};{prefix};{last};{}.{}{i}@example.nl;06{:08};Stationsstraat;{};{} {}{};{};NL;nl",
            first.to_lowercase(),
            last.to_lowercase(),
            // 06-1… to 06-5…: the ranges Dutch mobile numbers are issued from.
            10_000_000 + (i * 7919) % 49_999_999,
            1 + i % 300,
            1000 + i % 8999,
            // Letters A to R first: PostNL never issues SA, SD or SS.
            (b'A' + (i % 18) as u8) as char,
            (b'A' + (i / 18 % 26) as u8) as char,
            cities[i % cities.len()],
        );
    }
    s.into_bytes()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set BENCH_DATABASE_URL (cargo xtask bench does)"))?;
    let pool = server::serve::connect(&url, 4).await?;
    server::serve::MIGRATOR.run(&pool).await?;
    let file = export();
    let catalogue = fields::catalogue(&pool).await?;
    let actor = Actor::System("benchmark");

    let mut copy_times = Vec::new();
    let mut import_times = Vec::new();
    let mut unchanged_times = Vec::new();
    let mut check_times = Vec::new();
    for round in 0..ROUNDS {
        // A fresh company each round, so every import creates 50,000 contacts.
        let company = db::company::insert(&pool, &format!("Bench {round}"))
            .await?
            .expect("new name");
        let staff = db::staff_user::insert(
            &pool,
            &format!("bench{round}@example.nl"),
            "Bench",
            "x",
            "admin",
            false,
        )
        .await?
        .expect("new user");
        let import = db::contact_import::insert(&pool, company, staff, "bench.csv", b"").await?;

        let started = Instant::now();
        let t = table::read(&file)?;
        let mapping = columns::detect(&t.headers, &catalogue);
        let plan = rows::plan(&t, &mapping, &catalogue);
        assert_eq!(
            plan.records.len(),
            ROWS,
            "every row is valid: {:?}",
            plan.problems.first()
        );
        let summary = run(&pool, &actor, import, company, "bench.csv", &plan, started).await?;
        assert_eq!(summary.created, ROWS);
        import_times.push(started.elapsed());

        // The same file again: every row compared, nothing written. The read and the
        // checks alone are timed too, to tell parsing from writing.
        let started = Instant::now();
        let t = table::read(&file)?;
        let plan = rows::plan(&t, &mapping, &catalogue);
        check_times.push(started.elapsed());
        let mut tx = pool.begin().await?;
        let bench = backend::audit::Actor::System("bench");
        let outcome = write(&mut tx, company, &plan, None, &bench, "bench.csv").await?;
        tx.commit().await?;
        assert_eq!(outcome.unchanged, ROWS);
        unchanged_times.push(started.elapsed());

        // Baseline: COPY of the same bytes into a table of text columns.
        sqlx::query("DROP TABLE IF EXISTS bench_copy")
            .execute(&pool)
            .await?;
        sqlx::query(
            "CREATE TABLE bench_copy (customer_no text, first_name text, prefix text, last_name text, \
             email text, mobile text, street text, house_number text, postal_code text, city text, \
             country text, language text)",
        )
        .execute(&pool)
        .await?;
        let started = Instant::now();
        let mut conn = pool.acquire().await?;
        let mut copy = conn
            .copy_in_raw("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')")
            .await?;
        copy.send(file.as_slice()).await?;
        let copied = copy.finish().await?;
        assert_eq!(copied as usize, ROWS);
        copy_times.push(started.elapsed());
    }
    let copy = median(copy_times);
    let import = median(import_times);
    let unchanged = median(unchanged_times);
    let checks = median(check_times);
    println!(
        "{ROWS} rows, median of {ROUNDS} rounds ({} bytes of CSV)",
        file.len()
    );
    println!(
        "  COPY into a text table (baseline)   {:>8.3} s   1.0x",
        copy.as_secs_f64()
    );
    println!(
        "  import, all new                     {:>8.3} s   {:.1}x COPY",
        import.as_secs_f64(),
        import.as_secs_f64() / copy.as_secs_f64()
    );
    println!(
        "  import again, all unchanged         {:>8.3} s   {:.1}x COPY",
        unchanged.as_secs_f64(),
        unchanged.as_secs_f64() / copy.as_secs_f64()
    );
    println!(
        "  of which reading and checking rows  {:>8.3} s   {:.1}x COPY",
        checks.as_secs_f64(),
        checks.as_secs_f64() / copy.as_secs_f64()
    );
    Ok(())
}
