//! The subscription types admins manage, and what removing one that is in use asks.

use crate::common;

use app::server_fns::subscriptions::{
    DeleteSubscriptionType, ListSubscriptionTypes, SaveSubscriptionType,
};
use common::mail::*;
use common::*;
use datacheck_core::error::AppError;
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn admins_manage_subscription_types_and_removing_one_in_use_needs_its_count(pool: PgPool) {
    let app = TestApp::start(pool.clone()).await;
    app.with_contacts(2, 0).await;
    let admin = app.admin().await;
    let (status, _) = app
        .scoped_staff()
        .await
        .try_call(ListSubscriptionTypes {})
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);

    let form =
        |id: i64, key: &str, name_nl: &str, name_en: &str, position: &str| SaveSubscriptionType {
            id,
            key: key.into(),
            name_nl: name_nl.into(),
            name_en: name_en.into(),
            description_nl: String::new(),
            description_en: String::new(),
            active: None,
            position: position.into(),
        };
    let (status, err) = admin
        .try_call(form(0, "Bad Key", "", "Tips", "x"))
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Fields(problems) = &err else {
        panic!("{err:?}")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["name_nl", "position", "key"]);
    admin
        .call(SaveSubscriptionType {
            description_nl: "Tips voor uw auto.".into(),
            description_en: "Tips for your car.".into(),
            active: Some("on".into()),
            ..form(0, "car_care", "Onderhoudstips", "Car care tips", "50")
        })
        .await;
    let rows = admin.call(ListSubscriptionTypes {}).await;
    assert_eq!(rows.len(), 5);
    let car = rows.iter().find(|r| r.key == "car_care").unwrap().clone();
    assert_eq!(car.position, 50);
    let app_state = state(pool.clone());
    let app = app.router.clone();

    // Offered on the preferences page; someone subscribes.
    let contact: i64 = count(&pool, "SELECT min(id) FROM contact").await;
    let url = backend::consent::preferences_url(&app_state, &pool, contact, "test")
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
    admin
        .call(form(car.id, "", "Onderhoudstips", "Car care tips", "50"))
        .await;
    let html = body_text(get(&app, &path_of(&url), None).await).await;
    assert!(!html.contains("sub.car_care"));

    // Removing it while one contact is subscribed asks for that number.
    let remove = |expected: i64| {
        admin.try_call(DeleteSubscriptionType {
            id: car.id,
            expected,
        })
    };
    let (status, err) = remove(0).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT, "{err:?}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM subscription_type WHERE key = 'car_care'"
        )
        .await,
        1
    );
    remove(1).await.unwrap();
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
