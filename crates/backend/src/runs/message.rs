//! Step 3, the e-mail: templates in both languages, the preview and the test mail.

use super::*;

/// Both languages' subject and body, and the reminder's subject and opening line,
/// every problem at its field (`nl_subject`, `nl_body`, `nl_reminder_subject`,
/// `nl_reminder_opening`, and the same for `en`). A blank reminder subject is the first
/// mail's, marked as a reminder.
pub fn check_templates(t: &RunTemplates) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (lang, r) in [("nl", &t.reminder.nl), ("en", &t.reminder.en)] {
        let subject = match r.subject.trim() {
            "" => Ok(()),
            s => Template::parse_subject(s).map(drop),
        };
        for (field, result) in [
            ("reminder_subject", subject),
            (
                "reminder_opening",
                Template::parse_opening(&r.opening).map(drop),
            ),
        ] {
            for p in result.err().unwrap_or_default() {
                problems.push(FieldMessage {
                    field: format!("{lang}_{field}"),
                    message: p.to_string(),
                });
            }
        }
    }
    for (lang, m) in [("nl", &t.nl), ("en", &t.en)] {
        if let Err(ps) = Template::parse_subject(&m.subject) {
            for p in ps {
                problems.push(FieldMessage {
                    field: format!("{lang}_subject"),
                    message: p.to_string(),
                });
            }
        }
        if let Err(ps) = Template::parse_body(&m.body) {
            for p in ps {
                problems.push(FieldMessage {
                    field: format!("{lang}_body"),
                    message: p.to_string(),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Fields(problems).into())
    }
}

pub async fn save_email(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    templates: RunTemplates,
) -> Result<(), Error> {
    let run = editable_draft(state, staff, id).await?;
    let clean = |m: MailTemplate| MailTemplate {
        subject: m.subject.trim().to_string(),
        body: m.body.replace("\r\n", "\n").trim().to_string(),
    };
    let wording = |r: ReminderWording| ReminderWording {
        subject: r.subject.trim().to_string(),
        opening: r.opening.trim().to_string(),
    };
    let templates = RunTemplates {
        nl: clean(templates.nl),
        en: clean(templates.en),
        reminder: ReminderTemplates {
            nl: wording(templates.reminder.nl),
            en: wording(templates.reminder.en),
        },
    };
    check_templates(&templates)?;
    let mut tx = state.pool.begin().await?;
    if !db::run::update_templates(&mut *tx, id.0, &templates).await? {
        return Err(Error::from(not_draft()));
    }
    audit_step(&mut *tx, &staff.actor(), &run, "e-mail").await?;
    tx.commit().await?;
    Ok(())
}

/// The placeholder for the link in previews and test mails: it opens nothing.
pub(super) fn preview_link(settings: &Settings) -> String {
    format!("{}/c/personal-link-appears-here", settings.public_url)
}

/// A run's mail for a sample recipient, as the preview and the test mail show it: the
/// template rendered with placeholder links, its text ending with the preferences
/// footer every run mail carries.
pub(super) struct SampleMail {
    to: String,
    subject: String,
    text: String,
    /// The rendered body, without the document around it.
    content: String,
    /// The placeholder for the preferences link: it opens nothing.
    preferences: String,
}

pub(super) async fn sample_mail(
    state: &AppState,
    run: &db::run::Full,
    contact_id: Option<i64>,
    language: &str,
    template: &MailTemplate,
) -> Result<SampleMail, Error> {
    let (to, values) = preview_values(state, run, contact_id, language).await?;
    let (subject, mut text, content) = mail::render(&template.subject, &template.body, &values)
        .map_err(|e| AppError::invalid(&format!("{language}_body"), e))?;
    let preferences = format!(
        "{}/p/preferences-link-appears-here",
        state.settings.public_url
    );
    text.push_str(&mail::preferences_footer(language, &preferences));
    Ok(SampleMail {
        to,
        subject,
        text,
        content,
        preferences,
    })
}

/// The mail as `contact` would receive it if the run were sent now, from the given
/// subject and body (the form's current text) or the saved ones; with `reminder`
/// wording, the reminder.
pub async fn preview(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    contact_id: Option<i64>,
    language: &str,
    draft: Option<MailTemplate>,
    reminder: Option<ReminderWording>,
) -> Result<MailPreview, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let language = if language == "en" { "en" } else { "nl" };
    let first = draft.unwrap_or_else(|| run.templates.0.for_language(language).clone());
    let template = match reminder {
        None => first,
        Some(wording) => {
            // The reminder as it would be built from this text: one language is enough.
            let text = RunTemplates {
                nl: first.clone(),
                en: first,
                reminder: ReminderTemplates {
                    nl: wording.clone(),
                    en: wording,
                },
            };
            text.reminder_for(language)
        }
    };
    let SampleMail {
        to,
        subject,
        text,
        content,
        preferences,
    } = sample_mail(state, &run, contact_id, language, &template).await?;
    // The footer as every run mail ends: why the reader gets it, and the preferences
    // link (a placeholder here, like the personal link).
    let footer = mail::footer_html(language, &run.company_name, Some(&preferences));
    Ok(MailPreview {
        from: mail::mailbox(Some(&run.sender_name), &run.sender_email)
            .map(|m| m.to_string())
            .unwrap_or_default(),
        reply_to: run.reply_to.clone(),
        to,
        subject,
        text,
        html: format!("{content}\n<p class=\"mail-footer\">{footer}</p>"),
    })
}

pub(super) async fn preview_values(
    state: &AppState,
    run: &db::run::Full,
    contact_id: Option<i64>,
    language: &str,
) -> Result<(String, MailValues), Error> {
    let contact = match contact_id {
        Some(cid) => Some(
            db::contact::get(&state.pool, &crate::scope::CompanyScope::all(), cid)
                .await?
                .filter(|c| c.company_id == run.company_id)
                .ok_or_else(|| {
                    AppError::invalid("contact", "That contact is not in this run's company.")
                })?,
        ),
        None => None,
    };
    let expires = link_expiry(&state.settings, run.valid_to, OffsetDateTime::now_utc())?;
    let values = MailValues {
        salutation: contact
            .as_ref()
            .and_then(|c| c.salutation.clone())
            .unwrap_or_default(),
        name: contact
            .as_ref()
            .and_then(|c| {
                display_name(
                    c.kind,
                    c.first_name.as_deref(),
                    c.last_name_prefix.as_deref(),
                    c.last_name.as_deref(),
                    c.organisation_name.as_deref(),
                )
            })
            .unwrap_or_else(|| {
                if language == "en" {
                    "customer"
                } else {
                    "klant"
                }
                .into()
            }),
        company: run.company_name.clone(),
        link: preview_link(&state.settings),
        valid_until: mail::valid_until_text(expires, &state.settings.time_zone, language),
    };
    let to = contact
        .and_then(|c| c.email)
        .unwrap_or_else(|| "(recipient)".into());
    Ok((to, values))
}

/// Queues the mail as `contact` would receive it to the signed-in staff user, marked
/// as a test; its link opens nothing.
pub async fn send_test(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    contact_id: Option<i64>,
    language: &str,
) -> Result<String, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let language = if language == "en" { "en" } else { "nl" };
    let template = run.templates.0.for_language(language).clone();
    let SampleMail {
        subject,
        text,
        content,
        preferences,
        ..
    } = sample_mail(state, &run, contact_id, language, &template).await?;
    let subject = format!("[Test] {subject}");
    let html = mail::html_document(
        language,
        &run.company_name,
        &subject,
        &content,
        Some(&preferences),
    );
    let from = mail::mailbox(Some(&run.sender_name), &run.sender_email)
        .map_err(|e| AppError::invalid("sender_email", e))?;
    let mut tx = state.pool.begin().await?;
    db::outbox_mail::insert_content(
        &mut *tx,
        MailKind::Test,
        Some(run.id),
        &staff.email,
        &db::outbox_mail::Content {
            from: from.to_string(),
            reply_to: run.reply_to.clone(),
            subject,
            text,
            html,
        },
        &message_id_domain(&state.settings),
    )
    .await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.test_mail",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "language": language }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(staff.email.clone())
}

/// The right-hand side of Message-IDs: the sender domain of the deployment.
pub fn message_id_domain(settings: &Settings) -> String {
    settings
        .mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "datacheck.invalid".into())
}
