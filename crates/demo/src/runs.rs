//! Data checks in every state, their answers, and the review's examples.

use crate::*;

/// The names of the demo runs, for the start-up report and the tests.
pub const ACTIVE_RUN: &str = "Najaarscontrole 2026";

/// Data checks in every state: one sent three days ago with links still open (opened,
/// responded changed and unchanged, two bounces), one from the spring whose links have
/// expired, a cancelled one, and a draft halfway through the wizard.
pub(crate) async fn seed_runs(
    tx: &mut sqlx::PgConnection,
    company_ids: &[i64],
    admin_id: i64,
    staff_id: i64,
) -> Result<(), sqlx::Error> {
    use backend::db::contact::ListFilter;
    use backend::db::run_recipient::Selection;
    use datacheck_core::wire::{RecipientFilter, RunTemplates};
    use std::collections::BTreeMap;
    let templates = RunTemplates::starter();
    let rules: BTreeMap<String, String> = [
        ("salutation", "read_only"),
        ("first_name", "read_only"),
        ("last_name_prefix", "read_only"),
        ("last_name", "read_only"),
        ("organisation_name", "read_only"),
        ("email", "editable"),
        ("phone", "editable"),
        ("mobile", "editable"),
        ("street", "editable"),
        ("house_number", "editable"),
        ("house_number_addition", "editable"),
        ("postal_code", "editable"),
        ("city", "editable"),
        ("fuel_type", "editable"),
        ("paper_invoice", "editable"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let today = time::OffsetDateTime::now_utc().date();
    // (name, company, created by, kind filter, days ago sent, valid days after sending, end state)
    type DemoRun<'a> = (&'a str, usize, i64, &'a str, Option<i64>, i64, &'a str);
    let runs: [DemoRun; 5] = [
        (
            "Voorjaarscontrole 2026",
            0,
            admin_id,
            "organisation",
            Some(45),
            7,
            "sent",
        ),
        (
            "Servicecontracten Utrecht (ingetrokken)",
            1,
            admin_id,
            "person",
            Some(10),
            7,
            "cancelled",
        ),
        (ACTIVE_RUN, 0, staff_id, "", Some(3), 10, "sent"),
        (
            "Leaseklanten Utrecht 2027",
            1,
            admin_id,
            "organisation",
            None,
            7,
            "draft",
        ),
        // Marketing: the recipient step leaves out who withdrew e-marketing consent.
        (
            "Winterbandenactie 2026 (aanbieding)",
            0,
            staff_id,
            "person",
            None,
            14,
            "draft",
        ),
    ];
    for (name, company, by, kind, sent_days_ago, valid_days, state) in runs {
        let company_id = company_ids[company];
        let sent_on = sent_days_ago.map(|d| today - time::Duration::days(d));
        let valid_to = sent_on.unwrap_or(today) + time::Duration::days(valid_days);
        let id = db::run::insert_draft(
            &mut *tx,
            &db::run::NewDraft {
                company_id,
                name,
                valid_to,
                sender_name: COMPANIES[company],
                sender_email: "noreply@datacheck.test",
                reply_to: ADMIN_EMAIL,
                templates: &templates,
                field_rules: &rules,
                created_by: Some(by),
            },
        )
        .await?
        .map_err(|db::run::NameTaken| {
            sqlx::Error::Protocol(format!("the demo seed names two runs {name:?}"))
        })?;
        // An empty kind is everyone: persons and organisations.
        let kind = (!kind.is_empty()).then_some(kind);
        let filter = RecipientFilter {
            kind: kind.map(str::to_string),
            ..RecipientFilter::default()
        };
        let marketing = name.contains("aanbieding");
        db::run::update_recipients(&mut *tx, id, "filter", &filter, &[], marketing).await?;
        db::run::update_templates(&mut *tx, id, &templates).await?;
        let Some(days_ago) = sent_days_ago else {
            continue;
        };
        db::run::update_fields(
            &mut *tx,
            id,
            &db::run::Fields {
                rules: &rules,
                show_contact_persons: true,
                show_notifications: true,
                show_subscriptions: true,
            },
        )
        .await?;
        let list_filter = ListFilter {
            company: Some(company_id),
            kind,
            city: None,
            has_email: None,
            text: None,
        };
        let sent_at = time::OffsetDateTime::now_utc() - time::Duration::days(days_ago);
        // The end of the valid-to day in the default zone (the demo's organisation).
        let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").ok();
        let deadline = zone
            .and_then(|tz| backend::local_time::end_of_day(&tz, valid_to).ok())
            .unwrap_or_else(|| {
                valid_to
                    .next_day()
                    .unwrap_or(valid_to)
                    .midnight()
                    .assume_utc()
            });
        let expires = deadline.min(sent_at + time::Duration::days(8));
        let selection = Selection::Filter {
            filter: &list_filter,
            confirmed_before: None,
        };
        db::run_recipient::issue(
            &mut *tx,
            id,
            company_id,
            &selection,
            false,
            1,
            expires,
            "datacheck.test",
        )
        .await?;
        db::run::mark_sending(&mut *tx, id, by, expires).await?;
        if name == ACTIVE_RUN {
            // Planned when it was sent: a reminder five days after sending, still ahead.
            db::run_reminder::insert(&mut *tx, id, &[5]).await?;
        }
        sqlx::query!(
            r#"
            WITH r AS (
                UPDATE run SET status = 'sent', sent_at = $2::timestamptz, created_at = $2::timestamptz - interval '1 day'
                WHERE id = $1 RETURNING id
            ), rr AS (
                UPDATE run_recipient SET issued_at = $2::timestamptz WHERE run_id = $1 RETURNING id
            )
            UPDATE outbox_mail o
            SET status = CASE WHEN o.run_recipient_id % 17 = 3 THEN 'failed' ELSE 'sent' END,
                last_error = CASE WHEN o.run_recipient_id % 17 = 3
                             THEN '550 5.1.1 <mailbox unavailable>' END,
                attempts = 1,
                sent_at = CASE WHEN o.run_recipient_id % 17 = 3 THEN NULL
                          ELSE $2::timestamptz + (o.id % 600) * interval '1 second' END,
                created_at = $2::timestamptz
            WHERE o.run_id = $1
            "#,
            id,
            sent_at
        )
        .execute(&mut *tx)
        .await?;
        if state == "cancelled" {
            sqlx::query!(
                r#"
                WITH r AS (
                    UPDATE run SET status = 'cancelled', cancelled_at = $2::timestamptz + interval '2 hours',
                                   cancelled_by = created_by
                    WHERE id = $1 RETURNING id
                )
                UPDATE run_recipient SET revoked_at = $2::timestamptz + interval '2 hours'
                WHERE run_id = $1
                "#,
                id,
                sent_at
            )
            .execute(&mut *tx)
            .await?;
            continue;
        }
        // Opened by four in five who got the mail; half of those responded, spread over
        // the days since sending, a third of them with changes.
        let days = days_ago.min(7) as i32;
        sqlx::query!(
            r#"
            UPDATE run_recipient r
            SET opened_at = least(now() - interval '1 hour',
                                  r.issued_at + ((r.id / 2) % ($2::int + 1)) * interval '1 day'
                                  + interval '3 hours'),
                responded_at = CASE WHEN r.id % 2 = 0
                    THEN least(now() - interval '54 minutes',
                               r.issued_at + ((r.id / 2) % ($2::int + 1)) * interval '1 day'
                               + interval '3 hours 6 minutes') END,
                response = CASE WHEN r.id % 2 = 0
                    THEN CASE WHEN r.id % 3 = 0 THEN 'changed' ELSE 'unchanged' END END
            WHERE r.run_id = $1 AND r.id % 5 <> 0 AND r.id % 17 <> 3
            "#,
            id,
            days
        )
        .execute(&mut *tx)
        .await?;
        seed_answers(&mut *tx, id, staff_id).await?;
        if name == ACTIVE_RUN {
            seed_review_examples(&mut *tx, id).await?;
            // Its link lived its eight days before the run's deadline: it can be renewed.
            sqlx::query!(
                r#"
                UPDATE run_recipient SET expires_at = now() - interval '2 hours'
                WHERE id = (SELECT min(id) FROM run_recipient
                            WHERE run_id = $1 AND responded_at IS NULL AND id % 5 <> 0)
                "#,
                id
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    seed_consent(&mut *tx).await?;
    Ok(())
}

/// The answers behind the demo responses: a mutation per responder, in every review
/// state (the older run's mostly processed or ignored), with a new phone number, an
/// e-mail address or a withdrawn consent for those who changed something.
pub(crate) async fn seed_answers(
    tx: &mut sqlx::PgConnection,
    run_id: i64,
    staff_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        WITH m AS (
            INSERT INTO mutation (company_id, contact_id, run_id, run_recipient_id, kind, status,
                                  submission_key, language, created_at, processed_at, processed_by)
            SELECT run.company_id, r.contact_id, r.run_id, r.id, r.response,
                   s.status, md5(r.id::text || 'demo'), r.language, r.responded_at,
                   CASE WHEN s.status <> 'new' THEN r.responded_at + interval '20 hours' END,
                   CASE WHEN s.status <> 'new' THEN $2::bigint END
            FROM run_recipient r
            JOIN run ON run.id = r.run_id
            CROSS JOIN LATERAL (SELECT CASE
                WHEN run.links_expire_at < now() THEN
                    CASE WHEN r.id % 4 = 0 THEN 'ignored' ELSE 'processed' END
                ELSE CASE WHEN r.id % 7 = 0 THEN 'processed'
                          WHEN r.id % 11 = 0 THEN 'ignored' ELSE 'new' END
                END AS status) s
            WHERE r.run_id = $1 AND r.responded_at IS NOT NULL
            RETURNING id, contact_id, kind, run_recipient_id
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
        SELECT m.id, c.section, c.field_key, c.dms_value, c.submitted_value, c.position
        FROM m
        JOIN contact k ON k.id = m.contact_id
        CROSS JOIN LATERAL (VALUES
            ('field', 'phone', k.phone, '+316' || lpad(((m.id * 7919) % 100000000)::text, 8, '0'), 1),
            ('field', 'email', k.email,
             CASE WHEN m.run_recipient_id % 4 = 0 THEN 'nieuw.' || k.email END, 2),
            ('consent', 'e_marketing', 'given',
             CASE WHEN m.run_recipient_id % 5 = 1 THEN 'withdrawn' END, 3)
        ) AS c(section, field_key, dms_value, submitted_value, position)
        WHERE m.kind = 'changed' AND (c.position = 1 OR c.submitted_value IS NOT NULL)
        "#,
        run_id,
        staff_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Answers a reviewer should look at twice, among the active run's new ones: an e-mail
/// address that is another contact's, a value the DMS already has, a mistyped mail
/// provider, contact-person changes with a person added, and a subscription dropped.
/// Unchanged answers confirm the fields they were shown, at the moment of answering.
pub(crate) async fn seed_review_examples(
    tx: &mut sqlx::PgConnection,
    run_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO field_confirmation (contact_id, field_key, confirmed_at)
        SELECT m.contact_id, f.key, m.created_at
        FROM mutation m
        JOIN contact k ON k.id = m.contact_id
        CROSS JOIN (VALUES ('first_name', 'person'), ('last_name', 'person'),
                           ('mobile', 'person'), ('organisation_name', 'organisation'),
                           ('email', NULL), ('street', NULL), ('house_number', NULL),
                           ('postal_code', NULL), ('city', NULL)) AS f(key, kind)
        WHERE m.run_id = $1 AND m.kind = 'unchanged' AND coalesce(f.kind, k.kind) = k.kind
        ON CONFLICT (contact_id, field_key) DO UPDATE SET confirmed_at = excluded.confirmed_at
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    // The first five new, changed answers of persons, and the first of an organisation
    // with contact persons, each get one kind of example.
    sqlx::query!(
        r#"
        WITH picked AS (
            SELECT m.id, m.contact_id, m.company_id,
                   row_number() OVER (ORDER BY m.created_at, m.id) AS n
            FROM mutation m JOIN contact k ON k.id = m.contact_id
            WHERE m.run_id = $1 AND m.kind = 'changed' AND m.status = 'new'
              AND k.kind = 'person'
              AND NOT EXISTS (SELECT 1 FROM mutation_change x
                              WHERE x.mutation_id = m.id AND x.field_key = 'email')
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value,
                                     submitted_value, position)
        SELECT p.id, 'field', e.key, e.dms, e.submitted, 10
        FROM picked p JOIN contact k ON k.id = p.contact_id
        CROSS JOIN LATERAL (
            SELECT 'email' AS key, k.email AS dms,
                   (SELECT o.email FROM contact o
                    WHERE o.company_id = p.company_id AND o.id <> k.id AND o.email LIKE '%_@_%.__%'
                    ORDER BY o.id LIMIT 1) AS submitted
            WHERE p.n = 1
            UNION ALL SELECT 'city', 'Amersfoort', k.city WHERE p.n = 2
            UNION ALL SELECT 'email', k.email,
                             split_part(coalesce(k.email, 'klant@x.nl'), '@', 1) || '@gmial.com'
                      WHERE p.n = 3
            UNION ALL SELECT 'house_number', k.house_number, '0' WHERE p.n = 4
        ) e
        WHERE e.submitted IS NOT NULL
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        WITH org AS (
            SELECT m.id, m.contact_id, p.id AS person_id, p.role, p.notify_scope
            FROM mutation m
            JOIN contact_person p ON p.contact_id = m.contact_id AND p.left_at IS NULL
            WHERE m.run_id = $1 AND m.kind = 'changed' AND m.status = 'new'
            ORDER BY m.created_at, m.id, p.id LIMIT 1
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, person_id, new_person,
                                     dms_value, submitted_value, position)
        SELECT org.id, c.section, c.key, c.person_id, c.new_person, c.dms, c.submitted, c.position
        FROM org CROSS JOIN LATERAL (VALUES
            ('person', 'role', org.person_id, NULL::smallint, org.role, 'Wagenparkbeheerder', 20),
            ('notification', 'notify_scope', org.person_id, NULL, org.notify_scope, 'all', 21),
            ('person', 'first_name', NULL, 1::smallint, NULL, 'Sanne', 30),
            ('person', 'last_name', NULL, 1::smallint, NULL, 'Kuipers', 31),
            ('person', 'email', NULL, 1::smallint, NULL, 'sanne.kuipers@example.nl', 32),
            ('subscription', 'newsletter', NULL, NULL, 'yes', 'no', 40)
        ) AS c(section, key, person_id, new_person, dms, submitted, position)
        "#,
        run_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
