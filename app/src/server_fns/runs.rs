//! Server functions of data check runs: the wizard's steps, sending, progress,
//! reminders and cancelling, the overview and the run page. Every function checks the
//! caller and the run's company against their scope (`server::runs` does the rest).

// A server function's arguments are its form's fields, one each.
#![allow(clippy::too_many_arguments)]

use datacheck_core::error::AppError;
use datacheck_core::wire::{
    MailPreview, RecipientSummary, RunDefaults, RunDraft, RunId, RunPage, RunProgress, RunQuery,
    RunRecipientPage, RunView,
};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server(endpoint = "runs/defaults")]
pub async fn load_run_defaults() -> Result<RunDefaults, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::defaults(&state, &staff).await?)
}

/// Step 1 of a new run; answers the new run's id.
#[server(endpoint = "runs/create")]
pub async fn create_run(
    #[server(default)] name: String,
    #[server(default)] company: String,
    #[server(default)] valid_to: String,
    #[server(default)] sender_name: String,
    #[server(default)] sender_email: String,
    #[server(default)] reply_to: String,
) -> Result<RunId, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let form = runs::ConfigForm {
        name,
        company,
        valid_to,
        sender_name,
        sender_email,
        reply_to,
    };
    Ok(runs::create(&state, &staff, &form).await?)
}

#[server(endpoint = "runs/save_config")]
pub async fn save_run_config(
    id: i64,
    #[server(default)] name: String,
    #[server(default)] company: String,
    #[server(default)] valid_to: String,
    #[server(default)] sender_name: String,
    #[server(default)] sender_email: String,
    #[server(default)] reply_to: String,
) -> Result<RunId, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let form = runs::ConfigForm {
        name,
        company,
        valid_to,
        sender_name,
        sender_email,
        reply_to,
    };
    runs::save_config(&state, &staff, RunId(id), &form).await?;
    Ok(RunId(id))
}

#[server(endpoint = "runs/save_recipients")]
pub async fn save_run_recipients(
    id: i64,
    #[server(default)] mode: String,
    #[server(default)] kind: String,
    #[server(default)] city: String,
    #[server(default)] q: String,
    #[server(default)] confirmed_before: String,
    #[server(default)] list: String,
    #[server(default)] marketing: Option<String>,
) -> Result<RunId, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let form = runs::RecipientsForm {
        mode,
        kind,
        city,
        q,
        confirmed_before,
        list,
        marketing: marketing.is_some(),
    };
    runs::save_recipients(&state, &staff, RunId(id), &form).await?;
    Ok(RunId(id))
}

#[server(endpoint = "runs/save_email")]
pub async fn save_run_email(
    id: i64,
    #[server(default)] nl_subject: String,
    #[server(default)] nl_body: String,
    #[server(default)] en_subject: String,
    #[server(default)] en_body: String,
    #[server(default)] nl_reminder_subject: String,
    #[server(default)] nl_reminder_opening: String,
    #[server(default)] en_reminder_subject: String,
    #[server(default)] en_reminder_opening: String,
) -> Result<RunId, AppError> {
    use backend::runs;
    use datacheck_core::wire::{MailTemplate, ReminderTemplates, ReminderWording, RunTemplates};
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let templates = RunTemplates {
        nl: MailTemplate {
            subject: nl_subject,
            body: nl_body,
        },
        en: MailTemplate {
            subject: en_subject,
            body: en_body,
        },
        reminder: ReminderTemplates {
            nl: ReminderWording {
                subject: nl_reminder_subject,
                opening: nl_reminder_opening,
            },
            en: ReminderWording {
                subject: en_reminder_subject,
                opening: en_reminder_opening,
            },
        },
    };
    runs::save_email(&state, &staff, RunId(id), templates).await?;
    Ok(RunId(id))
}

/// Step 4: `rules[key]` per catalogue field; check boxes arrive only when ticked.
#[server(endpoint = "runs/save_fields")]
pub async fn save_run_fields(
    id: i64,
    #[server(default)] rules: BTreeMap<String, String>,
    #[server(default)] show_contact_persons: Option<String>,
    #[server(default)] show_notifications: Option<String>,
    #[server(default)] show_subscriptions: Option<String>,
) -> Result<RunId, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let form = runs::FieldsForm {
        rules,
        show_contact_persons: show_contact_persons.is_some(),
        show_notifications: show_notifications.is_some(),
        show_subscriptions: show_subscriptions.is_some(),
    };
    runs::save_fields(&state, &staff, RunId(id), &form).await?;
    Ok(RunId(id))
}

