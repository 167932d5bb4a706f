//! Who manages whom, as the DMS sets it: through the CSV import (mapping, report,
//! import) and the contacts API (PUT and batch), shown on the contact page. Nobody
//! manages themselves, managers never go round in a circle, and the relation never
//! crosses companies; each is a clear problem, and nothing is half-written.

use crate::common;

use app::server_fns::contacts::GetContact;
use app::server_fns::import::{CheckImport, LoadImport, StartImport};
use backend::{auth, import};
use common::dms::*;
use common::*;
use datacheck_core::wire::{ContactId, ImportReport};
use http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

/// Each contact's manager by customer number, as the register holds it.
async fn relation(pool: &PgPool) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT k.customer_no, m.customer_no FROM contact k
         LEFT JOIN contact m ON m.id = k.managed_by ORDER BY k.customer_no",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn pairs(p: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    p.iter()
        .map(|(k, m)| (k.to_string(), m.map(str::to_string)))
        .collect()
}

async fn uploaded(pool: &PgPool, cookie: &str, company: i64, csv: &str) -> i64 {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::COOKIE, cookie.parse().unwrap());
    let staff = auth::staff_for_headers(pool, &settings(), &headers)
        .await
        .unwrap()
        .unwrap();
    import::upload(pool, &staff, company, "fleet.csv", csv.as_bytes())
        .await
        .unwrap()
}

/// Uploads and checks a file with its first-guess mapping; the report.
async fn checked(app: &axum::Router, cookie: &str, id: i64) -> ImportReport {
    let session = StaffSession::with_cookie(app, cookie);
    let view = session.call(LoadImport { id }).await;
    session
        .call(CheckImport {
            id,
            mapping: view.mapping,
        })
        .await
}

