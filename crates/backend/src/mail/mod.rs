//! Outgoing mail: building multipart messages from a run's template, and the two ways
//! they leave (SMTP through the relay's pooled connections, or the dev mailbox). The outbox
//! worker (`outbox`) decides when; this module decides what a mail looks like.

pub mod dev_mailbox;
mod kind;
pub mod outbox;
pub mod smtp;

pub use kind::{MailKind, MailStatus};

use crate::Settings;
use crate::db::run_recipient::MailContext;
use datacheck_core::domain::{MailValues, Template, escape};
use datacheck_core::wire::{MailPreview, display_name};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use smtp::SmtpRelay;
use time::OffsetDateTime;

/// Where mails go.
pub enum Transport {
    Smtp(SmtpRelay),
    /// Development without SMTP: stored in `dev_mail` for the staff dev mailbox.
    DevMailbox,
}

impl Transport {
    /// SMTP when a URL is given, else the dev mailbox.
    pub fn from_url(url: Option<&str>) -> Result<Transport, String> {
        match url {
            Some(u) => Ok(Transport::Smtp(SmtpRelay::from_url(u)?)),
            None => Ok(Transport::DevMailbox),
        }
    }
}

/// Checks `DATACHECK_SMTP_URL` at start-up without connecting.
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    SmtpRelay::from_url(url).map(|_| ())
}

/// A mail ready to be turned into a MIME message.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    /// The complete HTML document.
    pub html: String,
    pub message_id: String,
    /// The one-click unsubscribe address (RFC 8058), for mails to a contact.
    pub list_unsubscribe: Option<String>,
}