#[server(endpoint = "runs/draft")]
pub async fn load_run_draft(id: i64) -> Result<RunDraft, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::draft(&state, &staff, RunId(id)).await?)
}

#[server(endpoint = "runs/summary")]
pub async fn load_recipient_summary(id: i64) -> Result<RecipientSummary, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::recipient_summary(&state, &staff, RunId(id)).await?)
}

/// The mail for `contact` in `language`, from the given text or the saved template.
#[server(endpoint = "runs/preview")]
pub async fn preview_mail(
    id: i64,
    #[server(default)] contact: Option<i64>,
    #[server(default)] language: String,
    #[server(default)] subject: Option<String>,
    #[server(default)] body: Option<String>,
    /// The reminder's subject and opening line: the preview shows the reminder.
    #[server(default)]
    reminder_subject: Option<String>,
    #[server(default)] reminder_opening: Option<String>,
) -> Result<MailPreview, AppError> {
    use backend::runs;
    use datacheck_core::wire::{MailTemplate, ReminderWording};
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    let draft = match (subject, body) {
        (Some(subject), Some(body)) => Some(MailTemplate { subject, body }),
        _ => None,
    };
    let reminder = reminder_subject.map(|subject| ReminderWording {
        subject,
        opening: reminder_opening.unwrap_or_default(),
    });
    Ok(runs::preview(
        &state,
        &staff,
        RunId(id),
        contact,
        &language,
        draft,
        reminder,
    )
    .await?)
}

/// Sends the saved template to the signed-in user; answers their address.
#[server(endpoint = "runs/test_mail")]
pub async fn send_test_mail(
    id: i64,
    #[server(default)] contact: Option<i64>,
    #[server(default)] language: String,
) -> Result<String, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::send_test(&state, &staff, RunId(id), contact, &language).await?)
}

/// Sends the run to the `expected` number of recipients the person confirmed.
#[server(endpoint = "runs/send")]
pub async fn send_run(
    id: i64,
    expected: i64,
    /// Reminders to plan, in days after sending ("3, 6"); empty for none.
    #[server(default)]
    reminders: String,
) -> Result<i64, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::send(&state, &staff, RunId(id), expected, &reminders).await?)
}

/// Removes a planned reminder that has not gone out.
#[server(endpoint = "runs/remove_reminder")]
pub async fn remove_planned_reminder(id: i64, reminder: i64) -> Result<(), AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::remove_planned(&state, &staff, RunId(id), reminder).await?)
}

#[server(endpoint = "runs/progress")]
pub async fn load_run_progress(id: i64) -> Result<RunProgress, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::progress(&state, &staff, RunId(id)).await?)
}

#[server(endpoint = "runs/cancel")]
pub async fn cancel_run(id: i64) -> Result<(), AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::cancel(&state, &staff, RunId(id)).await?)
}

#[server(endpoint = "runs/remind")]
pub async fn send_reminders(
    id: i64,
    expected: i64,
    /// The ticked recipients; none means everyone who has not answered.
    #[server(default)]
    recipients: Vec<i64>,
) -> Result<i64, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::remind(&state, &staff, RunId(id), expected, &recipients).await?)
}

#[server(endpoint = "runs/list")]
pub async fn list_runs(#[server(default)] query: RunQuery) -> Result<RunPage, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::list(&state, &staff, &query).await?)
}

#[server(endpoint = "runs/view")]
pub async fn load_run(id: i64) -> Result<RunView, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::view(&state, &staff, RunId(id)).await?)
}

#[server(endpoint = "runs/recipients")]
pub async fn list_run_recipients(
    id: i64,
    #[server(default)] after: Option<String>,
    #[server(default)] state_filter: Option<String>,
) -> Result<RunRecipientPage, AppError> {
    use backend::runs;
    let state = crate::server_fns::caller::state()?;
    let staff = crate::server_fns::caller::require_staff().await?;
    Ok(runs::recipients(
        &state,
        &staff,
        RunId(id),
        after.as_deref(),
        state_filter.as_deref(),
    )
    .await?)
}
