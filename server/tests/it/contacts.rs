//! The contacts table and contact page: filters, sort and keyset paging against an
//! independent oracle, and company scope by forged ids.

use crate::common;

use app::server_fns::contacts::{GetContact, ListContacts};
use backend::db;
use common::*;
use datacheck_core::wire::{ContactId, ContactPage, ContactQuery};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

/// One contact of the test register, as the oracle sees it.
#[derive(Clone, Debug)]
struct Known {
    id: i64,
    company_id: i64,
    customer_no: String,
    kind: &'static str,
    city: Option<String>,
    email: Option<String>,
    search: String,
}

/// A register built to trip paging: many equal sort values (ties across page
/// boundaries), missing cities and e-mail addresses, LIKE wildcards in names.
async fn register(pool: &PgPool, f: &Fixture, n: usize) -> Vec<Known> {
    let mut rng = StdRng::seed_from_u64(42);
    let firsts = ["Jan", "Els", "Mo", "Zoë", "100%", "a_b"];
    let lasts = ["Berg", "Dijk", "Vries", "Jong", "Bakker"];
    let cities = [Some("Utrecht"), Some("Amersfoort"), Some("De Bilt"), None];
    let mut out = Vec::new();
    for i in 0..n {
        let company_id = if rng.gen_ratio(2, 3) {
            f.company_a
        } else {
            f.company_b
        };
        let org = rng.gen_ratio(1, 5);
        let first = *firsts.choose(&mut rng).unwrap();
        let last = *lasts.choose(&mut rng).unwrap();
        let city = *cities.choose(&mut rng).unwrap();
        let customer_no = format!("K{:04}", rng.gen_range(0..10_000)) + &format!("-{i}");
        let email = rng.gen_ratio(3, 4).then(|| {
            format!(
                "{}.{}{i}@example.nl",
                first.to_lowercase(),
                last.to_lowercase()
            )
        });
        let org_name = format!("{last} Holding");
        let c = db::contact::NewContact {
            company_id,
            customer_no: &customer_no,
            kind: if org { "organisation" } else { "person" },
            salutation: None,
            first_name: (!org).then_some(first),
            last_name_prefix: None,
            last_name: (!org).then_some(last),
            organisation_name: org.then_some(org_name.as_str()),
            email: email.as_deref(),
            phone: None,
            mobile: None,
            street: None,
            house_number: None,
            house_number_addition: None,
            postal_code: None,
            city,
            country: "NL",
            language: "nl",
        };
        let id = db::contact::insert(pool, &c).await.unwrap();
        let search = format!(
            "{} {} {} {}",
            customer_no,
            if org { "" } else { first },
            if org { org_name.as_str() } else { last },
            email.clone().unwrap_or_default()
        )
        .to_lowercase();
        out.push(Known {
            id,
            company_id,
            customer_no,
            kind: if org { "organisation" } else { "person" },
            city: city.map(str::to_string),
            email,
            search,
        });
    }
    out
}

async fn list(app: &axum::Router, cookie: &str, args: &[(String, String)]) -> ContactPage {
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = call(app, "/api/contacts/list", Some(cookie), &pairs).await;
    let status = res.status();
    let body = body_text(res).await;
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect(&body)
}

/// Walks every page forwards, then every page backwards from the last, and checks both
/// walks give exactly the oracle's rows in the oracle's order.
#[sqlx::test(migrations = "../migrations")]
async fn filtered_sorted_pages_match_a_naive_query_across_page_boundaries(pool: PgPool) {
    let f = fixture(&pool).await;
    let known = register(&pool, &f, 260).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    for round in 0..24 {
        let mut args: Vec<(String, String)> = Vec::new();
        let mut arg = |k: &str, v: String| args.push((format!("query[{k}]"), v));
        let company = rng.gen_ratio(1, 3).then_some(f.company_a);
        let kind = [None, Some("person"), Some("organisation")][rng.gen_range(0..3)];
        let city = [None, Some("utrecht"), Some("De Bilt")][rng.gen_range(0..3)];
        let has_email = [None, Some(true), Some(false)][rng.gen_range(0..3)];
        let text = [
            None,
            Some("berg"),
            Some("100%"),
            Some("a_b"),
            Some("jan example"),
        ][rng.gen_range(0..5)];
        let sort = ["name", "customer_no", "city", "updated"][round % 4];
        let descending = rng.gen_bool(0.5);
        if let Some(c) = company {
            arg("company", c.to_string());
        }
        if let Some(k) = kind {
            arg("kind", k.into());
        }
        if let Some(c) = city {
            arg("city", c.into());
        }
        if let Some(h) = has_email {
            arg("has_email", if h { "yes" } else { "no" }.into());
        }
        if let Some(t) = text {
            arg("q", t.into());
        }
        arg(
            "sort",
            if descending {
                format!("-{sort}")
            } else {
                sort.into()
            },
        );

        // The oracle: the filter in plain Rust, the order from a plain ORDER BY.
        let ids: Vec<i64> = known
            .iter()
            .filter(|k| company.is_none_or(|c| k.company_id == c))
            .filter(|k| kind.is_none_or(|x| k.kind == x))
            .filter(|k| {
                city.is_none_or(|c| {
                    k.city.as_deref().map(str::to_lowercase) == Some(c.to_lowercase())
                })
            })
            .filter(|k| has_email.is_none_or(|h| k.email.is_some() == h))
            .filter(|k| {
                text.is_none_or(|t| {
                    t.split_whitespace()
                        .all(|w| k.search.contains(&w.to_lowercase()))
                })
            })
            .map(|k| k.id)
            .collect();
        let order = match sort {
            "name" => "sort_name",
            "customer_no" => "customer_no",
            "city" => "coalesce(lower(city), '')",
            _ => "updated_at",
        };
        let dir = if descending { "DESC" } else { "ASC" };
        let expected: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM contact WHERE id = ANY($1) ORDER BY {order} {dir}, id {dir}"
        ))
        .bind(&ids)
        .fetch_all(&pool)
        .await
        .unwrap();

        let mut forward = Vec::new();
        let mut page = list(&app, &admin, &args).await;
        assert_eq!(page.total, expected.len() as i64, "round {round}: {args:?}");
        assert!(page.prev.is_none());
        let mut last_page = page.clone();
        loop {
            forward.extend(page.rows.iter().map(|r| r.id.0));
            let Some(next) = page.next.clone() else { break };
            let mut a = args.clone();
            a.push(("query[after]".into(), next));
            page = list(&app, &admin, &a).await;
            assert!(page.prev.is_some(), "a later page links back");
            last_page = page.clone();
        }
        assert_eq!(forward, expected, "forward walk, round {round}: {args:?}");

        let mut backward: Vec<i64> = last_page.rows.iter().map(|r| r.id.0).collect();
        let mut page = last_page;
        while let Some(prev) = page.prev.clone() {
            let mut a = args.clone();
            a.push(("query[before]".into(), prev));
            page = list(&app, &admin, &a).await;
            let mut rows: Vec<i64> = page.rows.iter().map(|r| r.id.0).collect();
            rows.extend(backward);
            backward = rows;
        }
        assert_eq!(backward, expected, "backward walk, round {round}: {args:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_filters_are_refused_with_a_message_at_the_field(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    for (k, v, field) in [
        ("query[sort]", "password", "sort"),
        ("query[kind]", "robot", "kind"),
        ("query[has_email]", "maybe", "has_email"),
        ("query[after]", "not-a-cursor", "after"),
    ] {
        let res = call(&app, "/api/contacts/list", Some(&admin), &[(k, v)]).await;
        assert_eq!(
            res.status(),
            http::StatusCode::UNPROCESSABLE_ENTITY,
            "{k}={v}"
        );
        let err: datacheck_core::error::AppError =
            serde_json::from_str(&body_text(res).await).unwrap();
        assert!(err.for_field(field).is_some(), "{k}: {err:?}");
    }
    let _ = f;
}

