//! `mutation` and `mutation_change`: the customers' answers. Written once by the
//! customer page; staff review them (issue 6). Nothing here touches the register.

use crate::scope::CompanyScope;
use datacheck_core::wire::ContactKind;
use datacheck_core::wire::mutations::{AnswerKind, AnswerSource, MutationStatus, Section};
use sqlx::PgExecutor;
use time::OffsetDateTime;

pub struct NewMutation<'a> {
    pub company_id: i64,
    pub contact_id: i64,
    pub run_id: i64,
    pub run_recipient_id: i64,
    pub changed: bool,
    pub submission_key: &'a str,
    pub language: &'a str,
}

/// Inserts the answer, or returns `None` when this submission key was saved before
/// (a double click, a resent form).
pub async fn insert(
    exec: impl PgExecutor<'_>,
    m: &NewMutation<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO mutation (company_id, contact_id, run_id, run_recipient_id, kind,
                              submission_key, language)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT ON CONSTRAINT mutation_submission_key DO NOTHING
        RETURNING id
        "#,
        m.company_id,
        m.contact_id,
        m.run_id,
        m.run_recipient_id,
        if m.changed { "changed" } else { "unchanged" },
        m.submission_key,
        m.language
    )
    .fetch_optional(exec)
    .await
}

/// Inserts an answer from the preferences page or a one-click unsubscribe, or returns
/// `None` when this link's submission key was saved before.
pub async fn insert_from_preferences(
    exec: impl PgExecutor<'_>,
    company_id: i64,
    contact_id: i64,
    preference_link_id: i64,
    source: &str,
    submission_key: &str,
    language: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO mutation (company_id, contact_id, preference_link_id, source, kind,
                              submission_key, language)
        VALUES ($1, $2, $3, $4, 'changed', $5, $6)
        ON CONFLICT ON CONSTRAINT mutation_preference_submission_key DO NOTHING
        RETURNING id
        "#,
        company_id,
        contact_id,
        preference_link_id,
        source,
        submission_key,
        language
    )
    .fetch_optional(exec)
    .await
}

pub struct NewChange<'a> {
    pub section: Section,
    pub field_key: &'a str,
    pub person_id: Option<i64>,
    pub new_person: Option<i16>,
    pub dms_value: Option<&'a str>,
    pub submitted_value: Option<&'a str>,
}

/// All changes of one mutation in one statement, in the given order.
pub async fn insert_changes(
    exec: impl PgExecutor<'_>,
    mutation_id: i64,
    changes: &[NewChange<'_>],
) -> Result<(), sqlx::Error> {
    let sections: Vec<&str> = changes.iter().map(|c| c.section.as_str()).collect();
    let keys: Vec<&str> = changes.iter().map(|c| c.field_key).collect();
    let persons: Vec<Option<i64>> = changes.iter().map(|c| c.person_id).collect();
    let new_persons: Vec<Option<i16>> = changes.iter().map(|c| c.new_person).collect();
    let dms: Vec<Option<&str>> = changes.iter().map(|c| c.dms_value).collect();
    let submitted: Vec<Option<&str>> = changes.iter().map(|c| c.submitted_value).collect();
    sqlx::query!(
        r#"
        INSERT INTO mutation_change (mutation_id, section, field_key, person_id, new_person,
                                     dms_value, submitted_value, position)
        SELECT $1, c.section, c.field_key, c.person_id, c.new_person, c.dms_value,
               c.submitted_value, c.position::int
        FROM unnest($2::text[], $3::text[], $4::bigint[], $5::smallint[], $6::text[],
                    $7::text[]) WITH ORDINALITY
             AS c(section, field_key, person_id, new_person, dms_value, submitted_value,
                  position)
        "#,
        mutation_id,
        &sections as &[&str],
        &keys as &[&str],
        &persons as &[Option<i64>],
        &new_persons as &[Option<i16>],
        &dms as &[Option<&str>],
        &submitted as &[Option<&str>]
    )
    .execute(exec)
    .await?;
    Ok(())
}

#[derive(Debug, serde::Deserialize)]
pub struct ChangeRow {
    pub section: Section,
    pub field_key: String,
    pub person_id: Option<i64>,
    pub new_person: Option<i16>,
    pub dms_value: Option<String>,
    pub submitted_value: Option<String>,
}

pub async fn changes(
    exec: impl PgExecutor<'_>,
    mutation_id: i64,
) -> Result<Vec<ChangeRow>, sqlx::Error> {
    sqlx::query_as!(
        ChangeRow,
        r#"
        SELECT section AS "section: Section", field_key, person_id, new_person, dms_value,
               submitted_value
        FROM mutation_change WHERE mutation_id = $1 ORDER BY position
        "#,
        mutation_id
    )
    .fetch_all(exec)
    .await
}

mod review;

pub use review::*;