impl Outgoing {
    pub fn message(&self) -> Result<lettre::Message, String> {
        let mut b = lettre::Message::builder()
            .from(self.from.clone())
            .to(self.to.clone())
            .subject(self.subject.clone())
            .message_id(Some(self.message_id.clone()))
            .date_now();
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        if let Some(url) = &self.list_unsubscribe {
            // Mail clients show an "unsubscribe" button; the POST needs no page (RFC 8058).
            b = b
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        b.multipart(MultiPart::alternative_plain_html(
            self.text.clone(),
            self.html.clone(),
        ))
        .map_err(|e| format!("building the message: {e}"))
    }
}

/// A mailbox from a display name and an address; the name is quoted by lettre.
pub fn mailbox(name: Option<&str>, address: &str) -> Result<Mailbox, String> {
    let address = address
        .parse()
        .map_err(|_| format!("`{address}` is not a valid e-mail address"))?;
    Ok(Mailbox::new(
        name.filter(|n| !n.trim().is_empty()).map(str::to_string),
        address,
    ))
}

/// The link's last moment in words: the deadline day when the link lives to the end of
/// the run's valid-to day, else the exact time (the 8-day limit came first).
pub fn valid_until_text(
    expires_at: OffsetDateTime,
    tz: &jiff::tz::TimeZone,
    language: &str,
) -> String {
    let whole = expires_at.replace_nanosecond(0).unwrap_or(expires_at);
    let (Some(end), Some(last)) = (
        crate::local_time::zoned(whole, tz),
        crate::local_time::zoned(whole - time::Duration::seconds(1), tz),
    ) else {
        return expires_at.to_string();
    };
    let end_of_day = last.hour() == 23 && last.minute() == 59 && last.second() == 59;
    match (language, end_of_day) {
        ("en", true) => last.strftime("%-d %B %Y").to_string(),
        ("en", false) => end.strftime("%-d %B %Y, %H:%M").to_string(),
        (_, true) => last.strftime("%-d-%-m-%Y").to_string(),
        (_, false) => end.strftime("%-d-%-m-%Y %H:%M").to_string(),
    }
}

/// The values a run mail fills its placeholders with.
pub fn values_for(ctx: &MailContext, link: String, settings: &Settings) -> MailValues {
    MailValues {
        salutation: ctx.salutation.clone().unwrap_or_default(),
        name: display_name(
            ctx.kind,
            ctx.first_name.as_deref(),
            ctx.last_name_prefix.as_deref(),
            ctx.last_name.as_deref(),
            ctx.organisation_name.as_deref(),
        )
        .unwrap_or_default(),
        company: ctx.company_name.clone(),
        link,
        valid_until: valid_until_text(ctx.expires_at, &settings.time_zone, &ctx.language),
    }
}

/// The personal link of a recipient: a token sealed now with the active key.
pub fn portal_link(settings: &Settings, recipient_id: i64, expires_at: OffsetDateTime) -> String {
    let token = settings.link_keys.seal(
        link_token::Purpose::Portal,
        link_token::Claims {
            subject: recipient_id as u64,
            expires_at: expires_at.unix_timestamp(),
        },
    );
    format!("{}/c/{token}", settings.public_url)
}

/// Subject, text and HTML content of a template in one language, or its problems.
pub fn render(
    subject: &str,
    body: &str,
    values: &MailValues,
) -> Result<(String, String, String), String> {
    let subject = Template::parse_subject(subject).map_err(problems)?;
    let body = Template::parse_body(body).map_err(problems)?;
    Ok((
        subject.render_text(values),
        body.render_text(values),
        body.render_html(values),
    ))
}

fn problems(p: Vec<datacheck_core::domain::TemplateProblem>) -> String {
    p.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The footer line of a mail's HTML: why the reader gets it and, for a mail to a
/// contact, the link to their subscriptions. The wizard's preview shows the same line,
/// so it carries no inline style (the staff pages' CSP refuses those).
pub fn footer_html(language: &str, company: &str, preferences: Option<&str>) -> String {
    let mut footer = if language == "en" {
        format!(
            "You receive this e-mail because you are a customer of {}.",
            escape(company)
        )
    } else {
        format!(
            "U ontvangt deze e-mail omdat u klant bent bij {}.",
            escape(company)
        )
    };
    if let Some(url) = preferences {
        footer.push_str(&format!(
            " <a href=\"{}\">{}</a>",
            escape(url),
            preferences_words(language)
        ));
    }
    footer
}

/// The HTML document around a mail's content: the company's name on top, the content
/// on a white card, a short footer. Inline styles: mail clients ignore style sheets.
pub fn html_document(
    language: &str,
    company: &str,
    subject: &str,
    content: &str,
    preferences: Option<&str>,
) -> String {
    let footer = footer_html(language, company, preferences)
        .replace("<a href=", "<a style=\"color:#4b5563\" href=");
    let content = content.replace(
        "<a href=",
        "<a style=\"color:#1d4ed8;font-weight:600;word-break:break-all\" href=",
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{subject}</title></head>\
<body style=\"margin:0;padding:0;background:#f3f4f6\">\
<div style=\"max-width:560px;margin:0 auto;padding:24px 16px;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2937\">\
<p style=\"margin:0 0 16px;font-size:18px;font-weight:700\">{company}</p>\
<div style=\"background:#ffffff;border-radius:8px;padding:24px\">\n{content}\n</div>\
<p style=\"margin:16px 0 0;font-size:13px;color:#4b5563\">{footer}</p>\
</div></body></html>",
        lang = if language == "en" { "en" } else { "nl" },
        subject = escape(subject),
        company = escape(company),
    )
}

fn preferences_words(language: &str) -> &'static str {
    if language == "en" {
        "Manage your subscriptions"
    } else {
        "Uw abonnementen beheren"
    }
}

/// The plain-text footer that carries the preferences link.
pub fn preferences_footer(language: &str, url: &str) -> String {
    format!("\n\n--\n{}: {url}\n", preferences_words(language))
}

/// A preview as the wizard and the dev mailbox show it.
pub fn preview(o: &Outgoing, content_html: String) -> MailPreview {
    MailPreview {
        from: o.from.to_string(),
        reply_to: o
            .reply_to
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        to: o.to.to_string(),
        subject: o.subject.clone(),
        text: o.text.clone(),
        html: content_html,
    }
}

/// Builds the mail for one outbox row of a run.
pub fn run_mail(
    settings: &Settings,
    ctx: &MailContext,
    kind: MailKind,
    message_id: &str,
) -> Result<Outgoing, String> {
    let link = portal_link(settings, ctx.recipient_id, ctx.expires_at);
    let values = values_for(ctx, link, settings);
    // A reminder has its own subject and an opening line above the first mail's text.
    let t = if kind == MailKind::Reminder {
        ctx.templates.reminder_for(&ctx.language)
    } else {
        ctx.templates.for_language(&ctx.language).clone()
    };
    let (subject, mut text, content) = render(&t.subject, &t.body, &values)?;
    // Every mail to a contact carries their lasting preferences link, and the same
    // token for one-click unsubscribe.
    let preferences = ctx
        .preference_link_id
        .map(|id| crate::consent::preference_urls(settings, id));
    if let Some(urls) = &preferences {
        text.push_str(&preferences_footer(&ctx.language, &urls.page));
    }
    let html = html_document(
        &ctx.language,
        &ctx.company_name,
        &subject,
        &content,
        preferences.as_ref().map(|u| u.page.as_str()),
    );
    Ok(Outgoing {
        from: mailbox(Some(&ctx.sender_name), &ctx.sender_email)?,
        reply_to: Some(mailbox(None, &ctx.reply_to)?),
        to: mailbox(None, &ctx.email)?,
        subject,
        text,
        html,
        message_id: message_id.to_string(),
        list_unsubscribe: preferences.map(|u| u.unsubscribe),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn valid_until_names_the_deadline_day_or_the_exact_end() {
        let tz = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
        // Midnight in Amsterdam (winter): the link lives through 30 November.
        let end_of_day = datetime!(2026-11-30 23:00 UTC);
        assert_eq!(valid_until_text(end_of_day, &tz, "nl"), "30-11-2026");
        assert_eq!(valid_until_text(end_of_day, &tz, "en"), "30 November 2026");
        // Cut short by the 8-day limit: the time matters.
        let capped = datetime!(2026-12-01 11:06 UTC);
        assert_eq!(valid_until_text(capped, &tz, "nl"), "1-12-2026 12:06");
        assert_eq!(
            valid_until_text(capped, &tz, "en"),
            "1 December 2026, 12:06"
        );
    }
}
