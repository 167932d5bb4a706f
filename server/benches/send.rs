//! Benchmark (not a test): sending a run of 100,000 recipients, i.e. issuing a link to
//! each and queueing their mails in one transaction (the set-based core of
//! `runs::send`), next to the bare SQL of the same work in the same run: two plain
//! `INSERT … SELECT` of the same rows into scratch tables without indexes or checks.
//!
//! Run with `cargo xtask bench` (BENCH_DATABASE_URL: a fresh, empty database).

mod common;

use backend::db;
use backend::db::run_recipient::Selection;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const RECIPIENTS: i32 = 100_000;
const ROUNDS: usize = 3;

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
    for stmt in [
        "CREATE TABLE IF NOT EXISTS scratch_recipient (run_id bigint, contact_id bigint, email text, language text, expires_at timestamptz)",
        "CREATE TABLE IF NOT EXISTS scratch_mail (run_id bigint, recipient bigint, email text, message_id text)",
    ] {
        sqlx::query(stmt).execute(&pool).await?;
    }
    let mut send_times = Vec::new();
    let mut bare_times = Vec::new();
    for round in 0..ROUNDS {
        let company = db::company::insert(&pool, &format!("Send bench {round}"))
            .await?
            .expect("new name");
        sqlx::query(
            "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name, email, language)
             SELECT $1, 'S' || i, 'person', 'Klant', 'Nummer ' || i, 's' || i || '@example.nl', 'nl'
             FROM generate_series(1, $2) AS i",
        )
        .bind(company)
        .bind(RECIPIENTS)
        .execute(&pool)
        .await?;
        sqlx::query("ANALYZE contact").execute(&pool).await?;
        let rules = BTreeMap::from([("email".to_string(), "editable".to_string())]);
        let run =
            common::draft_to_everyone(&pool, company, &format!("Send bench round {round}"), &rules)
                .await?;
        let filter = common::everyone(company);
        let expires = time::OffsetDateTime::now_utc() + time::Duration::days(5);

        let started = Instant::now();
        let mut tx = pool.begin().await?;
        let sel = Selection::Filter {
            filter: &filter,
            confirmed_before: None,
        };
        let counted = db::run_recipient::counts(&mut *tx, company, &sel, false).await?;
        let issued =
            db::run_recipient::issue(&mut tx, run, company, &sel, false, 1, expires, "example.nl")
                .await?;
        tx.commit().await?;
        send_times.push(started.elapsed());
        assert_eq!(
            (counted.reachable, issued),
            (RECIPIENTS as i64, RECIPIENTS as u64)
        );

        let started = Instant::now();
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO scratch_recipient SELECT $1, k.id, k.email, k.language, $2 FROM contact k WHERE k.company_id = $3",
        )
        .bind(run)
        .bind(expires)
        .bind(company)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO scratch_mail SELECT run_id, contact_id, email, '<' || gen_random_uuid() || '@example.nl>' FROM scratch_recipient WHERE run_id = $1",
        )
        .bind(run)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        bare_times.push(started.elapsed());
        println!(
            "round {round}: send {:.2}s, bare SQL {:.2}s",
            send_times[round].as_secs_f64(),
            bare_times[round].as_secs_f64()
        );
    }
    let (send, bare) = (median(send_times), median(bare_times));
    println!(
        "\nqueueing a run of {RECIPIENTS} recipients (median of {ROUNDS}):\n  bare INSERT … SELECT ×2  {:>6.2}s  1.0×\n  issue links + queue mails {:>6.2}s  {:.1}×",
        bare.as_secs_f64(),
        send.as_secs_f64(),
        send.as_secs_f64() / bare.as_secs_f64()
    );
    Ok(())
}
