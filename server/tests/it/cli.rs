//! The command line's `create-admin`, used to bootstrap a production deployment.

use crate::common;

use common::*;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_makes_an_admin_who_can_sign_in(pool: PgPool) {
    server::cli::create_admin(
        &pool,
        " Owner@Example.NL ",
        "Olga  Owner",
        "a long enough secret",
    )
    .await
    .unwrap();
    let (role, name, must_change): (String, String, bool) =
        sqlx::query_as("SELECT role, display_name, must_change_password FROM staff_user WHERE email = 'owner@example.nl'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (role.as_str(), name.as_str(), must_change),
        ("admin", "Olga Owner", false)
    );
    let app = app(pool.clone());
    sign_in(&app, "owner@example.nl", "a long enough secret")
        .await
        .expect("signs in");
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'staff.created_admin'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_refuses_weak_passwords_and_duplicates(pool: PgPool) {
    let weak = server::cli::create_admin(&pool, "a@example.nl", "A", "short")
        .await
        .unwrap_err();
    assert!(format!("{weak}").contains("at least 10"), "{weak}");
    server::cli::create_admin(&pool, "a@example.nl", "A", "a long enough secret")
        .await
        .unwrap();
    let dup = server::cli::create_admin(&pool, "A@example.nl", "A", "a long enough secret")
        .await
        .unwrap_err();
    assert!(format!("{dup}").contains("already exists"), "{dup}");
}
