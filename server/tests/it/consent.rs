//! Consent on a real PostgreSQL: the migration's defaults, the append-only history,
//! staff recording consent with its proof, and the DMS reading and reporting it.

use crate::common;

use app::server_fns::contacts::{
    GetContactConsent, PreferencesLink, RecordConsent, RevokePreferencesLink,
};
use common::consent::*;
use common::dms::*;
use common::mail::*;
use common::*;
use datacheck_core::wire::{ConsentSource, ConsentState, ContactId};
use http::StatusCode;
use sqlx::PgPool;

const CONSENT_MIGRATION: i64 = 20261123000008;

async fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator::new(std::path::Path::new("../migrations"))
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn migration_gives_mailed_never_mailed_and_no_mailings_contacts_their_defaults(pool: PgPool) {
    // The register as it was before purposes existed.
    let mut before = migrator().await;
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < CONSENT_MIGRATION)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO company (name) VALUES ('Garage');
         INSERT INTO field_def (key, field_type, label_nl, label_en, position)
             VALUES ('no_mailings', 'yes_no', 'Geen mailings', 'No mailings', 500);
         INSERT INTO contact (company_id, customer_no, kind, last_name, email) VALUES
             (1, 'MAILED', 'person', 'Gemaild', 'mailed@example.nl'),
             (1, 'NEVER', 'person', 'Nooit', 'never@example.nl'),
             (1, 'NOMAIL', 'person', 'Geen', 'nomail@example.nl'),
             (1, 'QUEUED', 'person', 'Wachtrij', 'queued@example.nl'),
             (1, 'GAVE', 'person', 'Gegeven', 'gave@example.nl');
         INSERT INTO contact_attribute (contact_id, field_key, value) VALUES (3, 'no_mailings', 'yes');
         INSERT INTO run (company_id, name, status, valid_to, sender_name, sender_email, reply_to,
                          templates, sent_at)
             VALUES (1, 'Earlier check', 'sent', current_date, 'Garage', 'g@example.nl',
                     'g@example.nl', '{}', now());
         INSERT INTO run_recipient (run_id, contact_id, email, language, key_id, expires_at) VALUES
             (1, 1, 'mailed@example.nl', 'nl', 1, now()),
             (1, 3, 'nomail@example.nl', 'nl', 1, now()),
             (1, 4, 'queued@example.nl', 'nl', 1, now());
         INSERT INTO outbox_mail (kind, run_id, run_recipient_id, to_address, message_id, status) VALUES
             ('invitation', 1, 1, 'mailed@example.nl', 'm1', 'sent'),
             ('invitation', 1, 2, 'nomail@example.nl', 'm2', 'sent'),
             ('invitation', 1, 3, 'queued@example.nl', 'm3', 'queued');
         INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text)
             VALUES (5, 'e_marketing', 'consent', 'given', 'portal', 'Mogen wij u e-mail sturen?');",
    )
    .execute(&pool)
    .await
    .unwrap();

    migrator().await.run(&pool).await.unwrap();

    let states: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.customer_no, c.legal_basis, c.state FROM contact_consent c
         JOIN contact k ON k.id = c.contact_id WHERE c.purpose = 'e_marketing' ORDER BY k.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expect =
        |no: &str, basis: &str, state: &str| (no.to_string(), basis.to_string(), state.to_string());
    assert_eq!(
        states,
        vec![
            expect("MAILED", "legitimate_interest", "none"),
            expect("NEVER", "consent", "none"),
            // "No mailings" wins over having been mailed.
            expect("NOMAIL", "consent", "withdrawn"),
            // A mail that never left is not "mailed before".
            expect("QUEUED", "consent", "none"),
            expect("GAVE", "consent", "given"),
        ]
    );
    // Every default is in the history, by the migration.
    let recorded: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.customer_no, e.state, e.actor FROM consent_event e JOIN contact k ON k.id = e.contact_id
         WHERE e.source = 'migration' ORDER BY k.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 5);
    assert!(
        recorded
            .iter()
            .all(|(_, _, actor)| actor == "system: migration")
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contact_consent WHERE purpose = 'sales_service' AND legal_basis = 'contract'").await,
        5
    );
    // Marketing may go to the mailed contact (legitimate interest) and the one who gave
    // consent, to no one else.
    let st = state(pool.clone());
    let mut may = Vec::new();
    for id in 1..=5 {
        may.push(
            backend::consent::may_market_now(&st.pool, id)
                .await
                .unwrap(),
        );
    }
    assert_eq!(may, vec![true, false, false, false, true]);
}

