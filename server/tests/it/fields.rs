//! The field catalogue: adding attributes, type changes that report and clear values
//! only when confirmed, built-in fields' fixed parts, admin-only changes, audit.

use crate::common;

use app::server_fns::fields::{DeleteField, ListFields, MoveField};
use backend::db;
use common::*;
use datacheck_core::error::AppError;
use datacheck_core::wire::{FieldDef, FieldSaved};
use sqlx::PgPool;

async fn save(
    app: &axum::Router,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> Result<FieldSaved, (http::StatusCode, String)> {
    let res = call(app, "/api/fields/save", Some(cookie), pairs).await;
    let status = res.status();
    let body = body_text(res).await;
    if status.is_success() {
        Ok(serde_json::from_str(&body).expect(&body))
    } else {
        Err((status, body))
    }
}

async fn catalogue(app: &axum::Router, cookie: &str) -> Vec<FieldDef> {
    StaffSession::with_cookie(app, cookie)
        .call(ListFields {})
        .await
}

/// Deletes field `key`, `confirm`ed or not: the number of values it would take with it
/// when that needs confirming.
async fn delete(
    app: &axum::Router,
    cookie: &str,
    key: &str,
    confirm: bool,
) -> Result<Option<i64>, (http::StatusCode, AppError)> {
    StaffSession::with_cookie(app, cookie)
        .try_call(DeleteField {
            key: key.into(),
            confirm: confirm.then(|| "yes".into()),
        })
        .await
}

async fn move_up(app: &axum::Router, cookie: &str, key: &str) {
    StaffSession::with_cookie(app, cookie)
        .call(MoveField {
            key: key.into(),
            up: true,
        })
        .await
}

async fn contact(pool: &PgPool, company: i64, no: &str, country: &str) -> i64 {
    db::contact::insert(
        pool,
        &db::contact::NewContact {
            company_id: company,
            customer_no: no,
            kind: "person",
            salutation: None,
            first_name: Some("Test"),
            last_name_prefix: None,
            last_name: Some(no),
            organisation_name: None,
            email: None,
            phone: None,
            mobile: None,
            street: None,
            house_number: None,
            house_number_addition: None,
            postal_code: None,
            city: None,
            country,
            language: "nl",
        },
    )
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_adds_an_attribute_at_the_end_and_the_audit_log_records_it(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let saved = save(
        &app,
        &admin,
        &[
            ("key", "fuel_type"),
            ("is_new", "true"),
            ("field_type", "choice"),
            ("label_nl", "Brandstof"),
            ("label_en", "Fuel type"),
            ("choices", "Benzine | Petrol\nDiesel\n"),
            ("customer_visible", "on"),
            ("customer_editable", "on"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        saved,
        FieldSaved::Saved {
            key: "fuel_type".into()
        }
    );
    let fields = catalogue(&app, &admin).await;
    let last = fields.last().unwrap();
    assert_eq!(last.key, "fuel_type");
    assert_eq!(last.choices.len(), 2);
    assert_eq!(last.choices[0].en, "Petrol");
    assert!(last.customer_editable && !last.required);
    assert_eq!(fields.iter().filter(|f| f.builtin).count(), 16);

    // The same key again, a bad key, a choice without options: each told at its field.
    for (pairs, field) in [
        (vec![("key", "fuel_type"), ("field_type", "text")], "key"),
        (vec![("key", "Fuel Type"), ("field_type", "text")], "key"),
        (
            vec![
                ("key", "colour"),
                ("field_type", "choice"),
                ("choices", "Red"),
            ],
            "choices",
        ),
        (
            vec![("key", "colour"), ("field_type", "postal_code")],
            "field_type",
        ),
        (
            vec![
                ("key", "colour"),
                ("field_type", "text"),
                ("customer_editable", "on"),
            ],
            "customer_editable",
        ),
    ] {
        let mut p = vec![("is_new", "true"), ("label_nl", "X"), ("label_en", "X")];
        p.extend(pairs);
        let (status, body) = save(&app, &admin, &p).await.unwrap_err();
        assert_eq!(status, http::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let err: datacheck_core::error::AppError = serde_json::from_str(&body).unwrap();
        assert!(err.for_field(field).is_some(), "{p:?}: {err:?}");
    }
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'field.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(actions, ["field.created"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_type_change_reports_unparsable_values_and_changes_nothing_until_confirmed(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    save(
        &app,
        &admin,
        &[
            ("key", "member_since"),
            ("is_new", "true"),
            ("field_type", "text"),
            ("label_nl", "Lid sinds"),
            ("label_en", "Member since"),
            ("customer_visible", "on"),
        ],
    )
    .await
    .unwrap();
    let values = [
        ("A1", "1-2-2020"),
        ("A2", "2021-06-30"),
        ("A3", "last spring"),
        ("A4", "31-02-2022"),
    ];
    for (no, v) in values {
        let id = contact(&pool, f.company_a, no, "NL").await;
        db::contact::set_attribute(&pool, id, "member_since", v)
            .await
            .unwrap();
    }
    let to_date = [
        ("key", "member_since"),
        ("field_type", "date"),
        ("label_nl", "Lid sinds"),
        ("label_en", "Member since"),
        ("customer_visible", "on"),
    ];
    let FieldSaved::NeedsConfirmation(report) = save(&app, &admin, &to_date).await.unwrap() else {
        panic!("a type change with values must ask first");
    };
    assert_eq!((report.values, report.unparsable), (4, 2));
    let bad: Vec<&str> = report
        .examples
        .iter()
        .map(|e| e.customer_no.as_str())
        .collect();
    assert_eq!(bad, ["A3", "A4"]);
    assert_eq!(report.examples[1].message, "This date does not exist.");
    // Nothing changed yet: type, values, audit.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT value FROM contact_attribute ORDER BY value")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        ["1-2-2020", "2021-06-30", "31-02-2022", "last spring"]
    );
    let ty: String =
        sqlx::query_scalar("SELECT field_type FROM field_def WHERE key = 'member_since'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ty, "text");

    let mut confirmed = to_date.to_vec();
    confirmed.push(("confirm", "yes"));
    assert_eq!(
        save(&app, &admin, &confirmed).await.unwrap(),
        FieldSaved::Saved {
            key: "member_since".into()
        }
    );
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT value FROM contact_attribute ORDER BY value")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        ["2020-02-01", "2021-06-30"],
        "parsable values converted, the rest cleared"
    );
    let detail: serde_json::Value =
        sqlx::query_scalar("SELECT detail FROM audit_event WHERE action = 'field.updated'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(detail["values_cleared"], 2);
    assert_eq!(detail["old_type"], "text");
}

#[sqlx::test(migrations = "../migrations")]
async fn removing_a_choice_option_in_use_asks_first(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let base = [
        ("key", "fuel"),
        ("field_type", "choice"),
        ("label_nl", "B"),
        ("label_en", "F"),
    ];
    let mut new = base.to_vec();
    new.extend([("is_new", "true"), ("choices", "Benzine\nDiesel\nLPG")]);
    save(&app, &admin, &new).await.unwrap();
    let id = contact(&pool, f.company_a, "A1", "NL").await;
    db::contact::set_attribute(&pool, id, "fuel", "LPG")
        .await
        .unwrap();
    let mut fewer = base.to_vec();
    fewer.push(("choices", "Benzine\nDiesel"));
    let FieldSaved::NeedsConfirmation(r) = save(&app, &admin, &fewer).await.unwrap() else {
        panic!("LPG is in use");
    };
    assert_eq!((r.values, r.unparsable), (1, 1));
    // Adding an option touches no value: saved at once.
    let mut more = base.to_vec();
    more.push(("choices", "Benzine\nDiesel\nLPG\nWaterstof"));
    assert!(matches!(
        save(&app, &admin, &more).await.unwrap(),
        FieldSaved::Saved { .. }
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn built_in_fields_keep_their_type_and_the_customer_number_stays_read_only(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    // A forged type for a built-in field is ignored: its column decides.
    save(
        &app,
        &admin,
        &[
            ("key", "email"),
            ("field_type", "date"),
            ("label_nl", "E-mail"),
            ("label_en", "E-mail"),
            ("customer_visible", "on"),
            ("customer_editable", "on"),
            ("required", "on"),
        ],
    )
    .await
    .unwrap();
    let fields = catalogue(&app, &admin).await;
    let email = fields.iter().find(|f| f.key == "email").unwrap();
    assert_eq!(email.field_type, datacheck_core::domain::FieldType::Email);
    assert!(email.required);

    let (status, _) = save(
        &app,
        &admin,
        &[
            ("key", "customer_no"),
            ("label_nl", "Klantnr"),
            ("label_en", "Customer no"),
            ("customer_visible", "on"),
            ("customer_editable", "on"),
        ],
    )
    .await
    .unwrap_err();
    assert_eq!(status, http::StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = delete(&app, &admin, "email", false).await.unwrap_err();
    assert_eq!(status, http::StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_attribute_with_values_needs_confirmation(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    save(
        &app,
        &admin,
        &[
            ("key", "note"),
            ("is_new", "true"),
            ("field_type", "text"),
            ("label_nl", "N"),
            ("label_en", "N"),
        ],
    )
    .await
    .unwrap();
    let id = contact(&pool, f.company_a, "A1", "NL").await;
    db::contact::set_attribute(&pool, id, "note", "VIP")
        .await
        .unwrap();
    assert_eq!(
        delete(&app, &admin, "note", false).await,
        Ok(Some(1)),
        "asks, naming the number of values"
    );
    assert_eq!(catalogue(&app, &admin).await.last().unwrap().key, "note");
    assert_eq!(delete(&app, &admin, "note", true).await, Ok(None));
    assert_ne!(catalogue(&app, &admin).await.last().unwrap().key, "note");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_attribute")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_a_field_swaps_it_with_its_neighbour(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let keys = |f: Vec<FieldDef>| f.into_iter().map(|f| f.key).take(3).collect::<Vec<_>>();
    assert_eq!(
        keys(catalogue(&app, &admin).await),
        ["customer_no", "salutation", "first_name"]
    );
    move_up(&app, &admin, "first_name").await;
    assert_eq!(
        keys(catalogue(&app, &admin).await),
        ["customer_no", "first_name", "salutation"]
    );
    // The first field cannot move further up; nothing changes, nothing breaks.
    move_up(&app, &admin, "customer_no").await;
    assert_eq!(
        keys(catalogue(&app, &admin).await),
        ["customer_no", "first_name", "salutation"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_read_the_catalogue_but_cannot_change_it(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    assert_eq!(catalogue(&app, &staff).await.len(), 16);
    for (path, args) in [
        (
            "/api/fields/save",
            vec![
                ("key", "x"),
                ("is_new", "true"),
                ("field_type", "text"),
                ("label_nl", "X"),
                ("label_en", "X"),
            ],
        ),
        (
            "/api/fields/save",
            vec![("key", "email"), ("label_nl", "X"), ("label_en", "X")],
        ),
        ("/api/fields/delete", vec![("key", "email")]),
        ("/api/fields/move", vec![("key", "email"), ("up", "true")]),
    ] {
        let res = call(&app, path, Some(&staff), &args).await;
        assert_eq!(res.status(), http::StatusCode::FORBIDDEN, "{path}");
    }
    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action LIKE 'field.%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(changed, 0);
}

/// A type the code does not know (written past the table's check, as a newer or a
/// damaged deployment might) is an error that is logged, never read as plain text.
#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_field_type_in_the_catalogue_is_an_error_not_text(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    assert_eq!(catalogue(&app, &admin).await.len(), 16);
    sqlx::query("ALTER TABLE field_def DROP CONSTRAINT field_def_field_type_check")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE field_def SET field_type = 'rich_text' WHERE key = 'city'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, err) = StaffSession::with_cookie(&app, &admin)
        .try_call(ListFields {})
        .await
        .unwrap_err();
    assert_eq!(status, http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(err, AppError::Internal, "no database text to browsers");
}
