//! Everything a customer page shows for one link, read in one statement: the link with
//! its run (what decides whether the page opens at all), the contact with its custom
//! values, the catalogue entries the run names, the contact persons, the subscription
//! types, the e-mail consent and the latest answer. The page is the busiest read there
//! is (a run's mails bring their readers in one wave), so it costs one round trip, not
//! one per table. The aggregates are `json`, which PostgreSQL writes as it builds them
//! (`jsonb` would be built as a tree and then written out again).

use super::contact::{AttributeRow, Full};
use super::mutation::ChangeRow;
use super::run_recipient::{LinkRow, RuleMap};
use super::subscription::TypeRow;
use datacheck_core::domain::{ChoiceOption, FieldType};
use datacheck_core::wire::PortalPerson;
use datacheck_core::wire::mutations::AnswerKind;
use datacheck_core::wire::{ConsentState, ContactKind, RunStatus};
use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::OffsetDateTime;

/// A catalogue entry the run names, as it stands now.
#[derive(Debug, Deserialize)]
pub struct CatalogueField {
    pub key: String,
    pub builtin: bool,
    pub field_type: FieldType,
    pub label_nl: String,
    pub label_en: String,
    pub choices: Vec<ChoiceOption>,
    pub required: bool,
    pub customer_visible: bool,
    pub customer_editable: bool,
}

/// The newest answer through the link, with its changes in order.
pub struct LatestAnswer {
    pub kind: AnswerKind,
    pub created_at: OffsetDateTime,
    pub changes: Vec<ChangeRow>,
}

pub struct PageData {
    pub contact: Full,
    pub attributes: Vec<AttributeRow>,
    /// In catalogue order.
    pub catalogue: Vec<CatalogueField>,
    /// Current persons first, then those who left.
    pub persons: Vec<PortalPerson>,
    /// The active types in order, with whether the contact is subscribed.
    pub subscription_types: Vec<TypeRow>,
    /// The contact's state for `purpose`, `none` when never given.
    pub consent_state: ConsentState,
    pub latest: Option<LatestAnswer>,
}