#[sqlx::test(migrations = "../migrations")]
async fn consent_history_is_append_only(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    let id: i64 = count(&pool, "SELECT id FROM contact").await;
    let st = state(pool.clone());
    record(
        &pool,
        id,
        datacheck_core::wire::ConsentState::Given,
        backend::consent::Source::Portal,
        "Mogen wij u e-mail sturen?",
    )
    .await;
    let before = count(&pool, "SELECT count(*) FROM consent_event").await;
    assert_eq!(before, 1);

    for sql in [
        "UPDATE consent_event SET state = 'withdrawn'",
        "UPDATE consent_event SET shown_text = 'something else'",
        "DELETE FROM consent_event",
        // Not even by deleting the contact around it.
        "DELETE FROM contact",
    ] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .unwrap_or_default();
        assert_eq!(code, "23001", "{sql} must be refused: {err}");
    }
    let (state_now, text): (String, String) =
        sqlx::query_as("SELECT state, shown_text FROM consent_event")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (state_now.as_str(), text.as_str()),
        ("given", "Mogen wij u e-mail sturen?")
    );
    // A change is a new row; the current state follows the newest.
    record(
        &pool,
        id,
        datacheck_core::wire::ConsentState::Withdrawn,
        backend::consent::Source::Preferences,
        "Nee, liever niet",
    )
    .await;
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_event").await, 2);
    assert!(
        !backend::consent::may_market_now(&st.pool, id)
            .await
            .unwrap()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_record_consent_with_proof_and_read_the_history(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    seed_contacts(&pool, f.company_b, 1, 0).await;
    let (mine, theirs): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM contact WHERE company_id = $1), (SELECT id FROM contact WHERE company_id = $2)",
    )
    .bind(f.company_a)
    .bind(f.company_b)
    .fetch_one(&pool)
    .await
    .unwrap();
    let app = app(pool.clone());
    let cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let staff = StaffSession::with_cookie(&app, &cookie);
    let record = |note: &str, basis: &str, state: &str, id: i64| {
        staff.try_call(RecordConsent {
            id: ContactId(id),
            purpose: "e_marketing".into(),
            legal_basis: basis.into(),
            state: state.into(),
            note: note.into(),
        })
    };
    let (status, err) = record("ok", "consent", "given", mine).await.unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.for_field("note").is_some(), "{err:?}");
    let (status, err) = record("Told us at the desk", "contract", "given", mine)
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err:?}");
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_event").await, 0);

    let desk = "Signed form at the service desk";
    assert_eq!(record(desk, "consent", "given", mine).await, Ok(true));
    assert_eq!(
        record(desk, "consent", "given", mine).await,
        Ok(false),
        "the same choice twice is one event"
    );
    // Another company's contact is out of reach.
    let (status, _) = record(desk, "consent", "given", theirs).await.unwrap_err();
    assert_eq!(status, StatusCode::NOT_FOUND);

    let card = staff
        .call(GetContactConsent {
            id: ContactId(mine),
        })
        .await;
    assert!(card.may_market);
    let h = &card.history[0];
    assert_eq!(h.source, ConsentSource::Staff);
    assert_eq!(h.actor, "staff@test.nl");
    assert_eq!(h.state, ConsentState::Given);
    assert_eq!(h.shown_text, "Signed form at the service desk");
    assert_eq!(card.history.len(), 1);

    // The preferences link for other mailing tools: made once, audited, revocable.
    let url = staff
        .call(PreferencesLink {
            id: ContactId(mine),
        })
        .await;
    assert!(url.starts_with("http://127.0.0.1:3000/p/"));
    assert_eq!(
        get(&app, &path_of(&url), None).await.status(),
        StatusCode::OK
    );
    let revoked = staff
        .call(RevokePreferencesLink {
            id: ContactId(mine),
        })
        .await;
    assert_eq!(revoked, 1);
    assert_eq!(
        get(&app, &path_of(&url), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action LIKE 'preferences_link.%'"
        )
        .await,
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dms_reads_and_reports_consent_and_gets_the_preferences_link(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 1, 0).await;
    seed_contacts(&pool, f.company_b, 1, 0).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let key = new_api_key(&app, &admin, "DMS", KeyScope::Companies(&[f.company_a])).await;
    let base = format!("/api/v1/contacts/{}/K1", f.company_a);

    let (status, v) = dms_request(&app,
        "POST",
        &format!("{base}/consent"),
        Some(&key),
        Some(serde_json::json!({"purpose": "e_marketing", "legal_basis": "consent", "state": "given", "note": "Form signed in the showroom"})),
    )
    .await;
    assert_eq!(
        (status, v["changed"].clone()),
        (StatusCode::OK, serde_json::json!(true)),
        "{v}"
    );
    let (status, v) = dms_request(&app,
        "POST",
        &format!("{base}/consent"),
        Some(&key),
        Some(serde_json::json!({"purpose": "e_marketing", "legal_basis": "hearsay", "state": "given", "note": "Form signed"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["problems"][0]["field"], "legal_basis");

    let (status, v) = dms_request(&app, "GET", &format!("{base}/consent"), Some(&key), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["may_market"], serde_json::json!(true));
    let e = &v["history"][0];
    assert_eq!(
        (e["source"].as_str(), e["state"].as_str()),
        (Some("api"), Some("given"))
    );
    assert_eq!(e["actor"], "API key DMS (#1)");
    assert_eq!(e["shown_text"], "Form signed in the showroom");
    assert!(
        v["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["purpose"] == "sales_service")
    );

    let (status, v) = dms_request(
        &app,
        "POST",
        &format!("{base}/preferences-link"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let url = v["url"].as_str().unwrap();
    assert_eq!(
        get(&app, &path_of(url), None).await.status(),
        StatusCode::OK
    );

    // Another company's contact does not exist for this key.
    let other = format!("/api/v1/contacts/{}/K1/consent", f.company_b);
    assert_eq!(
        dms_request(&app, "GET", &other, Some(&key), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, doc) = dms_request(&app, "GET", "/api/v1/openapi.json", Some(&key), None).await;
    assert!(doc["paths"]["/api/v1/contacts/{company}/{customer_no}/consent"]["get"].is_object());
    assert!(
        doc["paths"]["/api/v1/contacts/{company}/{customer_no}/preferences-link"]["post"]
            .is_object()
    );
}
