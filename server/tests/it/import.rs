//! CSV import: a messy DMS export (mixed encodings, a bad e-mail address, a duplicate
//! customer number, an unknown choice) gives the right report; cancelling imports
//! nothing; importing writes exactly the valid rows in one go; a second import of the
//! same file changes nothing; scope is enforced by forged ids.

use crate::common;

use app::server_fns::import::{
    CancelImport, CheckImport, ImportStatus, LoadImport, RecentImports, StartImport,
};
use backend::{auth, db, import};
use common::*;
use datacheck_core::error::AppError;
use datacheck_core::wire::{ImportProgress, ImportReport, ImportView};
use sqlx::PgPool;

const MESSY: &[u8] = include_bytes!("../../../end2end/fixtures/contacts-messy.csv");

async fn staff_of(pool: &PgPool, cookie: &str) -> auth::Staff {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::COOKIE, cookie.parse().unwrap());
    auth::staff_for_headers(pool, &settings(), &headers)
        .await
        .unwrap()
        .unwrap()
}

async fn fuel_attribute(pool: &PgPool) {
    db::field_def::insert_custom(
        pool,
        &db::field_def::Write {
            key: "fuel_type",
            field_type: "choice",
            label_nl: "Brandstof",
            label_en: "Fuel type",
            choices: &serde_json::json!([
                {"nl": "Benzine", "en": "Petrol"}, {"nl": "Diesel", "en": "Diesel"},
                {"nl": "Elektrisch", "en": "Electric"}, {"nl": "Hybride", "en": "Hybrid"}
            ]),
            required: false,
            customer_visible: true,
            customer_editable: true,
        },
    )
    .await
    .unwrap();
}

/// A call's refusal as its status and what it says.
fn said<T>(r: Result<T, (http::StatusCode, AppError)>) -> Result<T, (http::StatusCode, String)> {
    r.map_err(|(status, err)| (status, format!("{err:?}")))
}

async fn view(app: &axum::Router, cookie: &str, id: i64) -> ImportView {
    StaffSession::with_cookie(app, cookie)
        .call(LoadImport { id })
        .await
}

async fn start(
    app: &axum::Router,
    cookie: &str,
    id: i64,
) -> Result<(), (http::StatusCode, String)> {
    said(
        StaffSession::with_cookie(app, cookie)
            .try_call(StartImport { id })
            .await,
    )
}

async fn cancel(app: &axum::Router, cookie: &str, id: i64) {
    StaffSession::with_cookie(app, cookie)
        .call(CancelImport { id })
        .await
}

/// Checks the import with `mapping`, a field (or nothing) for each column.
async fn check(
    app: &axum::Router,
    cookie: &str,
    id: i64,
    mapping: &[String],
) -> Result<ImportReport, (http::StatusCode, String)> {
    said(
        StaffSession::with_cookie(app, cookie)
            .try_call(CheckImport {
                id,
                mapping: mapping.to_vec(),
            })
            .await,
    )
}

