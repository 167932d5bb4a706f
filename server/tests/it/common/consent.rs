//! Consent changes made the way the product makes them (`backend::consent`).

use sqlx::PgPool;

/// Records a customer's e-marketing choice the way every consent change is made.
pub async fn record(
    pool: &PgPool,
    contact_id: i64,
    state: datacheck_core::wire::ConsentState,
    source: backend::consent::Source,
    shown_text: &str,
) {
    let mut tx = pool.begin().await.unwrap();
    backend::consent::set_purpose(
        &mut tx,
        &backend::audit::Actor::Customer,
        &backend::consent::PurposeChange {
            contact_id,
            purpose: "e_marketing",
            state,
            legal_basis: None,
            source,
            shown_text,
            run_recipient_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The contact with `email` unsubscribes from marketing.
pub async fn withdraw(pool: &PgPool, email: &str) {
    let id: i64 = sqlx::query_scalar("SELECT id FROM contact WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap();
    record(
        pool,
        id,
        datacheck_core::wire::ConsentState::Withdrawn,
        backend::consent::Source::Unsubscribe,
        "U bent afgemeld.",
    )
    .await;
}
