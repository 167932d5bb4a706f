//! The mutation list and page on a real PostgreSQL, through the server functions the
//! staff pages call: filters and keyset paging against a naive query, scope, and the
//! view's values and flags.

use crate::common;

use app::server_fns::mutations::LoadMutation;
use common::mutations::*;
use common::*;
use datacheck_core::wire::mutations::MutationPage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

async fn list(app: &axum::Router, cookie: &str, pairs: &[(String, String)]) -> MutationPage {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (format!("query[{k}]"), v.clone()))
        .collect();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = call(app, "/api/mutations/list", Some(cookie), &refs).await;
    let status = res.status();
    let body = body_text(res).await;
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect(&body)
}

/// The same filters, written the plainest way: no keyset, no builder, no cap.
async fn naive(pool: &PgPool, only_company: Option<i64>, pairs: &[(String, String)]) -> Vec<i64> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let status = match get("status").as_deref() {
        None => Some("new".to_string()),
        Some("all") => None,
        Some(s) => Some(s.to_string()),
    };
    let desc = get("sort").as_deref() == Some("-created");
    let sql = format!(
        "SELECT m.id FROM mutation m JOIN contact k ON k.id = m.contact_id
         WHERE ($1::text IS NULL OR m.status = $1)
           AND ($2::bigint IS NULL OR m.company_id = $2)
           AND ($3::bigint IS NULL OR m.run_id = $3)
           AND ($4::date IS NULL OR m.created_at >= $4::timestamp AT TIME ZONE 'Europe/Amsterdam')
           AND ($5::date IS NULL OR m.created_at < ($5::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')
           AND ($6::text IS NULL OR position($6 IN k.search_text) > 0)
           AND ($7::bigint IS NULL OR m.company_id = $7)
         ORDER BY m.created_at {0}, m.id {0}",
        if desc { "DESC" } else { "ASC" }
    );
    let day = |k: &str| {
        get(k).map(|d| {
            time::Date::parse(
                &d,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap()
        })
    };
    sqlx::query_scalar(&sql)
        .bind(status)
        .bind(get("company").map(|c| c.parse::<i64>().unwrap()))
        .bind(get("run").map(|c| c.parse::<i64>().unwrap()))
        .bind(day("from"))
        .bind(day("until"))
        .bind(get("q").map(|q| q.to_lowercase()))
        .bind(only_company)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn keyset_pages_return_exactly_the_filtered_rows_across_page_boundaries(pool: PgPool) {
    let (f, app, admin, staff, runs) = spread(&pool, 260).await;
    let mut rng = StdRng::seed_from_u64(42);
    let day = |days_ago: i64| {
        (time::OffsetDateTime::now_utc() - time::Duration::days(days_ago))
            .date()
            .to_string()
    };
    for case in 0..40 {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: String| pairs.push((k.to_string(), v));
        match rng.gen_range(0..5) {
            0 => {}
            1 => put("status", "processed".into()),
            2 => put("status", "ignored".into()),
            3 => put("status", "all".into()),
            _ => put("status", "new".into()),
        }
        if rng.gen_ratio(1, 3) {
            put(
                "company",
                [f.company_a, f.company_b][rng.gen_range(0..2)].to_string(),
            );
        }
        if rng.gen_ratio(1, 4) {
            put("run", runs[rng.gen_range(0..2)].to_string());
        }
        if rng.gen_ratio(1, 3) {
            put("from", day(rng.gen_range(5..25)));
        }
        if rng.gen_ratio(1, 3) {
            put("until", day(rng.gen_range(0..15)));
        }
        if rng.gen_ratio(1, 4) {
            put(
                "q",
                ["nummer", "bedrijf", "K2", "example", "b1"][rng.gen_range(0..5)].into(),
            );
        }
        if rng.gen_ratio(1, 2) {
            put("sort", "-created".into());
        }
        let scoped = rng.gen_ratio(1, 3)
            && !pairs
                .iter()
                .any(|(k, v)| k == "company" && *v == f.company_b.to_string());
        let (cookie, only) = if scoped {
            (&staff, Some(f.company_a))
        } else {
            (&admin, None)
        };
        let from_ok = pairs
            .iter()
            .find(|(k, _)| k == "from")
            .map(|(_, v)| v.clone());
        let until_ok = pairs
            .iter()
            .find(|(k, _)| k == "until")
            .map(|(_, v)| v.clone());
        if let (Some(a), Some(b)) = (from_ok, until_ok)
            && a > b
        {
            continue;
        }
        let want = naive(&pool, only, &pairs).await;

        // Forwards, page by page.
        let mut got: Vec<i64> = Vec::new();
        let mut pages: Vec<(Option<String>, Vec<i64>)> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = pairs.clone();
            if let Some(c) = &cursor {
                q.push(("after".into(), c.clone()));
            }
            let page = list(&app, cookie, &q).await;
            assert!(page.rows.len() <= 25);
            let ids: Vec<i64> = page.rows.iter().map(|r| r.id.0).collect();
            got.extend(&ids);
            if cursor.is_none() {
                assert_eq!(page.total.n, want.len() as i64, "case {case}: {pairs:?}");
                assert!(!page.total.more);
            }
            pages.push((cursor.clone(), ids));
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(got, want, "case {case}: {pairs:?}");

        // Backwards from the last page, by its "previous" links, gives the same pages.
        let (last_cursor, _) = pages.last().unwrap().clone();
        let mut q = pairs.clone();
        if let Some(c) = last_cursor {
            q.push(("after".into(), c));
        }
        let mut prev = list(&app, cookie, &q).await.prev;
        for (_, expect) in pages[..pages.len() - 1].iter().rev() {
            let mut q = pairs.clone();
            q.push(("before".into(), prev.clone().expect("a previous page")));
            let page = list(&app, cookie, &q).await;
            let ids: Vec<i64> = page.rows.iter().map(|r| r.id.0).collect();
            assert_eq!(&ids, expect, "case {case} backwards: {pairs:?}");
            prev = page.prev;
        }
        assert_eq!(prev, None, "the first page has no previous page");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn scoped_staff_cannot_see_or_act_on_another_companys_mutations(pool: PgPool) {
    let (f, app, _admin, staff, runs) = spread(&pool, 60).await;
    let theirs = ids_with(
        &pool,
        &format!(
            "SELECT id FROM mutation WHERE company_id = {} AND status = 'new' ORDER BY id LIMIT 1",
            f.company_b
        ),
    )
    .await[0];
    let ours = ids_with(
        &pool,
        &format!(
            "SELECT id FROM mutation WHERE company_id = {} AND status = 'new' ORDER BY id LIMIT 1",
            f.company_a
        ),
    )
    .await[0];
    // A forged id among their own: the whole request is refused, nothing changes.
    let (s, _) = review(
        &app,
        &staff,
        "process",
        serde_json::json!({ "Ids": [ours, theirs] }),
        2,
    )
    .await;
    assert_eq!(s, http::StatusCode::NOT_FOUND);
    let (s, _) = review(
        &app,
        &staff,
        "delete",
        serde_json::json!({ "Ids": [theirs] }),
        1,
    )
    .await;
    assert_eq!(s, http::StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE id IN ({ours}, {theirs}) AND status = 'new'"
            )
        )
        .await,
        2
    );
    // A filter naming the other company, or its run, reaches nothing of theirs.
    let (s, _) = review(
        &app,
        &staff,
        "ignore",
        serde_json::json!({ "Filter": { "company": f.company_b } }),
        0,
    )
    .await;
    assert_eq!(s, http::StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = review(
        &app,
        &staff,
        "ignore",
        serde_json::json!({ "Filter": { "run": runs[1] } }),
        0,
    )
    .await;
    assert_eq!((s, v), (http::StatusCode::OK, serde_json::json!(0)));
    let (s, _) = StaffSession::with_cookie(&app, &staff)
        .try_call(LoadMutation {
            id: theirs,
            query: Default::default(),
        })
        .await
        .unwrap_err();
    assert_eq!(s, http::StatusCode::NOT_FOUND);
    let page = list(&app, &staff, &[("status".into(), "all".into())]).await;
    assert!(page.rows.iter().all(|r| r.company == "Company A"));
    let res = get(&app, "/staff/mutations/export.csv?status=all", Some(&staff)).await;
    let csv = body_text(res).await;
    assert!(
        !csv.contains("\nB"),
        "no customer of company B in the export"
    );
    assert!(csv.contains("\nK"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_view_shows_the_dms_now_beside_the_submitted_value_with_the_reviewers_flags(
    pool: PgPool,
) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 3, 0).await;
    sqlx::query(
        "UPDATE contact SET city = 'Zwolle', phone = '+31612345987' WHERE customer_no = 'K1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let k1: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE customer_no = 'K1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let m: i64 = sqlx::query_scalar(
        "INSERT INTO mutation (company_id, contact_id, kind, submission_key, language)
         VALUES ($1, $2, 'changed', md5('v'), 'en') RETURNING id",
    )
    .bind(f.company_a)
    .bind(k1)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position) VALUES
         ($1, 'field', 'email', 'c1@example.nl', 'C2@example.nl', 1),
         ($1, 'field', 'city', 'Deventer', 'Zwolle', 2),
         ($1, 'field', 'mobile', NULL, '+31611111111', 3),
         ($1, 'field', 'street', NULL, 'Kerkstraat', 4),
         ($1, 'subscription', 'newsletter', 'yes', 'no', 5),
         ($1, 'consent', 'e_marketing', 'given', 'withdrawn', 6)",
    )
    .bind(m)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO mutation_change (mutation_id, section, field_key, new_person, submitted_value, position) VALUES
         ($1, 'person', 'first_name', 1, 'Sanne', 7), ($1, 'person', 'email', 1, 'sanne@gmial.com', 8)",
    )
    .bind(m)
    .execute(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let view = StaffSession::with_cookie(&app, &admin)
        .call(LoadMutation {
            id: m,
            query: Default::default(),
        })
        .await;
    let line = |label: &str| {
        view.fields
            .iter()
            .find(|l| l.label == label)
            .unwrap()
            .clone()
    };
    let email = line("E-mail address");
    assert_eq!(email.now.as_deref(), Some("c1@example.nl"));
    assert_eq!(email.submitted.as_deref(), Some("C2@example.nl"));
    assert_eq!(email.at_submission, None, "unchanged since");
    assert_eq!(
        email.flags,
        vec![datacheck_core::wire::mutations::Flag::EmailOfOther {
            customer_no: "K2".into(),
            name: "Klant Nummer 2".into()
        }]
    );
    let city = line("City");
    assert_eq!(city.now.as_deref(), Some("Zwolle"));
    assert_eq!(
        city.at_submission.as_deref(),
        Some("Deventer"),
        "the DMS changed since the answer"
    );
    assert_eq!(
        city.flags,
        vec![datacheck_core::wire::mutations::Flag::AlreadyInDms]
    );
    let mobile = line("Mobile number");
    assert!(
        matches!(
            mobile.flags.as_slice(),
            [datacheck_core::wire::mutations::Flag::Implausible(_)]
        ),
        "{mobile:?}"
    );
    assert!(line("Street").flags.is_empty());
    assert_eq!(view.persons.len(), 1);
    assert!(view.persons[0].added);
    assert_eq!(view.persons[0].who, "Added person 1");
    assert!(
        view.persons[0].lines[1]
            .flags
            .iter()
            .any(|f| f.text().contains("sanne@gmail.com"))
    );
    let prefs: Vec<(String, Option<String>, Option<String>)> = view
        .preferences
        .iter()
        .map(|l| {
            (
                l.label.clone(),
                l.at_submission.clone(),
                l.submitted.clone(),
            )
        })
        .collect();
    assert_eq!(
        prefs,
        vec![
            (
                "Subscription: Newsletter".into(),
                Some("Yes".into()),
                Some("No".into())
            ),
            (
                "E-marketing consent".into(),
                Some("Given".into()),
                Some("Withdrawn".into())
            ),
        ]
    );
}