async fn imported(app: &axum::Router, cookie: &str, pool: &PgPool, id: i64) {
    StaffSession::with_cookie(app, cookie)
        .call(StartImport { id })
        .await;
    for _ in 0..200 {
        let done: bool = sqlx::query_scalar(
            "SELECT status IN ('done', 'failed') FROM contact_import WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
        if done {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_sets_managers_and_reports_self_circle_and_other_company_by_row(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    // Company B has a contact X1: for company A that number does not exist.
    let key = new_api_key(&app, &cookie, "DMS", KeyScope::All).await;
    let (status, v) = dms_request(
        &app,
        "PUT",
        &format!("/api/v1/contacts/{}/X1", f.company_b),
        Some(&key),
        Some(json!({ "last_name": "Elders" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");

    let csv = "Klantnr;Achternaam;Beheerder\n\
               M1;Jansen;\n\
               D1;Bakker;M1\n\
               D2;Smit;M1\n\
               S1;Zelf;S1\n\
               C1;Rond;C2\n\
               C2;Kring;C1\n\
               F1;Vreemd;X1\n";
    let id = uploaded(&pool, &cookie, f.company_a, csv).await;
    let view = StaffSession::with_cookie(&app, &cookie)
        .call(LoadImport { id })
        .await;
    assert_eq!(view.mapping[2], "managed_by", "the column is recognised");
    assert!(
        view.targets.iter().any(|t| t.key == "managed_by"),
        "and can be chosen"
    );
    let report = checked(&app, &cookie, id).await;
    let problem = |no: &str| {
        report
            .problems
            .iter()
            .find(|p| p.customer_no == no)
            .unwrap_or_else(|| panic!("{no}: {:#?}", report.problems))
    };
    assert_eq!(
        (report.valid, report.rejected),
        (3, 4),
        "{:#?}",
        report.problems
    );
    assert!(problem("S1").message.contains("own data manager"));
    assert_eq!(problem("S1").column, "Beheerder");
    assert!(
        problem("C1").message.contains("C1 → C2 → C1"),
        "{:?}",
        problem("C1")
    );
    assert!(problem("C2").message.contains("circle"));
    assert!(
        problem("F1")
            .message
            .contains("No contact with customer number X1"),
        "another company's contact is not one of this company's"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contact").await,
        1,
        "the check wrote nothing"
    );

    imported(&app, &cookie, &pool, id).await;
    assert_eq!(
        relation(&pool).await,
        pairs(&[
            ("D1", Some("M1")),
            ("D2", Some("M1")),
            ("M1", None),
            ("X1", None)
        ])
    );

    // The contact page links both ways.
    let id_of = |no: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM contact WHERE customer_no = $1")
                .bind(no)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let session = StaffSession::with_cookie(&app, &cookie);
    let manager = session
        .call(GetContact {
            id: ContactId(id_of("M1").await),
        })
        .await;
    assert_eq!(manager.manages_total, 2);
    let names: Vec<&str> = manager.manages.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Bakker", "Smit"]);
    let driver = session
        .call(GetContact {
            id: ContactId(id_of("D1").await),
        })
        .await;
    assert_eq!(
        driver.managed_by.map(|m| m.customer_no).as_deref(),
        Some("M1")
    );

    // A second file that clears D2's manager and makes M1 managed by D1: M1 → D1 → M1.
    let csv = "Klantnr;Beheerder\nD2;\nM1;D1\n";
    let id = uploaded(&pool, &cookie, f.company_a, csv).await;
    let report = checked(&app, &cookie, id).await;
    assert_eq!(
        (report.valid, report.rejected),
        (1, 1),
        "{:#?}",
        report.problems
    );
    assert!(report.problems[0].message.contains("M1 → D1 → M1"));
    assert_eq!((report.update, report.unchanged), (1, 0));
    imported(&app, &cookie, &pool, id).await;
    assert_eq!(
        relation(&pool).await,
        pairs(&[("D1", Some("M1")), ("D2", None), ("M1", None), ("X1", None)])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_api_sets_managers_all_or_nothing_and_reads_them_back(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let key = new_api_key(&app, &admin, "DMS", KeyScope::All).await;
    let batch = format!("/api/v1/contacts/{}", f.company_a);
    // The drivers come before their manager in the batch, with different fields.
    let (status, v) = dms_request(
        &app,
        "POST",
        &batch,
        Some(&key),
        Some(json!({ "contacts": [
            { "customer_no": "D1", "last_name": "Bakker", "managed_by": "M1" },
            { "customer_no": "D2", "first_name": "Els", "managed_by": "M1" },
            { "customer_no": "M1", "kind": "organisation", "organisation_name": "Jansen Transport" },
        ]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, json!({ "created": 3, "updated": 0, "unchanged": 0 }));
    let (_, v) = dms_request(&app, "GET", &format!("{batch}/D1"), Some(&key), None).await;
    assert_eq!(v["managed_by"], "M1");
    let (_, v) = dms_request(&app, "GET", &format!("{batch}/M1"), Some(&key), None).await;
    assert_eq!(v["managed_by"], json!(null));

    // Only the relation changes: an update.
    let (status, v) = dms_request(
        &app,
        "PUT",
        &format!("{batch}/D2"),
        Some(&key),
        Some(json!({ "managed_by": "D1" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"], "updated");
    assert_eq!(v["contact"]["managed_by"], "D1");

    let before = relation(&pool).await;
    for (body, field_says) in [
        (
            json!({ "customer_no": "M1", "managed_by": "M1" }),
            "own data manager",
        ),
        (
            json!({ "customer_no": "M1", "managed_by": "D2" }),
            "M1 → D2 → D1 → M1",
        ),
        (
            json!({ "customer_no": "D1", "managed_by": "Z9" }),
            "No contact with customer number Z9",
        ),
    ] {
        let (status, v) = dms_request(
            &app,
            "POST",
            &batch,
            Some(&key),
            Some(json!({ "contacts": [ { "customer_no": "N1", "last_name": "Nieuw" }, body ] })),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["problems"][0]["index"], 1, "{v}");
        assert_eq!(v["problems"][0]["field"], "managed_by", "{v}");
        let message = v["problems"][0]["message"].as_str().unwrap();
        assert!(message.contains(field_says), "{message}");
        assert_eq!(
            relation(&pool).await,
            before,
            "nothing of the batch was written"
        );
    }

    // A manager of company B is unknown to company A, whichever way it is asked.
    let (status, v) = dms_request(
        &app,
        "PUT",
        &format!("/api/v1/contacts/{}/B1", f.company_b),
        Some(&key),
        Some(json!({ "last_name": "Elders", "managed_by": "M1" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM contact WHERE customer_no = 'B1'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_a_manager_of_another_company_or_oneself(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    seed_contacts(&pool, f.company_b, 1, 0).await;
    let a: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE company_id = $1")
        .bind(f.company_a)
        .fetch_one(&pool)
        .await
        .unwrap();
    let b: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE company_id = $1")
        .bind(f.company_b)
        .fetch_one(&pool)
        .await
        .unwrap();
    for manager in [b, a] {
        let r = sqlx::query("UPDATE contact SET managed_by = $1 WHERE id = $2")
            .bind(manager)
            .bind(a)
            .execute(&pool)
            .await;
        assert!(r.is_err(), "manager {manager} of {a} was accepted");
    }
    // Erasing a manager leaves their persons without one.
    let c: i64 = sqlx::query_scalar(
        "INSERT INTO contact (company_id, customer_no, kind, last_name, managed_by)
         VALUES ($1, 'NEW', 'person', 'Nieuw', $2) RETURNING id",
    )
    .bind(f.company_a)
    .bind(a)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM contact WHERE id = $1")
        .bind(a)
        .execute(&pool)
        .await
        .unwrap();
    let left: Option<i64> = sqlx::query_scalar("SELECT managed_by FROM contact WHERE id = $1")
        .bind(c)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, None);
}
