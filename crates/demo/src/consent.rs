//! Subscriptions and a consent history from every source.

/// Subscriptions and a consent history from every source: consent taken over from the
/// DMS at import, legitimate interest for customers mailed before, withdrawals on the
/// customer page and by one-click unsubscribe, choices on the preferences page, forms
/// recorded by staff and consent the DMS reported over the API. The current state of
/// each contact follows its newest event, as `server::consent` keeps it.
pub(crate) async fn seed_consent(tx: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO contact_subscription (contact_id, subscription_type_id, since)
        SELECT k.id, t.id, k.created_at
        FROM contact k
        JOIN subscription_type t ON (t.key = 'service_reminders' AND k.id % 3 <> 0)
                                 OR (t.key = 'newsletter' AND k.id % 4 = 1)
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, run_recipient_id, at)
        SELECT k.id, 'e_marketing', e.basis, e.state, e.source, e.shown, e.actor, NULL,
               now() - e.ago - (k.id % 7) * interval '1 hour'
        FROM contact k
        CROSS JOIN LATERAL (VALUES
            (k.id % 2 = 1, 'consent', 'given', 'import',
             'Toestemming overgenomen uit het DMS bij de eerste import.', 'system: demo import',
             interval '400 days'),
            (k.id % 2 = 0 AND EXISTS (SELECT 1 FROM run_recipient r WHERE r.contact_id = k.id),
             'legitimate_interest', 'none', 'migration',
             'Default when purposes were introduced: mailed before, so legitimate interest.',
             'system: migration', interval '90 days'),
            (k.id % 10 = 4, 'consent', 'given', 'staff', 'Signed form at the service desk.',
             'staff@datacheck.test', interval '30 days'),
            (k.id % 19 = 9, 'consent', 'given', 'api', 'Consent recorded at the showroom (DMS).',
             'API key Demo DMS (#1)', interval '20 days'),
            (k.id % 13 = 6, 'consent', 'withdrawn', 'unsubscribe',
             'U bent afgemeld voor e-mail met aanbiedingen en nieuws.', 'customer',
             interval '6 days')
        ) AS e(applies, basis, state, source, shown, actor, ago)
        WHERE e.applies
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, run_recipient_id, at)
        SELECT m.contact_id, 'e_marketing', 'consent', 'withdrawn', 'portal',
               'Mogen wij u e-mail sturen met aanbiedingen en nieuws? Nee, liever niet',
               'customer', m.run_recipient_id, m.created_at
        FROM mutation m JOIN mutation_change c ON c.mutation_id = m.id
        WHERE c.section = 'consent' AND c.submitted_value = 'withdrawn'
        "#
    )
    .execute(&mut *tx)
    .await?;
    // Newsletter choices made on the preferences page.
    sqlx::query!(
        r#"
        INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text,
                                   actor, at)
        SELECT k.id, 'subscription:newsletter', 'consent',
               CASE WHEN k.id % 4 = 1 THEN 'given' ELSE 'withdrawn' END, 'preferences',
               'Nieuwsbrief: Nieuws en tips, ongeveer eens per maand.', 'customer',
               now() - interval '3 days'
        FROM contact k WHERE k.id % 17 = 8 OR k.id % 17 = 9
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO contact_consent (contact_id, purpose, legal_basis, state, changed_at)
        SELECT DISTINCT ON (e.contact_id) e.contact_id, 'e_marketing', e.legal_basis, e.state, e.at
        FROM consent_event e WHERE e.purpose = 'e_marketing'
        ORDER BY e.contact_id, e.at DESC, e.id DESC
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO contact_consent (contact_id, purpose, legal_basis, state)
        SELECT id, 'sales_service', 'contract', 'none' FROM contact
        "#
    )
    .execute(&mut *tx)
    .await?;
    // One-click unsubscribes reach the DMS as answers too.
    sqlx::query!(
        r#"
        WITH l AS (
            INSERT INTO preference_link (contact_id, created_by, created_at, opened_at)
            SELECT e.contact_id, 'mail', e.at - interval '2 days', e.at
            FROM consent_event e WHERE e.source = 'unsubscribe'
            RETURNING id, contact_id
        ), m AS (
            INSERT INTO mutation (company_id, contact_id, preference_link_id, source, kind,
                                  submission_key, language, created_at)
            SELECT k.company_id, k.id, l.id, 'unsubscribe', 'changed', md5(l.id::text || 'unsub'),
                   k.language, now() - interval '6 days'
            FROM l JOIN contact k ON k.id = l.contact_id
            RETURNING id
        )
        INSERT INTO mutation_change (mutation_id, section, field_key, dms_value, submitted_value, position)
        SELECT id, 'consent', 'e_marketing', 'given', 'withdrawn', 1 FROM m
        "#
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
