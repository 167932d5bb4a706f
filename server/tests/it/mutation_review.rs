//! Reviewing mutations on a real PostgreSQL: process / ignore / delete with their audit
//! rows and confirmed numbers, bulk actions on a filter, the CSV export for the DMS, and
//! retention.

use crate::common;

use app::server_fns::mutations::CountMutationSelection;
use common::mutations::*;
use common::*;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn process_ignore_and_delete_record_who_and_when_and_are_audited(pool: PgPool) {
    let (f, app, admin, _staff, _) = spread(&pool, 40).await;
    let new = ids_with(
        &pool,
        "SELECT id FROM mutation WHERE status = 'new' ORDER BY id LIMIT 3",
    )
    .await;
    let (s, v) = review(
        &app,
        &admin,
        "process",
        serde_json::json!({ "Ids": [new[0], new[1]] }),
        2,
    )
    .await;
    assert_eq!((s, v), (http::StatusCode::OK, serde_json::json!(2)));
    let row: (String, Option<i64>, bool) = sqlx::query_as(
        "SELECT status, processed_by, processed_at > now() - interval '1 minute' FROM mutation WHERE id = $1",
    )
    .bind(new[0])
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row, ("processed".into(), Some(f.admin_id), true));

    // Ignoring a processed one changes nothing: the number confirmed (1) is wrong.
    let (s, v) = review(
        &app,
        &admin,
        "ignore",
        serde_json::json!({ "Ids": [new[0]] }),
        1,
    )
    .await;
    assert_eq!(s, http::StatusCode::CONFLICT, "{v}");
    assert!(
        v.to_string().contains("0 mutation(s) match now, not 1"),
        "{v}"
    );
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE id = {} AND status = 'processed'",
                new[0]
            )
        )
        .await,
        1
    );

    let (s, _) = review(
        &app,
        &admin,
        "ignore",
        serde_json::json!({ "Ids": [new[2]] }),
        1,
    )
    .await;
    assert_eq!(s, http::StatusCode::OK);
    let (s, _) = review(
        &app,
        &admin,
        "delete",
        serde_json::json!({ "Ids": [new[2]] }),
        1,
    )
    .await;
    assert_eq!(s, http::StatusCode::OK);
    assert_eq!(
        count(
            &pool,
            &format!("SELECT count(*) FROM mutation WHERE id = {}", new[2])
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation_change WHERE mutation_id = {}",
                new[2]
            )
        )
        .await,
        0
    );

    let audit: Vec<(String, Option<String>, serde_json::Value)> = sqlx::query_as(
        "SELECT action, actor_label, detail FROM audit_event WHERE action LIKE 'mutation.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        actions,
        ["mutation.process", "mutation.ignore", "mutation.delete"]
    );
    assert_eq!(audit[0].2["count"], 2);
    assert_eq!(audit[0].2["ids"], serde_json::json!([new[0], new[1]]));
    assert_eq!(audit[0].1.as_deref(), Some("admin@test.nl"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bulk_action_on_the_filter_states_its_number_and_refuses_a_stale_one(pool: PgPool) {
    let (f, app, admin, _staff, runs) = spread(&pool, 120).await;
    let filter = serde_json::json!({ "Filter": { "run": runs[0], "status": "all" } });
    let n = StaffSession::with_cookie(&app, &admin)
        .call(CountMutationSelection {
            action: "ignore".into(),
            selection: filter.to_string(),
        })
        .await;
    let want = count(
        &pool,
        &format!(
            "SELECT count(*) FROM mutation WHERE run_id = {} AND status = 'new'",
            runs[0]
        ),
    )
    .await;
    assert!(want > 5);
    assert_eq!(
        n, want,
        "ignore counts only new rows, whatever the status filter"
    );

    // One more answer arrives before the click: the stated number is stale.
    sqlx::query(
        "INSERT INTO mutation (company_id, contact_id, run_id, kind, submission_key, language)
         SELECT $1, id, $2, 'unchanged', md5('late'), 'nl' FROM contact WHERE company_id = $1 LIMIT 1",
    )
    .bind(f.company_a)
    .bind(runs[0])
    .execute(&pool)
    .await
    .unwrap();
    let (s, v) = review(&app, &admin, "ignore", filter.clone(), want).await;
    assert_eq!(s, http::StatusCode::CONFLICT, "{v}");
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE run_id = {} AND status = 'new'",
                runs[0]
            )
        )
        .await,
        want + 1,
        "nothing changed"
    );
    let (s, v) = review(&app, &admin, "ignore", filter, want + 1).await;
    assert_eq!((s, v), (http::StatusCode::OK, serde_json::json!(want + 1)));
    assert_eq!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE run_id = {} AND status = 'new'",
                runs[0]
            )
        )
        .await,
        0
    );
    // Other runs untouched.
    assert!(
        count(
            &pool,
            &format!(
                "SELECT count(*) FROM mutation WHERE run_id = {} AND status = 'new'",
                runs[1]
            )
        )
        .await
            > 0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_csv_export_has_one_row_per_change_in_the_dms_layout_and_is_audited(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 2, 0).await;
    let k1: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE customer_no = 'K1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let m: i64 = sqlx::query_scalar(
        "INSERT INTO mutation (company_id, contact_id, kind, submission_key, language, created_at)
         VALUES ($1, $2, 'changed', md5('x'), 'nl', '2026-11-20 13:05:00+00') RETURNING id",
    )
    .bind(f.company_a)
    .bind(k1)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO mutation_change (mutation_id, section, field_key, person_id, new_person, dms_value, submitted_value, position) VALUES
         ($1, 'field', 'phone', NULL, NULL, '+31611111111', '+31622222222', 1),
         ($1, 'field', 'street', NULL, NULL, 'Oud, straat', '=HYPERLINK(\"x\")', 2),
         ($1, 'person', 'first_name', NULL, 1, NULL, 'Sanne', 3),
         ($1, 'consent', 'e_marketing', NULL, NULL, 'given', 'withdrawn', 4)",
    )
    .bind(m)
    .execute(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let res = get(
        &app,
        "/staff/mutations/export.csv?status=new&q=K1",
        Some(&admin),
    )
    .await;
    assert_eq!(res.status(), http::StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"mutations-")
    );
    let body = body_text(res).await;
    let body = body.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "customer_no",
            "field",
            "dms_value",
            "submitted_value",
            "submitted_at",
            "mutation_id"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let id = m.to_string();
    let at = "2026-11-20 14:05:00".to_string();
    assert_eq!(
        rows,
        vec![
            vec![
                "K1".into(),
                "phone".into(),
                "+31611111111".into(),
                "+31622222222".into(),
                at.clone(),
                id.clone()
            ],
            vec![
                "K1".into(),
                "street".into(),
                "Oud, straat".into(),
                "'=HYPERLINK(\"x\")".into(),
                at.clone(),
                id.clone()
            ],
            vec![
                "K1".into(),
                "person[new1].first_name".into(),
                "".into(),
                "Sanne".into(),
                at.clone(),
                id.clone()
            ],
            vec![
                "K1".into(),
                "consent.e_marketing".into(),
                "given".into(),
                "withdrawn".into(),
                at,
                id
            ],
        ]
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action = 'mutation.export'"
        )
        .await,
        1
    );
    // Signed out: to the sign-in page, nothing exported.
    let res = get(&app, "/staff/mutations/export.csv", None).await;
    assert!(res.status().is_redirection());
    // A damaged filter: a message, not a file.
    let res = get(
        &app,
        "/staff/mutations/export.csv?from=yesterday",
        Some(&admin),
    )
    .await;
    assert_eq!(res.status(), http::StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("YYYY-MM-DD"));
}

