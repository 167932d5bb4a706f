//! A data subject's requests: everything stored about a contact as one document, and
//! erasing it.

use super::*;

/// Everything stored about a contact, as one JSON document (a data subject's copy).
pub async fn export_document(
    exec: impl PgExecutor<'_>,
    contact_id: i64,
) -> Result<serde_json::Value, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT jsonb_build_object(
            'exported_at', now(),
            'contact', to_jsonb(k) - 'search_text' - 'sort_name',
            'company', (SELECT name FROM company WHERE id = k.company_id),
            'attributes', coalesce((SELECT jsonb_object_agg(a.field_key, a.value)
                                    FROM contact_attribute a WHERE a.contact_id = k.id), '{}'),
            'confirmed_fields', coalesce((SELECT jsonb_object_agg(f.field_key, f.confirmed_at)
                                          FROM field_confirmation f WHERE f.contact_id = k.id), '{}'),
            'contact_persons', coalesce((SELECT jsonb_agg(to_jsonb(p) - 'contact_id' ORDER BY p.id)
                                         FROM contact_person p WHERE p.contact_id = k.id), '[]'),
            'subscriptions', coalesce((SELECT jsonb_agg(jsonb_build_object('type', t.key, 'since', s.since)
                                                        ORDER BY t.position)
                                       FROM contact_subscription s
                                       JOIN subscription_type t ON t.id = s.subscription_type_id
                                       WHERE s.contact_id = k.id), '[]'),
            'purposes', coalesce((SELECT jsonb_agg(to_jsonb(c) - 'contact_id' ORDER BY c.purpose)
                                  FROM contact_consent c WHERE c.contact_id = k.id), '[]'),
            'consent_history', coalesce((SELECT jsonb_agg(to_jsonb(e) - 'contact_id' ORDER BY e.at, e.id)
                                         FROM consent_event e WHERE e.contact_id = k.id), '[]'),
            'data_check_links', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                              'run', run.name, 'email', r.email,
                                              'language', r.language, 'issued_at', r.issued_at,
                                              'expires_at', r.expires_at, 'opened_at', r.opened_at,
                                              'responded_at', r.responded_at, 'response', r.response,
                                              'revoked_at', r.revoked_at) ORDER BY r.id)
                                          FROM run_recipient r JOIN run ON run.id = r.run_id
                                          WHERE r.contact_id = k.id), '[]'),
            'mails', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'kind', o.kind, 'to', o.to_address, 'status', o.status,
                                   'created_at', o.created_at, 'sent_at', o.sent_at) ORDER BY o.id)
                               FROM outbox_mail o JOIN run_recipient r ON r.id = o.run_recipient_id
                               WHERE r.contact_id = k.id), '[]'),
            'answers', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                     'id', m.id, 'kind', m.kind, 'source', m.source,
                                     'status', m.status, 'language', m.language,
                                     'created_at', m.created_at, 'processed_at', m.processed_at,
                                     'changes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                 'section', c.section, 'field', c.field_key,
                                                 'person_id', c.person_id, 'new_person', c.new_person,
                                                 'value_before', c.dms_value,
                                                 'value_submitted', c.submitted_value) ORDER BY c.position)
                                             FROM mutation_change c WHERE c.mutation_id = m.id), '[]'))
                                     ORDER BY m.id)
                                 FROM mutation m WHERE m.contact_id = k.id), '[]'),
            'preference_links', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                              'created_at', l.created_at, 'opened_at', l.opened_at,
                                              'revoked_at', l.revoked_at) ORDER BY l.id)
                                          FROM preference_link l WHERE l.contact_id = k.id), '[]')
        ) AS "doc!"
        FROM contact k WHERE k.id = $1
        "#,
        contact_id
    )
    .fetch_one(exec)
    .await
}

pub struct Erased {
    pub mutations: i64,
    pub recipients: i64,
    pub consent_events: i64,
}

/// Removes a contact and everything that holds their personal data. The consent
/// history is append-only except here: this transaction alone may delete it.
pub async fn erase(tx: &mut sqlx::PgConnection, contact_id: i64) -> Result<Erased, sqlx::Error> {
    sqlx::query_scalar!("SELECT set_config('datacheck.erasure', 'on', true)")
        .fetch_one(&mut *tx)
        .await?;
    let counts = sqlx::query_as!(
        Erased,
        r#"
        SELECT (SELECT count(*) FROM mutation WHERE contact_id = $1) AS "mutations!",
               (SELECT count(*) FROM run_recipient WHERE contact_id = $1) AS "recipients!",
               (SELECT count(*) FROM consent_event WHERE contact_id = $1) AS "consent_events!"
        "#,
        contact_id
    )
    .fetch_one(&mut *tx)
    .await?;
    // Addresses the contact was written to, for copies outside the contact's own rows.
    let addresses: Vec<String> = sqlx::query_scalar!(
        r#"
        SELECT lower(a) AS "a!" FROM (
            SELECT email AS a FROM contact WHERE id = $1
            UNION SELECT email FROM contact_person WHERE contact_id = $1
            UNION SELECT email FROM run_recipient WHERE contact_id = $1
        ) x WHERE a IS NOT NULL
        "#,
        contact_id
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        DELETE FROM dev_mail
        WHERE outbox_mail_id IN (SELECT o.id FROM outbox_mail o
                                 JOIN run_recipient r ON r.id = o.run_recipient_id
                                 WHERE r.contact_id = $1)
           OR lower(to_address) = ANY($2)
        "#,
        contact_id,
        &addresses
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM outbox_mail WHERE run_recipient_id IS NULL AND lower(to_address) = ANY($1)",
        &addresses
    )
    .execute(&mut *tx)
    .await?;
    // Audit details and import summaries that quote the contact (a search typed into
    // an export filter, a rejected row) lose their detail.
    let words: Vec<String> = sqlx::query_scalar!(
        r#"
        SELECT lower(w) AS "w!" FROM contact k,
            LATERAL unnest(ARRAY[k.email, k.phone, k.mobile,
                                 nullif(concat_ws(' ', k.first_name, k.last_name_prefix, k.last_name), ''),
                                 k.last_name, k.organisation_name]) AS w
        WHERE k.id = $1 AND length(w) >= 4
        "#,
        contact_id
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        UPDATE audit_event SET detail = '{"redacted": "erasure"}'
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) w
                      WHERE strpos(lower(detail::text), w) > 0)
        "#,
        &words
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        UPDATE contact_import SET summary = '{"redacted": "erasure"}'
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) w
                      WHERE strpos(lower(summary::text), w) > 0)
        "#,
        &words
    )
    .execute(&mut *tx)
    .await?;
    // The rest goes with the contact: persons, attributes, confirmations, consent and
    // subscriptions, preference links, run links with their mails, answers.
    sqlx::query!("DELETE FROM contact WHERE id = $1", contact_id)
        .execute(&mut *tx)
        .await?;
    Ok(counts)
}
