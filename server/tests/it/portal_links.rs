//! Customer links that do not open as a form: expired, cancelled and tampered links,
//! fresh links sent on request (to the address on file, rate-limited), throttling of
//! invalid links, and the safety headers of every customer response.

use crate::common;

use common::*;
use http::{StatusCode, header};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn expired_cancelled_and_tampered_links_show_their_page_without_personal_data(pool: PgPool) {
    let (app, path, contact) = portal_link(&pool).await;
    let token = path.strip_prefix("/c/").unwrap().to_string();
    // One bit flipped in the middle of the token.
    let mut bytes = token.clone().into_bytes();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let flipped = format!("/c/{}", String::from_utf8(bytes).unwrap());
    let personal = ["c1@example.nl", "Nummer 1", "Zwolle", "+31612345678"];
    let res = get(&app, &flipped, None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = body_text(res).await;
    assert!(html.contains("portal-invalid"));
    for p in personal {
        assert!(!html.contains(p), "{p} on the invalid page");
    }
    // A token whose own expiry has passed.
    let rid: i64 = sqlx::query_scalar("SELECT id FROM run_recipient WHERE contact_id = $1")
        .bind(contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    let old = path_for(
        rid,
        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
    );
    let res = get(&app, &old, None).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let html = body_text(res).await;
    assert!(html.contains("portal-expired"));
    assert!(
        html.contains("portal-fresh"),
        "the run is open: a fresh link is offered"
    );
    for p in personal {
        assert!(!html.contains(p), "{p} on the expired page");
    }
    // The run cancelled: the live token gets the expired page, without a fresh link.
    sqlx::query("UPDATE run SET status = 'cancelled', cancelled_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let html = body_text(res).await;
    assert!(html.contains("portal-expired"));
    assert!(!html.contains("portal-fresh"));
    for p in personal {
        assert!(!html.contains(p), "{p} on the cancelled page");
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM run_recipient WHERE opened_at IS NOT NULL"
        )
        .await,
        0,
        "a link that does not open is not recorded as opened"
    );
    // And a POST to it saves nothing.
    let res = post_form(
        &app,
        &path,
        &[("intent", "all_correct"), ("key", &"a".repeat(32))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(count(&pool, "SELECT count(*) FROM mutation").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_link_goes_only_to_the_address_on_file_and_is_rate_limited(pool: PgPool) {
    let (app, _path, contact) = portal_link(&pool).await;
    let (rid, email): (i64, String) =
        sqlx::query_as("SELECT id, email FROM run_recipient WHERE contact_id = $1")
            .bind(contact)
            .fetch_one(&pool)
            .await
            .unwrap();
    let past = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    sqlx::query("UPDATE run_recipient SET expires_at = $2 WHERE id = $1")
        .bind(rid)
        .bind(past)
        .execute(&pool)
        .await
        .unwrap();
    let old = path_for(rid, past);
    // A typed address is not something this page takes.
    let res = post_form(
        &app,
        &old,
        &[("intent", "fresh_link"), ("email", "other@example.nl")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    let fresh = "SELECT count(*) FROM outbox_mail WHERE kind = 'fresh_link'";
    assert_eq!(count(&pool, fresh).await, 0);

    let res = post_form(&app, &old, &[("intent", "fresh_link"), ("lang", "nl")]).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(body_text(res).await.contains("portal-fresh-sent"));
    let to: String = sqlx::query_scalar(
        "SELECT to_address FROM outbox_mail WHERE kind = 'fresh_link' AND run_recipient_id = $1",
    )
    .bind(rid)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(to, email);
    let renewed: time::OffsetDateTime =
        sqlx::query_scalar("SELECT expires_at FROM run_recipient WHERE id = $1")
            .bind(rid)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(renewed > time::OffsetDateTime::now_utc() + time::Duration::days(3));
    // The old token stays dead; the new one (sealed when the mail is made) opens.
    assert_eq!(get(&app, &old, None).await.status(), StatusCode::GONE);
    assert_eq!(
        get(&app, &path_for(rid, renewed), None).await.status(),
        StatusCode::OK
    );

    for _ in 0..2 {
        post_form(&app, &old, &[("intent", "fresh_link")]).await;
    }
    assert_eq!(count(&pool, fresh).await, 3);
    let res = post_form(&app, &old, &[("intent", "fresh_link")]).await;
    assert!(body_text(res).await.contains("portal-fresh-too-soon"));
    assert_eq!(count(&pool, fresh).await, 3, "at most three a day");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_links_from_one_address_are_throttled(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    for i in 0..backend::portal::BAD_LINKS_PER_CLIENT {
        let res = get(&app, &format!("/c/guess{i}"), None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = get(&app, "/c/one-more", None).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body_text(res).await.contains("portal-throttled"));
    // A flood costs one bounded counter per address and window, not a row per request.
    for i in 0..200 {
        let res = get(&app, &format!("/c/flood{i}"), None).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM link_attempt").await, 1);
    assert_eq!(
        count(&pool, "SELECT sum(failures)::bigint FROM link_attempt").await,
        i64::from(backend::portal::BAD_LINKS_PER_CLIENT)
    );
    let res = post_form(&app, "/c/guess", &[("intent", "review")]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // An authentic link still opens from that address (SPEC §8): a sealed token cannot
    // be guessed, and a broken mail scanner behind a shared address must not lock out
    // every customer behind it.
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let key = form_key(&body_text(res).await);
    let res = post_form(&app, &path, &[("key", &key), ("intent", "all_correct")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_portal_response_carries_the_safety_headers(pool: PgPool) {
    let (app, path, _) = portal_link(&pool).await;
    let key = form_key(&body_text(get(&app, &path, None).await).await);
    let responses = vec![
        get(&app, &path, None).await,
        get(&app, "/c/nonsense", None).await,
        post_form(
            &app,
            &path,
            &[
                ("key", &key),
                ("f.email", "x@example.nl"),
                ("intent", "review"),
            ],
        )
        .await,
        post_form(
            &app,
            &path,
            &[("key", &key), ("f.city", "x"), ("intent", "review")],
        )
        .await,
    ];
    for res in responses {
        let h = res.headers();
        let status = res.status();
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{status}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{status}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("'nonce-"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        let html = body_text(res).await;
        // No request leaves for another site: every script, style and image is ours.
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(!html.contains(attr), "{attr} in {status}");
        }
    }
}