async fn contacts(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM contact")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn wait_done(app: &axum::Router, cookie: &str, id: i64) -> ImportProgress {
    for _ in 0..200 {
        let p = StaffSession::with_cookie(app, cookie)
            .call(ImportStatus { id })
            .await;
        if p.status != datacheck_core::wire::ImportStatus::Importing {
            return p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_messy_export_is_reported_by_row_and_field_and_cancel_imports_nothing(pool: PgPool) {
    let f = fixture(&pool).await;
    fuel_attribute(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;
    let id = import::upload(&pool, &staff, f.company_a, "export.csv", MESSY)
        .await
        .unwrap();

    let view = view(&app, &cookie, id).await;
    assert_eq!(view.rows, 11);
    assert_eq!(view.delimiter, "semicolon (;)");
    assert!(
        view.encoding
            .starts_with("mixed: 3 fields read as Windows-1252"),
        "{}",
        view.encoding
    );
    let mapped: Vec<&str> = view.mapping.iter().map(String::as_str).collect();
    assert_eq!(
        mapped,
        [
            "customer_no",
            "kind",
            "salutation",
            "first_name",
            "last_name_prefix",
            "last_name",
            "organisation_name",
            "email",
            "mobile",
            "street",
            "house_number",
            "postal_code",
            "city",
            "country",
            "fuel_type",
            "",
        ]
    );
    assert_eq!(
        view.preview[1][5], "Müller-Lüdenscheidt",
        "the Windows-1252 line reads right"
    );

    let report = check(&app, &cookie, id, &view.mapping).await.unwrap();
    assert_eq!(
        (report.rows, report.valid, report.rejected),
        (11, 5, 6),
        "{:#?}",
        report.problems
    );
    assert_eq!((report.create, report.update, report.unchanged), (5, 0, 0));
    let problem = |line: usize| {
        report
            .problems
            .iter()
            .find(|p| p.line == line)
            .unwrap_or_else(|| panic!("line {line}: {:#?}", report.problems))
    };
    assert_eq!(problem(5).column, "E-mailadres");
    assert_eq!(problem(5).value, "els.visser@example");
    assert_eq!(problem(6).column, "Brandstof");
    assert_eq!(
        problem(6).message,
        "Choose one of: Benzine, Diesel, Elektrisch, Hybride."
    );
    assert!(
        problem(2).message.contains("also on line 8"),
        "{:?}",
        problem(2)
    );
    assert!(problem(8).message.contains("also on line 2"));
    assert_eq!(
        problem(11).message,
        "A person needs a first or a last name."
    );
    assert_eq!(problem(12).column, "Mobiel");
    // The check wrote nothing: it ran the import and rolled it back.
    assert_eq!(contacts(&pool).await, 0);

    cancel(&app, &cookie, id).await;
    assert_eq!(contacts(&pool).await, 0);
    let bytes: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT file_bytes FROM contact_import WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(bytes.is_none(), "a cancelled import's file is removed");
    let (status, _) = start(&app, &cookie, id).await.unwrap_err();
    assert_eq!(
        status,
        http::StatusCode::CONFLICT,
        "a cancelled import cannot start"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn importing_writes_the_valid_rows_once_and_a_second_import_changes_nothing(pool: PgPool) {
    let f = fixture(&pool).await;
    fuel_attribute(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;

    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let id = import::upload(&pool, &staff, f.company_a, "export.csv", MESSY)
            .await
            .unwrap();
        let view = view(&app, &cookie, id).await;
        // Starting before a check is refused: the import does what the check showed.
        let early = start(&app, &cookie, id).await;
        assert_eq!(early.unwrap_err().0, http::StatusCode::CONFLICT);
        check(&app, &cookie, id, &view.mapping).await.unwrap();
        start(&app, &cookie, id).await.unwrap();
        let again = start(&app, &cookie, id).await;
        assert_eq!(
            again.unwrap_err().0,
            http::StatusCode::CONFLICT,
            "a double click starts one import"
        );
        let done = wait_done(&app, &cookie, id).await;
        assert_eq!(done.status, datacheck_core::wire::ImportStatus::Done);
        outcomes.push(done.summary.unwrap());
    }
    assert_eq!(
        (
            outcomes[0].created,
            outcomes[0].updated,
            outcomes[0].unchanged,
            outcomes[0].rejected
        ),
        (5, 0, 0, 6)
    );
    assert_eq!(
        (
            outcomes[1].created,
            outcomes[1].updated,
            outcomes[1].unchanged
        ),
        (0, 0, 5)
    );
    assert_eq!(contacts(&pool).await, 5);

    let row: (String, Option<String>, Option<String>, String, Option<String>) = sqlx::query_as(
        "SELECT kind, email, mobile, country, postal_code FROM contact WHERE customer_no = 'N20008'",
    ).fetch_one(&pool).await.unwrap();
    assert_eq!(
        row,
        (
            "person".into(),
            Some("emily.clarke@example.co.uk".into()),
            Some("+442079460958".into()),
            "GB".into(),
            Some("NW1 6XE".into())
        )
    );
    let zoe: (String, String) =
        sqlx::query_as("SELECT last_name, street FROM contact WHERE customer_no = 'N20002'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(zoe, ("Müller-Lüdenscheidt".into(), "Hauptstraße".into()));
    let fuel: String = sqlx::query_scalar("SELECT a.value FROM contact_attribute a JOIN contact k ON k.id = a.contact_id WHERE k.customer_no = 'N20008'").fetch_one(&pool).await.unwrap();
    assert_eq!(
        fuel, "Benzine",
        "the English option label is stored as the Dutch one"
    );
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'contacts.imported'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audit, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_partial_file_changes_only_its_columns_and_counts_updates(pool: PgPool) {
    let f = fixture(&pool).await;
    fuel_attribute(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;
    let full = b"customer_no,first_name,last_name,email,mobile,fuel_type\nP1,Anna,Smit,anna@example.nl,0612345678,Diesel\nP2,Bert,Kok,bert@example.nl,0687654321,\n";
    let partial = b"customer_no,email,fuel_type\nP1,anna.smit@example.nl,Diesel\nP2,bert@example.nl,Hybride\nP3,new@example.nl,\n";
    let mut summaries = Vec::new();
    for file in [&full[..], &partial[..]] {
        let id = import::upload(&pool, &staff, f.company_b, "f.csv", file)
            .await
            .unwrap();
        let view = view(&app, &cookie, id).await;
        check(&app, &cookie, id, &view.mapping).await.unwrap();
        start(&app, &cookie, id).await.unwrap();
        summaries.push(wait_done(&app, &cookie, id).await.summary.unwrap());
    }
    // P1: e-mail changed; P2: only its attribute changed; P3: new.
    assert_eq!(
        (
            summaries[1].created,
            summaries[1].updated,
            summaries[1].unchanged
        ),
        (1, 2, 0)
    );
    let p1: (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT first_name, email, mobile FROM contact WHERE customer_no = 'P1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        p1,
        (
            Some("Anna".into()),
            Some("anna.smit@example.nl".into()),
            Some("+31612345678".into())
        ),
        "columns not in the file are kept"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_without_a_customer_number_column_cannot_be_checked(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;
    let id = import::upload(
        &pool,
        &staff,
        f.company_a,
        "f.csv",
        b"Naam;E-mail\nJan;jan@example.nl\n",
    )
    .await
    .unwrap();
    let view = view(&app, &cookie, id).await;
    let (status, body) = check(&app, &cookie, id, &view.mapping).await.unwrap_err();
    assert_eq!(status, http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("customer number"), "{body}");
    // Two columns for one field is refused as well.
    let twice = ["email".to_string(), "email".to_string()];
    let (_, body) = check(&app, &cookie, id, &twice).await.unwrap_err();
    assert!(body.contains("both go to the same field"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn unreadable_files_are_refused_at_upload(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;
    for (file, words) in [(&b""[..], "empty"), (&b"nr;naam\n"[..], "no rows")] {
        let err = import::upload(&pool, &staff, f.company_a, "f.csv", file)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(words), "{err}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn scoped_staff_cannot_upload_to_or_touch_imports_of_another_company(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin_cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let admin = staff_of(&pool, &admin_cookie).await;
    let staff_cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &staff_cookie).await;
    let err = datacheck_core::error::AppError::from(
        import::upload(&pool, &staff, f.company_b, "f.csv", b"nr\n1\n")
            .await
            .unwrap_err(),
    );
    assert!(err.for_field("company").is_some());

    let theirs = import::upload(&pool, &admin, f.company_b, "f.csv", b"customer_no\nB1\n")
        .await
        .unwrap();
    let id = theirs.to_string();
    for (path, extra) in [
        ("/api/import/view", vec![]),
        ("/api/import/check", vec![("mapping[0]", "customer_no")]),
        ("/api/import/start", vec![]),
        ("/api/import/cancel", vec![]),
        ("/api/import/progress", vec![]),
    ] {
        let mut pairs = vec![("id", id.as_str())];
        pairs.extend(extra);
        let res = call(&app, path, Some(&staff_cookie), &pairs).await;
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND, "{path}");
    }
    let recent = StaffSession::with_cookie(&app, &staff_cookie)
        .call(RecentImports {})
        .await;
    assert!(recent.is_empty());
    let status: String = sqlx::query_scalar("SELECT status FROM contact_import WHERE id = $1")
        .bind(theirs)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "uploaded");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_records_e_marketing_consent_and_its_basis_with_the_file_as_proof(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let staff = staff_of(&pool, &cookie).await;
    let file = "Klantnr;Achternaam;E-mail;Toestemming;Grondslag\n\
                C1;Smit;c1@example.nl;ja;\n\
                C2;Kok;c2@example.nl;;gerechtvaardigd belang\n\
                C3;Bos;c3@example.nl;opt-out;\n\
                C4;Vos;c4@example.nl;;\n\
                C5;Wit;c5@example.nl;misschien;\n\
                C6;Zwart;c6@example.nl;ja;overeenkomst\n";
    let id = import::upload(&pool, &staff, f.company_a, "dms.csv", file.as_bytes())
        .await
        .unwrap();
    let view = view(&app, &cookie, id).await;
    assert_eq!(view.mapping[3], "e_marketing", "the header is recognised");
    assert_eq!(view.mapping[4], "e_marketing_basis");
    let report = check(&app, &cookie, id, &view.mapping).await.unwrap();
    let bad: Vec<(String, String)> = report
        .problems
        .iter()
        .map(|p| (p.customer_no.clone(), p.column.clone()))
        .collect();
    assert_eq!(
        bad,
        vec![
            ("C5".to_string(), "Toestemming".to_string()),
            ("C6".to_string(), "Grondslag".to_string())
        ]
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_event").await,
        0,
        "the check writes nothing"
    );
    start(&app, &cookie, id).await.unwrap();
    wait_done(&app, &cookie, id).await;
    let states: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.customer_no, coalesce(c.legal_basis, '-'), coalesce(c.state, '-') FROM contact k
         LEFT JOIN contact_consent c ON c.contact_id = k.id AND c.purpose = 'e_marketing'
         ORDER BY k.customer_no",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        states,
        vec![
            s("C1", "consent", "given"),
            s("C2", "legitimate_interest", "none"),
            s("C3", "consent", "withdrawn"),
            // No consent in the file: nothing recorded, the defaults apply.
            s("C4", "-", "-"),
        ]
    );
    let proof: (String, String, String) = sqlx::query_as(
        "SELECT source, actor, shown_text FROM consent_event e JOIN contact k ON k.id = e.contact_id
         WHERE k.customer_no = 'C1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        proof,
        (
            "import".to_string(),
            "admin@test.nl".to_string(),
            "Imported from dms.csv, line 2.".to_string()
        )
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_event").await,
        3,
        "no row for C4"
    );
}