#[sqlx::test(migrations = "../migrations")]
async fn retention_purges_only_reviewed_mutations_past_the_period(pool: PgPool) {
    let (_f, _app, _admin, _staff, _) = spread(&pool, 40).await;
    // Reviewed long ago, reviewed lately, and new but old: only the first kind goes.
    sqlx::query(
        "UPDATE mutation SET created_at = now() - interval '800 days',
                            processed_at = CASE WHEN status <> 'new' THEN now() - interval '400 days' END
         WHERE id % 2 = 0",
    )
    .execute(&pool)
    .await
    .unwrap();
    let old_reviewed = count(
        &pool,
        "SELECT count(*) FROM mutation WHERE id % 2 = 0 AND status <> 'new'",
    )
    .await;
    let rest = count(&pool, "SELECT count(*) FROM mutation").await - old_reviewed;
    assert!(old_reviewed > 3);
    let n = backend::mutations::purge_reviewed(&pool, 365)
        .await
        .unwrap();
    assert_eq!(n as i64, old_reviewed);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, rest);
    assert!(
        count(&pool, "SELECT count(*) FROM mutation WHERE status = 'new' AND created_at < now() - interval '700 days'").await > 0,
        "old answers nobody reviewed stay"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mutation_change c WHERE NOT EXISTS (SELECT 1 FROM mutation m WHERE m.id = c.mutation_id)").await,
        0
    );
    let detail: serde_json::Value =
        sqlx::query_scalar("SELECT detail FROM audit_event WHERE action = 'mutation.purge'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(detail["count"], old_reviewed);
    // Nothing more to purge: no second audit row.
    assert_eq!(
        backend::mutations::purge_reviewed(&pool, 365)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action = 'mutation.purge'"
        )
        .await,
        1
    );
}
