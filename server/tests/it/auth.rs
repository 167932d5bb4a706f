//! Staff sign-in, sessions and throttling against a real PostgreSQL.

use crate::common;

use app::server_fns::admin::{InviteStaffUser, SetStaffUserDisabled};
use backend::{auth, db, throttle};
use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_sets_an_http_only_lax_cookie_and_opens_staff_pages(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let res = call(
        &app,
        "/api/auth/sign_in",
        None,
        &[("email", "Admin@Test.nl "), ("password", PASSWORD)],
    )
    .await;
    let set_cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.starts_with("dc_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    // Only the keyed hash is stored, never the token itself.
    let token = set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("dc_session=");
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT id_hash FROM staff_session")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token.as_bytes());

    let cookie = set_cookie.split(';').next().unwrap();
    let page = get(&app, "/staff/runs", Some(cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(
        html.contains("Ada Admin"),
        "the shell shows the signed-in user"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_password_unknown_user_and_disabled_user_all_fail_alike(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let wrong = sign_in(&app, "admin@test.nl", "wrong password")
        .await
        .unwrap_err();
    let unknown = sign_in(&app, "nobody@test.nl", PASSWORD).await.unwrap_err();
    db::staff_user::set_disabled(&pool, f.staff_id, true)
        .await
        .unwrap();
    let disabled = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap_err();
    assert!(wrong.contains("do not match an active account"), "{wrong}");
    assert_eq!(wrong, unknown, "no hint whether the account exists");
    assert_eq!(wrong, disabled);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_pages_redirect_to_sign_in_without_a_session(pool: PgPool) {
    let app = app(pool);
    let res = get(&app, "/staff/contacts?city=Utrecht", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers().get(header::LOCATION).unwrap(),
        "/staff/login?next=%2Fstaff%2Fcontacts%3Fcity%3DUtrecht"
    );
    let login = get(&app, "/staff/login", None).await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_out_ends_the_session(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    assert_eq!(
        get(&app, "/staff/runs", Some(&cookie)).await.status(),
        StatusCode::OK
    );
    let res = call(&app, "/api/auth/sign_out", Some(&cookie), &[]).await;
    let cleared = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        get(&app, "/staff/runs", Some(&cookie)).await.status(),
        StatusCode::SEE_OTHER
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_session")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_and_idle_sessions_stop_working_and_use_extends_them(pool: PgPool) {
    let f = fixture(&pool).await;
    let settings = settings();
    let token = auth::create_session(
        &pool,
        &settings,
        datacheck_core::wire::StaffUserId(f.admin_id),
    )
    .await
    .unwrap();
    assert!(
        auth::staff_for_token(&pool, &settings, &token)
            .await
            .unwrap()
            .is_some()
    );

    // Used a while ago: the lookup slides the expiry forward.
    sqlx::query("UPDATE staff_session SET last_seen_at = now() - interval '1 hour', expires_at = now() + interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    auth::staff_for_token(&pool, &settings, &token)
        .await
        .unwrap()
        .expect("still live");
    let expires: OffsetDateTime = sqlx::query_scalar("SELECT expires_at FROM staff_session")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(expires > OffsetDateTime::now_utc() + auth::IDLE_TIMEOUT - Duration::minutes(1));

    // Past its expiry: gone, whatever the cookie says.
    sqlx::query("UPDATE staff_session SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        auth::staff_for_token(&pool, &settings, &token)
            .await
            .unwrap()
            .is_none()
    );

    // A token hashed under another key (another deployment's secret) never matches.
    let token2 = auth::create_session(
        &pool,
        &settings,
        datacheck_core::wire::StaffUserId(f.admin_id),
    )
    .await
    .unwrap();
    let mut other = settings.clone();
    other.session_key = [9; 32];
    assert!(
        auth::staff_for_token(&pool, &other, &token2)
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn disabling_a_user_ends_their_sessions(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let staff_cookie = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let admin_cookie = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    StaffSession::with_cookie(&app, &admin_cookie)
        .call(SetStaffUserDisabled {
            id: f.staff_id,
            disabled: true,
        })
        .await;
    assert_eq!(
        get(&app, "/staff/runs", Some(&staff_cookie)).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn five_failures_lock_the_account_even_for_the_right_password(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    for _ in 0..throttle::PER_ACCOUNT {
        let err = sign_in(&app, "admin@test.nl", "wrong password")
            .await
            .unwrap_err();
        assert!(err.contains("do not match"), "{err}");
    }
    let err = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap_err();
    assert!(err.contains("Throttled"), "{err}");
    // Another account from the same client is not locked by these five.
    sign_in(&app, "staff@test.nl", PASSWORD)
        .await
        .expect("other account unaffected");

    // When the failures leave the window, the right password works again.
    sqlx::query("UPDATE sign_in_attempt SET at = at - interval '16 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    sign_in(&app, "admin@test.nl", PASSWORD)
        .await
        .expect("lock lifted");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_successful_sign_in_resets_the_account_counter(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    for _ in 0..throttle::PER_ACCOUNT - 1 {
        sign_in(&app, "admin@test.nl", "wrong password")
            .await
            .unwrap_err();
    }
    sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    for _ in 0..throttle::PER_ACCOUNT - 1 {
        sign_in(&app, "admin@test.nl", "wrong password")
            .await
            .unwrap_err();
    }
    sign_in(&app, "admin@test.nl", PASSWORD)
        .await
        .expect("counter restarted after success");
}

#[sqlx::test(migrations = "../migrations")]
async fn many_failures_from_one_client_lock_that_client(pool: PgPool) {
    let settings = settings();
    let client = auth::keyed_hash(&settings.session_key, b"203.0.113.9");
    let other_client = auth::keyed_hash(&settings.session_key, b"198.51.100.1");
    let now = OffsetDateTime::now_utc();
    // Spread over many addresses, so no single account reaches its own limit.
    for i in 0..throttle::PER_CLIENT {
        throttle::record(&pool, &format!("guess{i}@test.nl"), &client, false)
            .await
            .unwrap();
    }
    let err = datacheck_core::error::AppError::from(
        throttle::check(&pool, "fresh@test.nl", &client, now)
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(err, datacheck_core::error::AppError::Throttled { minutes } if (1..=15).contains(&minutes)),
        "{err:?}"
    );
    throttle::check(&pool, "fresh@test.nl", &other_client, now)
        .await
        .expect("other client is free");
}

#[sqlx::test(migrations = "../migrations")]
async fn invited_users_must_choose_a_password_before_anything_else(pool: PgPool) {
    fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let temp = StaffSession::with_cookie(&app, &admin)
        .call(InviteStaffUser {
            display_name: "Nina New".into(),
            email: "nina@test.nl".into(),
            role: "staff".into(),
            company_ids: vec![],
        })
        .await;
    let nina = sign_in(&app, "nina@test.nl", &temp.password).await.unwrap();
    let page = get(&app, "/staff/runs", Some(&nina)).await;
    assert_eq!(
        page.headers().get(header::LOCATION).unwrap(),
        "/staff/password"
    );
    // Server functions refuse too, not just pages.
    let (_, err) = StaffSession::with_cookie(&app, &nina)
        .try_call(app::server_fns::contacts::ContactCounts {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Choose your own password first"),
        "{err:?}"
    );
    let res = call(
        &app,
        "/api/auth/change_password",
        Some(&nina),
        &[
            ("current_password", &temp.password),
            ("new_password", "nina's own password"),
            ("confirm_password", "nina's own password"),
        ],
    )
    .await;
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .expect("fresh session")
        .to_str()
        .unwrap()
        .to_string();
    let fresh = set.split(';').next().unwrap();
    assert_eq!(
        get(&app, "/staff/runs", Some(fresh)).await.status(),
        StatusCode::OK
    );
    // The temporary password no longer works.
    assert!(sign_in(&app, "nina@test.nl", &temp.password).await.is_err());
}
