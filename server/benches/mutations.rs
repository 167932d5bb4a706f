//! Benchmark (not a test): the mutation review table on 1,000,000 mutations. Times the
//! server's whole answer for a page (checking the query, the keyset page, the capped
//! counts per status, the mapping) for the first page, a page 500,000 rows deep and
//! three filter combinations, each beside the bare SQL of the same page query run in
//! the same process on the same connection pool. The ratio is the figure to watch.
//!
//! Run with `cargo xtask bench`, which starts PostgreSQL and passes BENCH_DATABASE_URL.

use backend::{AppState, DeployEnv, Settings, mutations};
use datacheck_core::wire::mutations::MutationQuery;
use std::sync::Arc;
use std::time::{Duration, Instant};

const MUTATIONS: i64 = 1_000_000;
const CONTACTS: i64 = 100_000;
const ROUNDS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("BENCH_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set BENCH_DATABASE_URL (cargo xtask bench does)"))?;
    let pool = server::serve::connect(&url, 4).await?;
    server::serve::MIGRATOR.run(&pool).await?;

    let seeded = Instant::now();
    let companies: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO company (name) SELECT 'Review bench ' || i FROM generate_series(1, 2) i RETURNING id",
    )
    .fetch_all(&pool)
    .await?;
    sqlx::query(
        "INSERT INTO contact (company_id, customer_no, kind, first_name, last_name, email, language)
         SELECT $1 + (i % 2) * ($2 - $1), 'R' || lpad(i::text, 7, '0'), 'person', 'Klant',
                'Achternaam' || (i % 997), 'r' || i || '@example.nl', 'nl'
         FROM generate_series(1, $3) i",
    )
    .bind(companies[0])
    .bind(companies[1])
    .bind(CONTACTS)
    .execute(&pool)
    .await?;
    let runs: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO run (company_id, name, status, valid_to, sender_name, sender_email, reply_to,
                          templates, sent_at, links_expire_at)
         SELECT CASE WHEN i % 2 = 0 THEN $1 ELSE $2 END, 'Review bench run ' || i, 'sent', current_date,
                'B', 'b@example.nl', 'b@example.nl', '{}'::jsonb, now(), now()
         FROM generate_series(1, 10) i RETURNING id",
    )
    .bind(companies[0])
    .bind(companies[1])
    .fetch_all(&pool)
    .await?;
    // A year of answers, one every ~31 seconds; a fifth still new.
    sqlx::query(
        "INSERT INTO mutation (company_id, contact_id, run_id, kind, status, submission_key,
                               language, created_at, processed_at)
         SELECT k.company_id, k.id, r.id, CASE WHEN i % 3 = 0 THEN 'unchanged' ELSE 'changed' END,
                s.status, md5(i::text), 'nl', now() - make_interval(secs => i * 31),
                CASE WHEN s.status <> 'new' THEN now() - make_interval(secs => i * 31 - 3600) END
         FROM generate_series(1, $1) i
         JOIN LATERAL (SELECT CASE WHEN i % 5 = 0 THEN 'new' WHEN i % 10 = 1 THEN 'ignored'
                                   ELSE 'processed' END AS status) s ON true
         JOIN contact k ON k.customer_no = 'R' || lpad((1 + i % $2)::text, 7, '0')
         JOIN LATERAL (SELECT id FROM run WHERE company_id = k.company_id
                       ORDER BY id OFFSET (i / 7) % 5 LIMIT 1) r ON true",
    )
    .bind(MUTATIONS)
    .bind(CONTACTS)
    .execute(&pool)
    .await?;
    sqlx::query(
        "INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
         SELECT id, 'field', 'phone', '+31611111111', '+31622222222', 1 FROM mutation WHERE kind = 'changed'",
    )
    .execute(&pool)
    .await?;
    sqlx::query("VACUUM ANALYZE").execute(&pool).await?;
    println!(
        "seeded {MUTATIONS} mutations over {CONTACTS} contacts in {:.0} s",
        seeded.elapsed().as_secs_f64()
    );

    let settings = Settings {
        env: DeployEnv::Dev,
        dev_mailbox: false,
        public_url: "http://127.0.0.1".into(),
        time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam")?,
        time_zone_name: "Europe/Amsterdam".into(),
        session_key: [7; 32],
        link_keys: link_token::Keyring::new(&[(1, [9; 32])]).map_err(anyhow::Error::msg)?,
        mail_from: "bench@example.nl".into(),
        trust_forwarded_for: false,
    };
    let state = AppState {
        pool: pool.clone(),
        settings: Arc::new(settings),
        words: &app::pages::portal::text::WORDS,
    };
    let scope = backend::scope::CompanyScope::all();

    // The row half a million deep in the "every status, oldest first" order.
    let (deep_at, deep_id): (time::OffsetDateTime, i64) = sqlx::query_as(
        "SELECT created_at, id FROM mutation ORDER BY created_at, id OFFSET 499999 LIMIT 1",
    )
    .fetch_one(&pool)
    .await?;
    let deep_cursor = format!("{}.{deep_id}", deep_at.unix_timestamp_nanos());
    let today = jiff::Zoned::now().date();
    let month_ago = today.checked_sub(jiff::Span::new().days(30))?;
    let week_ago = today.checked_sub(jiff::Span::new().days(7))?;

    let page_sql = "SELECT m.id, m.company_id, m.kind, m.language, m.contact_id, k.customer_no, \
         k.kind, k.first_name, k.last_name_prefix, k.last_name, k.organisation_name, \
         c.name, m.run_id, r.name, m.status, m.created_at, m.processed_at, \
         coalesce(u.display_name, a.name), \
         (SELECT count(*) FROM mutation_change x WHERE x.mutation_id = m.id) \
         FROM mutation m JOIN contact k ON k.id = m.contact_id JOIN company c ON c.id = m.company_id \
         LEFT JOIN run r ON r.id = m.run_id LEFT JOIN staff_user u ON u.id = m.processed_by \
         LEFT JOIN api_key a ON a.id = m.processed_by_key";
    let cases: Vec<(&str, MutationQuery, String)> = vec![
        (
            "first page, new (the review queue)",
            MutationQuery::default(),
            format!("{page_sql} WHERE m.status = 'new' ORDER BY m.created_at, m.id LIMIT 26"),
        ),
        (
            "page 500,000 deep, every status",
            MutationQuery {
                status: Some("all".into()),
                after: Some(deep_cursor.clone()),
                ..Default::default()
            },
            format!(
                "{page_sql} WHERE (m.created_at, m.id) > ('{}'::timestamptz, {deep_id}) ORDER BY m.created_at, m.id LIMIT 26",
                deep_at.format(&time::format_description::well_known::Rfc3339)?
            ),
        ),
        (
            "company + processed, newest first",
            MutationQuery {
                status: Some("processed".into()),
                company: Some(companies[1]),
                sort: Some("-created".into()),
                ..Default::default()
            },
            format!(
                "{page_sql} WHERE m.status = 'processed' AND m.company_id = {} ORDER BY m.created_at DESC, m.id DESC LIMIT 26",
                companies[1]
            ),
        ),
        (
            "run + last 30 days, every status",
            MutationQuery {
                status: Some("all".into()),
                run: Some(runs[3]),
                from: Some(month_ago.to_string()),
                ..Default::default()
            },
            format!(
                "{page_sql} WHERE m.run_id = {} AND m.created_at >= '{month_ago}'::date ORDER BY m.created_at, m.id LIMIT 26",
                runs[3]
            ),
        ),
        (
            "text search + last week, new",
            MutationQuery {
                q: Some("achternaam99".into()),
                from: Some(week_ago.to_string()),
                ..Default::default()
            },
            format!(
                "{page_sql} WHERE m.status = 'new' AND m.created_at >= '{week_ago}'::date \
                 AND m.contact_id IN (SELECT k2.id FROM contact k2 WHERE k2.search_text LIKE '%achternaam99%') \
                 ORDER BY m.created_at, m.id LIMIT 26"
            ),
        ),
    ];

    println!(
        "\n{:<40} {:>12} {:>12} {:>8}",
        "page", "server", "bare SQL", "ratio"
    );
    for (name, query, bare) in cases {
        // Warm both paths, and check the server's page is the bare query's page.
        let page = mutations::list(&state, &scope, &query).await?;
        let rows = sqlx::query(&bare).fetch_all(&pool).await?;
        assert_eq!(
            page.rows.len(),
            rows.len().min(25),
            "{name}: the server's page and the bare query disagree"
        );
        let mut app_times = Vec::new();
        let mut sql_times = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            std::hint::black_box(mutations::list(&state, &scope, &query).await?);
            app_times.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(sqlx::query(&bare).fetch_all(&pool).await?);
            sql_times.push(t.elapsed());
        }
        let (a, s) = (median(app_times), median(sql_times));
        println!(
            "{name:<40} {:>12} {:>12} {:>7.1}×",
            ms(a),
            ms(s),
            a.as_secs_f64() / s.as_secs_f64()
        );
    }
    println!(
        "\nserver = check + keyset page + three capped status counts (≤ 10,001 rows each) + mapping;\n\
         bare SQL = the page query alone. Medians of {ROUNDS} runs."
    );
    Ok(())
}
