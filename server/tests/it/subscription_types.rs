//! The subscription types admins manage, and what removing one that is in use asks.

use crate::common;

use common::mail::*;
use common::*;
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn admins_manage_subscription_types_and_removing_one_in_use_needs_its_count(pool: PgPool) {
    let f = fixture(&pool).await;
    seed_contacts(&pool, f.company_a, 2, 0).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();
    let (status, _) =
        json(call(&app, "/api/admin/subscription_types", Some(&staff), &[]).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let save = |pairs: Vec<(&'static str, &'static str)>| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            json(
                call(
                    &app,
                    "/api/admin/save_subscription_type",
                    Some(&admin),
                    &pairs,
                )
                .await,
            )
            .await
        }
    };
    let (status, err) = save(vec![
        ("id", "0"),
        ("key", "Bad Key"),
        ("name_nl", ""),
        ("name_en", "Tips"),
        ("position", "x"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = err["Fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name_nl", "position", "key"]);
    let (status, _) = save(vec![
        ("id", "0"),
        ("key", "car_care"),
        ("name_nl", "Onderhoudstips"),
        ("name_en", "Car care tips"),
        ("description_nl", "Tips voor uw auto."),
        ("description_en", "Tips for your car."),
        ("active", "on"),
        ("position", "50"),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = ok(&app, "/api/admin/subscription_types", &admin, &[]).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let car = rows
        .iter()
        .find(|r| r["key"] == "car_care")
        .unwrap()
        .clone();
    assert_eq!(car["position"], 50);

    // Offered on the preferences page; someone subscribes.
    let contact: i64 = count(&pool, "SELECT min(id) FROM contact").await;
    let st = state(pool.clone());
    let url = backend::consent::preferences_url(&st, &pool, contact, "test")
        .await
        .unwrap();
    let html = body_text(get(&app, &path_of(&url), None).await).await;
    assert!(html.contains("Onderhoudstips") || html.contains("Car care tips"));
    let key = form_key(&html);
    post_form(
        &app,
        &path_of(&url),
        &[("key", &key), ("sub.car_care", "on"), ("intent", "save")],
    )
    .await;

    // Made inactive, it is no longer offered.
    let id = car["id"].to_string();
    let id_s: &'static str = Box::leak(id.clone().into_boxed_str());
    let (status, _) = save(vec![
        ("id", id_s),
        ("name_nl", "Onderhoudstips"),
        ("name_en", "Car care tips"),
        ("position", "50"),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(get(&app, &path_of(&url), None).await).await;
    assert!(!html.contains("sub.car_care"));

    // Removing it while one contact is subscribed asks for that number.
    let (status, v) = json(
        call(
            &app,
            "/api/admin/delete_subscription_type",
            Some(&admin),
            &[("id", &id), ("expected", "0")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM subscription_type WHERE key = 'car_care'"
        )
        .await,
        1
    );
    ok(
        &app,
        "/api/admin/delete_subscription_type",
        &admin,
        &[("id", &id), ("expected", "1")],
    )
    .await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM subscription_type WHERE key = 'car_care'"
        )
        .await,
        0
    );
    // The history of the choice stays.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_event WHERE purpose = 'subscription:car_care'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_event WHERE action LIKE 'subscription_type.%'"
        )
        .await,
        3
    );
}
