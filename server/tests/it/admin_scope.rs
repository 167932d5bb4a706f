//! Roles and company scope: what an admin may do, and what a scoped staff user may not.

use crate::common;

use backend::db;
use common::*;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn staff_user_sees_only_their_companies(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let body = body_text(call(&app, "/api/contacts/counts", Some(&staff), &[]).await).await;
    let rows: Vec<datacheck_core::wire::CompanyContactCount> =
        serde_json::from_str(&body).expect(&body);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].company.id.0, f.company_a);

    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let body = body_text(call(&app, "/api/contacts/counts", Some(&admin), &[]).await).await;
    let rows: Vec<datacheck_core::wire::CompanyContactCount> = serde_json::from_str(&body).unwrap();
    assert_eq!(rows.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_user_cannot_call_admin_functions_even_with_guessed_ids(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let b = f.company_b.to_string();
    let a = f.company_a.to_string();
    let me = f.staff_id.to_string();
    for (path, args) in [
        ("/api/admin/staff_users", vec![]),
        ("/api/admin/companies", vec![]),
        ("/api/admin/audit", vec![]),
        (
            "/api/admin/rename_company",
            vec![("id", b.as_str()), ("name", "Mine now")],
        ),
        (
            "/api/admin/rename_company",
            vec![("id", a.as_str()), ("name", "Mine now")],
        ),
        ("/api/admin/create_company", vec![("name", "New")]),
        (
            "/api/admin/update_staff_user",
            vec![("id", me.as_str()), ("role", "admin")],
        ),
    ] {
        let res = call(&app, path, Some(&staff), &args).await;
        assert!(!res.status().is_success(), "{path} must be refused");
        let body = body_text(res).await;
        assert!(body.contains("Forbidden"), "{path}: {body}");
    }
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM company ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(names, ["Company A", "Company B"]);
    let role: String = sqlx::query_scalar("SELECT role FROM staff_user WHERE id = $1")
        .bind(f.staff_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(role, "staff");
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_signed_in_gets_unauthenticated(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool);
    let body = body_text(call(&app, "/api/contacts/counts", None, &[]).await).await;
    assert!(body.contains("Unauthenticated"), "{body}");
    let body = body_text(call(&app, "/api/auth/current_user", None, &[]).await).await;
    assert_eq!(body, "null");
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_changes_are_audited_in_the_same_transaction(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let a = f.company_a.to_string();
    let b = f.company_b.to_string();
    let staff = f.staff_id.to_string();
    let ok = |path: &'static str| path;
    for (path, args) in [
        (ok("/api/admin/create_company"), vec![("name", "Company C")]),
        (
            ok("/api/admin/rename_company"),
            vec![("id", a.as_str()), ("name", "Company A Zeist")],
        ),
        (
            ok("/api/admin/update_staff_user"),
            vec![
                ("id", staff.as_str()),
                ("role", "staff"),
                ("company_ids[0]", b.as_str()),
            ],
        ),
        (
            ok("/api/admin/reset_staff_password"),
            vec![("id", staff.as_str())],
        ),
    ] {
        let res = call(&app, path, Some(&admin), &args).await;
        assert!(
            res.status().is_success(),
            "{path}: {}",
            body_text(res).await
        );
    }
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE actor_label = 'admin@test.nl' AND action <> 'staff.signed_in' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "company.created",
            "company.renamed",
            "staff.updated",
            "staff.password_reset"
        ]
    );
    // The update moved the staff user from company A to company B.
    assert_eq!(
        db::staff_user::company_ids(&pool, f.staff_id)
            .await
            .unwrap(),
        vec![f.company_b]
    );
    // A failed change writes no audit entry.
    let res = call(
        &app,
        "/api/admin/create_company",
        Some(&admin),
        &[("name", "Company C")],
    )
    .await;
    assert!(body_text(res).await.contains("already exists"));
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'company.created'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_active_admin_cannot_be_demoted_or_disabled(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let id = f.admin_id.to_string();
    let body = body_text(
        call(
            &app,
            "/api/admin/update_staff_user",
            Some(&admin),
            &[("id", &id), ("role", "staff")],
        )
        .await,
    )
    .await;
    assert!(body.contains("last active admin"), "{body}");
    let body = body_text(
        call(
            &app,
            "/api/admin/set_staff_user_disabled",
            Some(&admin),
            &[("id", &id), ("disabled", "true")],
        )
        .await,
    )
    .await;
    assert!(body.contains("your own account"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_input_gets_a_message_at_the_field(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let body = body_text(
        call(
            &app,
            "/api/admin/invite_staff_user",
            Some(&admin),
            &[
                ("display_name", "X"),
                ("email", "not-an-address"),
                ("role", "staff"),
            ],
        )
        .await,
    )
    .await;
    let err: datacheck_core::error::AppError = serde_json::from_str(&body).expect(&body);
    assert!(err.for_field("email").is_some(), "{err:?}");
    let body = body_text(
        call(
            &app,
            "/api/admin/create_company",
            Some(&admin),
            &[("name", "   ")],
        )
        .await,
    )
    .await;
    let err: datacheck_core::error::AppError = serde_json::from_str(&body).expect(&body);
    assert!(err.for_field("name").is_some(), "{err:?}");
}

/// A role the code does not know is an error, never read as "staff": the users list
/// fails rather than show such a user with less (or more) than they have.
#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_role_is_an_error_not_staff(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let res = call(&app, "/api/admin/staff_users", Some(&admin), &[]).await;
    assert_eq!(res.status(), http::StatusCode::OK);
    sqlx::query("ALTER TABLE staff_user DROP CONSTRAINT staff_user_role_check")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE staff_user SET role = 'auditor' WHERE email = 'staff@test.nl'")
        .execute(&pool)
        .await
        .unwrap();
    let res = call(&app, "/api/admin/staff_users", Some(&admin), &[]).await;
    assert_eq!(res.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    // Nor does that user's session pass for anything.
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let res = call(&app, "/api/contacts/counts", Some(&staff), &[]).await;
    assert_eq!(res.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
}