#[sqlx::test(migrations = "../migrations")]
async fn scoped_staff_cannot_list_or_open_contacts_of_another_company(pool: PgPool) {
    let f = fixture(&pool).await;
    let known = register(&pool, &f, 40).await;
    let app = app(pool.clone());
    let staff = sign_in(&app, "staff@test.nl", PASSWORD).await.unwrap();

    let page = list(&app, &staff, &[]).await;
    let mine = known.iter().filter(|k| k.company_id == f.company_a).count();
    assert_eq!(page.total, mine as i64);
    assert!(page.rows.iter().all(|r| r.company == "Company A"));

    // Asking for the other company's contacts by filter: refused, not an empty list
    // that would look like "it exists but is empty".
    let browser = StaffSession::with_cookie(&app, &staff);
    let (status, _) = browser
        .try_call(ListContacts {
            query: ContactQuery {
                company: Some(f.company_b),
                ..Default::default()
            },
        })
        .await
        .unwrap_err();
    assert_eq!(status, http::StatusCode::UNPROCESSABLE_ENTITY);

    // Opening every contact by id: own ones open, the others are "not found".
    for k in &known {
        let opened = browser
            .try_call(GetContact {
                id: ContactId(k.id),
            })
            .await;
        if k.company_id == f.company_a {
            assert_eq!(opened.unwrap().customer_no, k.customer_no);
        } else {
            assert_eq!(
                opened.unwrap_err().0,
                http::StatusCode::NOT_FOUND,
                "contact {} of company B",
                k.id
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn contact_page_shows_attributes_persons_and_confirmations(pool: PgPool) {
    let f = fixture(&pool).await;
    let known = register(&pool, &f, 3).await;
    let id = known[0].id;
    db::field_def::insert_custom(
        &pool,
        &db::field_def::Write {
            key: "apk_due",
            field_type: "date",
            label_nl: "APK",
            label_en: "MOT due",
            choices: &serde_json::json!([]),
            required: false,
            customer_visible: true,
            customer_editable: false,
        },
    )
    .await
    .unwrap();
    db::contact::set_attribute(&pool, id, "apk_due", "2027-03-09")
        .await
        .unwrap();
    let at = time::macros::datetime!(2026-10-01 10:00 UTC);
    db::contact::confirm_fields(&pool, id, &["email".to_string()], at)
        .await
        .unwrap();
    db::contact::insert_person(
        &pool,
        &db::contact::NewPerson {
            contact_id: id,
            first_name: Some("Piet"),
            last_name_prefix: Some("van"),
            last_name: Some("Dam"),
            email: Some("piet@example.nl"),
            phone: None,
            role: Some("Fleet manager"),
            notify_scope: "all",
            notify_when: "closing",
        },
    )
    .await
    .unwrap();
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@test.nl", PASSWORD).await.unwrap();
    let d = StaffSession::with_cookie(&app, &admin)
        .call(GetContact { id: ContactId(id) })
        .await;
    let field = |k: &str| d.fields.iter().find(|f| f.key == k).unwrap();
    assert_eq!(field("apk_due").value.as_deref(), Some("09-03-2027"));
    assert_eq!(
        field("email").confirmed.as_deref(),
        Some("01-10-2026 12:00")
    );
    assert_eq!(field("country").value.as_deref(), Some("Netherlands (NL)"));
    assert_eq!(d.persons[0].name, "Piet van Dam");
    assert_eq!(
        d.persons[0].notifications,
        "All of the organisation's tickets, only when closed"
    );
}
