//! `dev_mail`: the development mailbox, where mails go when no SMTP server is set.

use sqlx::PgExecutor;
use time::OffsetDateTime;

pub struct NewDevMail<'a> {
    pub outbox_mail_id: Option<i64>,
    pub message_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub raw: &'a [u8],
}

pub async fn insert(exec: impl PgExecutor<'_>, m: &NewDevMail<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO dev_mail (outbox_mail_id, message_id, from_address, to_address, reply_to,
                              subject, text_body, html_body, raw)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING id
        "#,
        m.outbox_mail_id,
        m.message_id,
        m.from,
        m.to,
        m.reply_to,
        m.subject,
        m.text,
        m.html,
        m.raw
    )
    .fetch_one(exec)
    .await
}

pub struct Row {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub received_at: OffsetDateTime,
}

/// The newest mails first, optionally only those to one address.
pub async fn list(
    exec: impl PgExecutor<'_>,
    to: Option<&str>,
    limit: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT id, to_address, subject, received_at FROM dev_mail
        WHERE ($1::text IS NULL OR to_address = $1)
        ORDER BY received_at DESC, id DESC LIMIT $2
        "#,
        to,
        limit
    )
    .fetch_all(exec)
    .await
}

pub struct Full {
    pub id: i64,
    pub message_id: String,
    pub from_address: String,
    pub to_address: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub received_at: OffsetDateTime,
}

pub async fn get(exec: impl PgExecutor<'_>, id: i64) -> Result<Option<Full>, sqlx::Error> {
    sqlx::query_as!(
        Full,
        r#"
        SELECT id, message_id, from_address, to_address, reply_to, subject, text_body,
               html_body, received_at
        FROM dev_mail WHERE id = $1
        "#,
        id
    )
    .fetch_optional(exec)
    .await
}