/// Reads the link of recipient `id` and its page. With `mark_opened`, the same statement
/// notes the first time the link was opened, if it is open (not revoked, not past its
/// time, its run not cancelled); the caller still decides from the link what the page
/// shows, in the spec's order.
pub async fn read(
    exec: impl PgExecutor<'_>,
    id: i64,
    mark_opened: bool,
    purpose: &str,
) -> Result<Option<(LinkRow, PageData)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        WITH opened AS (
            UPDATE run_recipient SET opened_at = now()
            WHERE id = $1 AND $2 AND opened_at IS NULL
              AND revoked_at IS NULL AND expires_at > now()
              AND run_id IN (SELECT id FROM run WHERE status <> 'cancelled')
            RETURNING id
        )
        SELECT r.run_id, run.company_id AS run_company_id, r.contact_id,
               r.language AS link_language, r.email AS link_email, r.expires_at,
               (r.revoked_at IS NOT NULL) AS "revoked!",
               (r.responded_at IS NOT NULL) AS "responded!",
               run.status AS "run_status: RunStatus", run.valid_to, rc.name AS run_company_name,
               run.field_rules AS "field_rules: Json<RuleMap>",
               run.show_contact_persons, run.show_notifications, run.show_subscriptions,
               k.id, k.company_id, co.name AS company_name, k.customer_no,
               k.kind AS "kind: ContactKind",
               k.salutation, k.first_name, k.last_name_prefix, k.last_name,
               k.organisation_name, k.email, k.phone, k.mobile, k.street, k.house_number,
               k.house_number_addition, k.postal_code, k.city, k.country::text AS "country!",
               k.language, k.created_at, k.updated_at,
               (SELECT coalesce(json_agg(json_build_object(
                           'field_key', a.field_key, 'value', a.value)), '[]')
                FROM contact_attribute a WHERE a.contact_id = k.id)
                   AS "attributes!: Json<Vec<AttributeRow>>",
               (SELECT coalesce(json_agg(json_build_object(
                           'key', f.key, 'builtin', f.builtin, 'field_type', f.field_type,
                           'label_nl', f.label_nl, 'label_en', f.label_en,
                           'choices', f.choices, 'required', f.required,
                           'customer_visible', f.customer_visible,
                           'customer_editable', f.customer_editable)
                       ORDER BY f.position, f.key), '[]')
                FROM field_def f WHERE run.field_rules ? f.key)
                   AS "catalogue!: Json<Vec<CatalogueField>>",
               (SELECT coalesce(json_agg(json_build_object(
                           'id', p.id, 'first_name', p.first_name,
                           'last_name_prefix', p.last_name_prefix, 'last_name', p.last_name,
                           'email', p.email, 'phone', p.phone, 'role', p.role,
                           'notify_scope', p.notify_scope, 'notify_when', p.notify_when,
                           'left', p.left_at IS NOT NULL)
                       ORDER BY p.left_at NULLS FIRST, p.id), '[]')
                FROM contact_person p WHERE p.contact_id = k.id)
                   AS "persons!: Json<Vec<PortalPerson>>",
               (SELECT coalesce(json_agg(json_build_object(
                           'key', t.key, 'name_nl', t.name_nl, 'name_en', t.name_en,
                           'description_nl', t.description_nl,
                           'description_en', t.description_en,
                           'subscribed', EXISTS (
                               SELECT 1 FROM contact_subscription s
                               WHERE s.contact_id = k.id AND s.subscription_type_id = t.id))
                       ORDER BY t.position, t.id), '[]')
                FROM subscription_type t WHERE t.active)
                   AS "subscription_types!: Json<Vec<TypeRow>>",
               coalesce((SELECT c.state FROM contact_consent c
                         WHERE c.contact_id = k.id AND c.purpose = $3), 'none')
                   AS "consent_state!: ConsentState",
               m.kind AS "latest_kind?: AnswerKind",
               m.created_at AS "latest_at?",
               (SELECT coalesce(json_agg(json_build_object(
                           'section', x.section, 'field_key', x.field_key,
                           'person_id', x.person_id, 'new_person', x.new_person,
                           'dms_value', x.dms_value, 'submitted_value', x.submitted_value)
                       ORDER BY x.position), '[]')
                FROM mutation_change x WHERE x.mutation_id = m.id)
                   AS "latest_changes!: Json<Vec<ChangeRow>>"
        FROM run_recipient r
        JOIN run ON run.id = r.run_id
        JOIN contact k ON k.id = r.contact_id
        JOIN company co ON co.id = k.company_id
        JOIN company rc ON rc.id = run.company_id
        LEFT JOIN LATERAL (
            SELECT id, kind, created_at FROM mutation
            WHERE run_recipient_id = r.id
            ORDER BY created_at DESC, id DESC LIMIT 1
        ) m ON true
        WHERE r.id = $1
        "#,
        id,
        mark_opened,
        purpose
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| {
        let link = LinkRow {
            id,
            run_id: r.run_id,
            company_id: r.run_company_id,
            contact_id: r.contact_id,
            language: r.link_language,
            email: r.link_email,
            expires_at: r.expires_at,
            revoked: r.revoked,
            responded: r.responded,
            run_status: r.run_status,
            valid_to: r.valid_to,
            company_name: r.run_company_name,
            field_rules: r.field_rules,
            show_contact_persons: r.show_contact_persons,
            show_notifications: r.show_notifications,
            show_subscriptions: r.show_subscriptions,
        };
        let page = PageData {
            contact: Full {
                id: r.id,
                company_id: r.company_id,
                company_name: r.company_name,
                customer_no: r.customer_no,
                kind: r.kind,
                salutation: r.salutation,
                first_name: r.first_name,
                last_name_prefix: r.last_name_prefix,
                last_name: r.last_name,
                organisation_name: r.organisation_name,
                email: r.email,
                phone: r.phone,
                mobile: r.mobile,
                street: r.street,
                house_number: r.house_number,
                house_number_addition: r.house_number_addition,
                postal_code: r.postal_code,
                city: r.city,
                country: r.country,
                language: r.language,
                created_at: r.created_at,
                updated_at: r.updated_at,
            },
            attributes: r.attributes.0,
            catalogue: r.catalogue.0,
            persons: r.persons.0,
            subscription_types: r.subscription_types.0,
            consent_state: r.consent_state,
            latest: match (r.latest_kind, r.latest_at) {
                (Some(kind), Some(created_at)) => Some(LatestAnswer {
                    kind,
                    created_at,
                    changes: r.latest_changes.0,
                }),
                _ => None,
            },
        };
        (link, page)
    }))
}
