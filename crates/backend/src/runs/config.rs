//! Step 1, configuration: name, company, deadline, sender and reply-to; a new draft starts here.

use super::*;

/// Step 1 as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct ConfigForm {
    pub name: String,
    pub company: String,
    pub valid_to: String,
    pub sender_name: String,
    pub sender_email: String,
    pub reply_to: String,
}

pub(super) struct CheckedConfig {
    company: CompanyId,
    company_name: String,
    name: String,
    valid_to: time::Date,
    sender_name: String,
    sender_email: String,
    reply_to: String,
}

pub(super) async fn check_config(
    state: &AppState,
    staff: &Staff,
    f: &ConfigForm,
) -> Result<CheckedConfig, Error> {
    let mut problems = Vec::new();
    let mut push = |field: &str, message: String| {
        problems.push(FieldMessage {
            field: field.into(),
            message,
        })
    };
    let name = Text::parse(&f.name, 120).map_err(|e| push("name", e.0.clone()));
    let company = match f.company.trim().parse::<i64>() {
        Ok(id) if staff.scope.allows(CompanyId(id)) => {
            db::company::name_in_scope(&state.pool, &staff.scope, CompanyId(id))
                .await?
                .map(|n| (CompanyId(id), n))
        }
        _ => None,
    };
    if company.is_none() {
        push("company", "Choose one of your companies.".into());
    }
    let today = local_time::today(&state.settings.time_zone);
    let valid_to = match parse_date("valid_to", &f.valid_to) {
        Err(e) => {
            push("valid_to", e.to_string());
            None
        }
        Ok(d) if d < today => {
            push(
                "valid_to",
                "The deadline cannot be in the past: choose today or later.".into(),
            );
            None
        }
        Ok(d) if d > today.saturating_add(jiff::Span::new().days(366)) => {
            push("valid_to", "Choose a deadline within a year.".into());
            None
        }
        Ok(d) => Some(local_time::to_time_date(d)?),
    };
    let sender_name = match f.sender_name.trim() {
        "" => company.as_ref().map(|(_, n)| n.clone()).ok_or(()),
        raw => Text::parse(raw, 100)
            .map(|t| t.as_str().to_string())
            .map_err(|e| {
                push("sender_name", e.0);
            }),
    };
    let sender_email = match f.sender_email.trim() {
        "" => Ok(state.settings.mail_from.clone()),
        raw => Email::parse(raw)
            .map(|e| e.as_str().to_string())
            .map_err(|e| push("sender_email", e.0)),
    };
    let reply_to = match f.reply_to.trim() {
        "" => Ok(staff.email.clone()),
        raw => Email::parse(raw)
            .map(|e| e.as_str().to_string())
            .map_err(|e| push("reply_to", e.0)),
    };
    if !problems.is_empty() {
        return Err(AppError::Fields(problems).into());
    }
    // Every refused field pushed a problem: past this point each one is there.
    let missing = || {
        Error::failed(
            "checking a run's configuration",
            "a field was refused silently",
        )
    };
    let (company, company_name) = company.ok_or_else(missing)?;
    Ok(CheckedConfig {
        company,
        company_name,
        name: name.map_err(|_| missing())?.as_str().to_string(),
        valid_to: valid_to.ok_or_else(missing)?,
        sender_name: sender_name.map_err(|_| missing())?,
        sender_email: sender_email.map_err(|_| missing())?,
        reply_to: reply_to.map_err(|_| missing())?,
    })
}

pub(super) fn name_taken_error() -> AppError {
    AppError::invalid(
        "name",
        "A run with this name exists already: choose another name.",
    )
}

pub async fn defaults(state: &AppState, staff: &Staff) -> Result<RunDefaults, Error> {
    let companies = db::company::refs_in_scope(&state.pool, &staff.scope).await?;
    let valid_to =
        local_time::today(&state.settings.time_zone).saturating_add(jiff::Span::new().days(7));
    Ok(RunDefaults {
        companies,
        valid_to: valid_to.to_string(),
        sender_email: state.settings.mail_from.clone(),
        reply_to: staff.email.clone(),
    })
}

/// Step 1 of a new run: creates the draft with the starter mail and the catalogue's
/// default field rules.
pub async fn create(state: &AppState, staff: &Staff, f: &ConfigForm) -> Result<RunId, Error> {
    let c = check_config(state, staff, f).await?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    let rules = default_rules(&catalogue);
    let mut tx = state.pool.begin().await?;
    let id = db::run::insert_draft(
        &mut *tx,
        &db::run::NewDraft {
            company_id: c.company.0,
            name: &c.name,
            valid_to: c.valid_to,
            sender_name: &c.sender_name,
            sender_email: &c.sender_email,
            reply_to: &c.reply_to,
            templates: &RunTemplates::starter(),
            field_rules: &rules,
            created_by: Some(staff.id.0),
        },
    )
    .await?
    .map_err(|db::run::NameTaken| name_taken_error())?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.created",
            subject_type: "run",
            subject_id: Some(id.to_string()),
            company_id: Some(c.company),
            detail: serde_json::json!({ "name": c.name, "company": c.company_name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(RunId(id))
}

/// A draft in scope, or why it cannot be edited.
pub(super) async fn editable_draft(
    state: &AppState,
    staff: &Staff,
    id: RunId,
) -> Result<db::run::Full, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status != RunStatus::Draft {
        return Err(AppError::Conflict(
            "This run has been sent: it cannot be changed any more.".into(),
        )
        .into());
    }
    Ok(run)
}

pub(super) fn not_draft() -> AppError {
    AppError::Conflict("This run has been sent: it cannot be changed any more.".into())
}

pub(super) async fn audit_step(
    exec: impl sqlx::PgExecutor<'_>,
    actor: &Actor,
    run: &db::run::Full,
    step: &str,
) -> Result<(), Error> {
    audit::record(
        exec,
        actor,
        audit::Event {
            action: "run.draft_saved",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "step": step }),
        },
    )
    .await?;
    Ok(())
}

pub async fn save_config(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    f: &ConfigForm,
) -> Result<(), Error> {
    let run = editable_draft(state, staff, id).await?;
    let c = check_config(state, staff, f).await?;
    let mut tx = state.pool.begin().await?;
    let saved = db::run::update_config(
        &mut *tx,
        id.0,
        &db::run::Config {
            company_id: c.company.0,
            name: &c.name,
            valid_to: c.valid_to,
            sender_name: &c.sender_name,
            sender_email: &c.sender_email,
            reply_to: &c.reply_to,
        },
    )
    .await?
    .map_err(|db::run::NameTaken| name_taken_error())?;
    if !saved {
        return Err(Error::from(not_draft()));
    }
    audit_step(&mut *tx, &staff.actor(), &run, "configuration").await?;
    tx.commit().await?;
    Ok(())
}
