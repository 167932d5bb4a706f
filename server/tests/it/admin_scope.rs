//! Roles and company scope: what an admin may do, and what a scoped staff user may not.

use crate::common;

use app::server_fns::admin::{
    CreateCompany, InviteStaffUser, ListStaffUsers, RenameCompany, ResetStaffPassword,
    SetStaffUserDisabled, UpdateStaffUser,
};
use app::server_fns::contacts::ContactCounts;
use backend::db;
use common::*;
use datacheck_core::error::AppError;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn staff_user_sees_only_their_companies(pool: PgPool) {
    let app = TestApp::start(pool).await;
    let rows = app.scoped_staff().await.call(ContactCounts {}).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].company.id.0, app.companies.company_a);
    assert_eq!(app.admin().await.call(ContactCounts {}).await.len(), 2);
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
    let app = TestApp::start(pool).await;
    let nobody = app.signed_out();
    let (_, err) = nobody.try_call(ContactCounts {}).await.unwrap_err();
    assert_eq!(err, AppError::Unauthenticated);
    assert_eq!(
        nobody.call(app::server_fns::auth::CurrentUser {}).await,
        None
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_changes_are_audited_in_the_same_transaction(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let page = StaffSession::with_cookie(&app, &admin);
    page.call(CreateCompany {
        name: "Company C".into(),
    })
    .await;
    page.call(RenameCompany {
        id: f.company_a,
        name: "Company A Zeist".into(),
    })
    .await;
    page.call(UpdateStaffUser {
        id: f.staff_id,
        role: "staff".into(),
        company_ids: vec![f.company_b],
    })
    .await;
    page.call(ResetStaffPassword { id: f.staff_id }).await;
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
    let (_, err) = StaffSession::with_cookie(&app, &admin)
        .try_call(CreateCompany {
            name: "Company C".into(),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err:?}");
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
    let admin = StaffSession::with_cookie(&app, &admin);
    let (_, err) = admin
        .try_call(UpdateStaffUser {
            id: f.admin_id,
            role: "staff".into(),
            company_ids: vec![],
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("last active admin"), "{err:?}");
    let (_, err) = admin
        .try_call(SetStaffUserDisabled {
            id: f.admin_id,
            disabled: true,
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("your own account"), "{err:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_input_gets_a_message_at_the_field(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let admin = StaffSession::with_cookie(&app, &admin);
    let (_, err) = admin
        .try_call(InviteStaffUser {
            display_name: "X".into(),
            email: "not-an-address".into(),
            role: "staff".into(),
            company_ids: vec![],
        })
        .await
        .unwrap_err();
    assert!(err.for_field("email").is_some(), "{err:?}");
    let (_, err) = admin
        .try_call(CreateCompany { name: "   ".into() })
        .await
        .unwrap_err();
    assert!(err.for_field("name").is_some(), "{err:?}");
}

/// A role the code does not know is an error, never read as "staff": the users list
/// fails rather than show such a user with less (or more) than they have.
#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_role_is_an_error_not_staff(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    let admin = app.admin().await;
    assert!(admin.try_call(ListStaffUsers {}).await.is_ok());
    sqlx::query("ALTER TABLE staff_user DROP CONSTRAINT staff_user_role_check")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE staff_user SET role = 'auditor' WHERE email = 'staff@test.nl'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = admin.try_call(ListStaffUsers {}).await.unwrap_err();
    assert_eq!(status, http::StatusCode::INTERNAL_SERVER_ERROR);
    // Nor does that user's session pass for anything.
    let staff = app.scoped_staff().await;
    let (status, _) = staff.try_call(ContactCounts {}).await.unwrap_err();
    assert_eq!(status, http::StatusCode::INTERNAL_SERVER_ERROR);
}
