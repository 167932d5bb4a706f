//! Data check runs: the wizard's drafts (each step checked and saved), issuing links and
//! queueing mails when a run is sent, reminders, cancelling, and what the overview and
//! the run page show. Mail content and delivery are `server::mail`'s job.
//!
//! Every step is checked here whatever the browser checked, and sending checks every
//! step again: a draft saved before the catalogue or the register changed cannot send
//! something the wizard would now refuse.

use crate::Error;
use crate::audit::{self, Actor};
use crate::auth::Staff;
use crate::db::{self, contact::ListFilter, run_recipient::Selection};
use crate::mail::{MailKind, MailStatus};
use crate::{AppState, Settings, mail};
use datacheck_core::domain::{CustomerNo, Email, MailValues, Template, Text, normalize};
use datacheck_core::error::{AppError, FieldMessage};
use datacheck_core::wire::RunStatus;
use datacheck_core::wire::mutations::AnswerKind;
use datacheck_core::wire::{
    CompanyId, CompanyRef, FieldDef, FieldRule, FieldRuleRow, MailPreview, MailTemplate,
    PreviewContact, RecipientFilter, RecipientSummary, RunDefaults, RunDraft, RunId, RunProgress,
    RunTemplates, UnreachableContact, display_name,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Links live at most this long after they were issued (SPEC §4).
pub const LINK_LIFETIME_DAYS: i64 = 8;
/// A list of customer numbers holds at most this many.
pub const LIST_MAX: usize = 100_000;

// ---------------------------------------------------------------------------------
// Dates

fn today(settings: &Settings) -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(settings.time_zone.clone())
        .date()
}

fn to_time_date(d: jiff::civil::Date) -> Result<time::Date, Error> {
    let doing = "converting a date to the time crate";
    let month = time::Month::try_from(d.month() as u8).map_err(|e| Error::failed(doing, e))?;
    time::Date::from_calendar_date(d.year() as i32, month, d.day() as u8)
        .map_err(|e| Error::failed(doing, e))
}

fn to_jiff_date(d: time::Date) -> Result<jiff::civil::Date, Error> {
    jiff::civil::Date::new(d.year() as i16, d.month() as i8, d.day() as i8)
        .map_err(|e| Error::failed("converting a date to jiff", e))
}

fn parse_date(field: &str, raw: &str) -> Result<jiff::civil::Date, Error> {
    raw.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| AppError::invalid(field, "Enter a date as YYYY-MM-DD.").into())
}

/// The first instant after the valid-to day in the organisation's time zone.
pub fn end_of_day(settings: &Settings, day: time::Date) -> Result<OffsetDateTime, Error> {
    let doing = "finding the end of a day in the organisation's time zone";
    let next = to_jiff_date(day)?
        .tomorrow()
        .map_err(|e| Error::failed(doing, e))?
        .to_zoned(settings.time_zone.clone())
        .map_err(|e| Error::failed(doing, e))?;
    OffsetDateTime::from_unix_timestamp(next.timestamp().as_second())
        .map_err(|e| Error::failed("converting the end of a day to a timestamp", e))
}

/// When a link issued at `now` dies: the end of the valid-to day, or 8 days, whichever
/// comes first.
pub fn link_expiry(
    settings: &Settings,
    valid_to: time::Date,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, Error> {
    Ok(end_of_day(settings, valid_to)?.min(now + time::Duration::days(LINK_LIFETIME_DAYS)))
}

// ---------------------------------------------------------------------------------
// Step 1: configuration

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

struct CheckedConfig {
    company: CompanyId,
    company_name: String,
    name: String,
    valid_to: time::Date,
    sender_name: String,
    sender_email: String,
    reply_to: String,
}

async fn check_config(
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
    let today = today(&state.settings);
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
        Ok(d) => Some(to_time_date(d)?),
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

fn name_taken_error() -> AppError {
    AppError::invalid(
        "name",
        "A run with this name exists already: choose another name.",
    )
}

pub async fn defaults(state: &AppState, staff: &Staff) -> Result<RunDefaults, Error> {
    let companies = db::company::refs_in_scope(&state.pool, &staff.scope).await?;
    let valid_to = today(&state.settings).saturating_add(jiff::Span::new().days(7));
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
async fn editable_draft(
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

fn not_draft() -> AppError {
    AppError::Conflict("This run has been sent: it cannot be changed any more.".into())
}

async fn audit_step(
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

// ---------------------------------------------------------------------------------
// Step 2: recipients

#[derive(Clone, Debug, Default)]
pub struct RecipientsForm {
    pub mode: String,
    pub kind: String,
    pub city: String,
    pub q: String,
    pub confirmed_before: String,
    pub list: String,
    /// The mail is marketing: contacts who withdrew e-marketing consent are left out.
    pub marketing: bool,
}

/// Customer numbers from pasted text or a file: one per line, or separated by commas,
/// semicolons or spaces; duplicates dropped; every problem reported with its line.
pub fn parse_customer_numbers(raw: &str) -> Result<Vec<String>, Error> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        for part in line
            .split([',', ';', '\t', ' '])
            .map(|p| p.trim().trim_matches('"'))
            .filter(|p| !p.is_empty())
        {
            match CustomerNo::parse(part) {
                Ok(n) => {
                    if seen.insert(n.as_str().to_string()) {
                        out.push(n.as_str().to_string());
                    }
                }
                Err(e) if problems.len() < 10 => {
                    problems.push(format!("line {}: “{part}”: {e}", i + 1));
                }
                Err(_) => {}
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid(
            "list",
            format!(
                "Some customer numbers are not valid: {}",
                problems.join("; ")
            ),
        )
        .into());
    }
    if out.is_empty() {
        return Err(
            AppError::invalid("list", "Paste or upload at least one customer number.").into(),
        );
    }
    if out.len() > LIST_MAX {
        return Err(AppError::invalid(
            "list",
            format!(
                "A list holds at most {LIST_MAX} customer numbers (now {}).",
                out.len()
            ),
        )
        .into());
    }
    Ok(out)
}

fn check_filter(f: &RecipientsForm) -> Result<RecipientFilter, Error> {
    let blank = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    let kind = match blank(&f.kind).as_deref() {
        None => None,
        Some(k @ ("person" | "organisation")) => Some(k.to_string()),
        Some(_) => return Err(AppError::invalid("kind", "Choose person or organisation.").into()),
    };
    let q = blank(&f.q).map(|q| normalize(&q));
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::invalid("q", "Search for at most 100 characters.").into());
    }
    let confirmed_before = match blank(&f.confirmed_before) {
        None => None,
        Some(d) => Some(parse_date("confirmed_before", &d)?.to_string()),
    };
    Ok(RecipientFilter {
        kind,
        city: blank(&f.city).map(|c| normalize(&c)),
        q,
        confirmed_before,
    })
}

pub async fn save_recipients(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    f: &RecipientsForm,
) -> Result<(), Error> {
    let run = editable_draft(state, staff, id).await?;
    let (mode, filter, list) = match f.mode.as_str() {
        "filter" => ("filter", check_filter(f)?, Vec::new()),
        "list" => (
            "list",
            RecipientFilter::default(),
            parse_customer_numbers(&f.list)?,
        ),
        _ => {
            return Err(
                AppError::invalid("mode", "Choose filters or a list of customer numbers.").into(),
            );
        }
    };
    let mut tx = state.pool.begin().await?;
    if !db::run::update_recipients(&mut *tx, id.0, mode, &filter, &list, f.marketing).await? {
        return Err(Error::from(not_draft()));
    }
    audit_step(&mut *tx, &staff.actor(), &run, "recipients").await?;
    tx.commit().await?;
    Ok(())
}

/// The run's selection as SQL wants it. The filter's parts were checked when saved;
/// they are read back through the same types.
struct OwnedSelection {
    filter: ListFilter,
    confirmed_before: Option<OffsetDateTime>,
    list: Option<Vec<String>>,
}

impl OwnedSelection {
    fn of(settings: &Settings, run: &db::run::Full) -> Result<Self, Error> {
        let f = &run.recipient_filter.0;
        let confirmed_before = match &f.confirmed_before {
            Some(d) => {
                let d = to_time_date(parse_date("confirmed_before", d)?)?;
                // "before the 1st" means nothing confirmed from the start of the 1st.
                Some(end_of_day(
                    settings,
                    d.previous_day().ok_or_else(|| {
                        AppError::invalid("confirmed_before", "Choose a later date.")
                    })?,
                )?)
            }
            None => None,
        };
        Ok(OwnedSelection {
            filter: ListFilter {
                company: Some(run.company_id),
                kind: match f.kind.as_deref() {
                    Some("person") => Some("person"),
                    Some("organisation") => Some("organisation"),
                    _ => None,
                },
                city: f.city.clone(),
                has_email: None,
                text: f.q.clone(),
            },
            confirmed_before,
            list: (run.recipient_mode == "list").then(|| run.recipient_list.clone()),
        })
    }

    fn selection(&self) -> Selection<'_> {
        match &self.list {
            Some(l) => Selection::List(l),
            None => Selection::Filter {
                filter: &self.filter,
                confirmed_before: self.confirmed_before,
            },
        }
    }
}

fn brief_name(b: &db::run_recipient::ContactBrief) -> String {
    display_name(
        b.kind,
        b.first_name.as_deref(),
        b.last_name_prefix.as_deref(),
        b.last_name.as_deref(),
        b.organisation_name.as_deref(),
    )
    .unwrap_or_else(|| "(no name)".into())
}

pub async fn recipient_summary(
    state: &AppState,
    staff: &Staff,
    id: RunId,
) -> Result<RecipientSummary, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    summary_of(state, &run).await
}

async fn summary_of(state: &AppState, run: &db::run::Full) -> Result<RecipientSummary, Error> {
    let owned = OwnedSelection::of(&state.settings, run)?;
    let sel = owned.selection();
    let counts =
        db::run_recipient::counts(&state.pool, run.company_id, &sel, run.marketing).await?;
    let unreachable =
        db::run_recipient::briefs(&state.pool, run.company_id, &sel, false, false, 100)
            .await?
            .into_iter()
            .map(|b| UnreachableContact {
                id: b.id,
                name: brief_name(&b),
                customer_no: b.customer_no.clone(),
                reason: if b.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
                    "No e-mail address".into()
                } else {
                    "The e-mail address is not valid".into()
                },
            })
            .collect();
    let sample =
        db::run_recipient::briefs(&state.pool, run.company_id, &sel, true, run.marketing, 20)
            .await?
            .into_iter()
            .map(|b| PreviewContact {
                id: b.id,
                name: brief_name(&b),
                customer_no: b.customer_no,
                language: b.language,
            })
            .collect();
    let unknown_numbers = match &owned.list {
        Some(l) => db::run_recipient::unknown_numbers(&state.pool, run.company_id, l).await?,
        None => Vec::new(),
    };
    Ok(RecipientSummary {
        selected: counts.selected,
        reachable: counts.reachable,
        dutch: counts.dutch,
        english: counts.english,
        unreachable,
        unreachable_total: counts.selected
            - counts.reachable
            - if run.marketing { counts.withdrawn } else { 0 },
        withdrawn: counts.withdrawn,
        marketing: run.marketing,
        unknown_numbers,
        sample,
    })
}

// ---------------------------------------------------------------------------------
// Step 3: e-mail

/// Both languages' subject and body, every problem at its field
/// (`nl_subject`, `nl_body`, `en_subject`, `en_body`).
pub fn check_templates(t: &RunTemplates) -> Result<(), Error> {
    let mut problems = Vec::new();
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
    let templates = RunTemplates {
        nl: clean(templates.nl),
        en: clean(templates.en),
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
fn preview_link(settings: &Settings) -> String {
    format!("{}/c/personal-link-appears-here", settings.public_url)
}

/// A run's mail for a sample recipient, as the preview and the test mail show it: the
/// template rendered with placeholder links, its text ending with the preferences
/// footer every run mail carries.
struct SampleMail {
    to: String,
    subject: String,
    text: String,
    /// The rendered body, without the document around it.
    content: String,
    /// The placeholder for the preferences link: it opens nothing.
    preferences: String,
}

async fn sample_mail(
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
/// subject and body (the form's current text) or the saved ones.
pub async fn preview(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    contact_id: Option<i64>,
    language: &str,
    draft: Option<MailTemplate>,
) -> Result<MailPreview, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let language = if language == "en" { "en" } else { "nl" };
    let template = draft.unwrap_or_else(|| run.templates.0.for_language(language).clone());
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

async fn preview_values(
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

// ---------------------------------------------------------------------------------
// Step 4: data fields

/// The most a customer may do with a field, from the catalogue.
pub fn max_rule(f: &FieldDef) -> FieldRule {
    if !f.customer_visible {
        FieldRule::Hidden
    } else if !f.customer_editable || f.locked() {
        FieldRule::ReadOnly
    } else {
        FieldRule::Editable
    }
}

/// What a new run proposes: what the catalogue allows for every field customers see.
pub fn default_rules(catalogue: &[FieldDef]) -> BTreeMap<String, String> {
    catalogue
        .iter()
        .filter(|f| max_rule(f) != FieldRule::Hidden)
        .map(|f| (f.key.clone(), max_rule(f).as_str().to_string()))
        .collect()
}

/// Checks rules against the catalogue: unknown fields and rules beyond what the
/// catalogue allows are refused, never quietly lowered.
pub fn check_rules(
    catalogue: &[FieldDef],
    rules: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Error> {
    let mut problems = Vec::new();
    let mut out = BTreeMap::new();
    for (key, raw) in rules {
        let Some(def) = catalogue.iter().find(|f| &f.key == key) else {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: format!("There is no field “{key}” in the catalogue."),
            });
            continue;
        };
        let Some(rule) = FieldRule::parse(raw) else {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: "Choose hidden, read-only or editable.".into(),
            });
            continue;
        };
        let max = max_rule(def);
        if rule > max {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: format!(
                    "{}: the field catalogue allows at most “{}”.",
                    def.label_en,
                    max.label().to_lowercase()
                ),
            });
            continue;
        }
        if rule != FieldRule::Hidden {
            out.insert(key.clone(), rule.as_str().to_string());
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Fields(problems).into());
    }
    if out.is_empty() {
        return Err(AppError::invalid(
            "rules",
            "Show at least one field: a customer page with nothing on it helps nobody.",
        )
        .into());
    }
    Ok(out)
}

pub struct FieldsForm {
    pub rules: BTreeMap<String, String>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
}

pub async fn save_fields(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    f: &FieldsForm,
) -> Result<(), Error> {
    let run = editable_draft(state, staff, id).await?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    let rules = check_rules(&catalogue, &f.rules)?;
    let mut tx = state.pool.begin().await?;
    let saved = db::run::update_fields(
        &mut *tx,
        id.0,
        &db::run::Fields {
            rules: &rules,
            show_contact_persons: f.show_contact_persons,
            show_notifications: f.show_notifications,
            show_subscriptions: f.show_subscriptions,
        },
    )
    .await?;
    if !saved {
        return Err(Error::from(not_draft()));
    }
    audit_step(&mut *tx, &staff.actor(), &run, "data fields").await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// The draft as the wizard shows it

pub async fn draft(state: &AppState, staff: &Staff, id: RunId) -> Result<RunDraft, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    let fields = catalogue
        .iter()
        .map(|f| FieldRuleRow {
            key: f.key.clone(),
            label: f.label_en.clone(),
            builtin: f.builtin,
            rule: run
                .field_rules
                .0
                .get(&f.key)
                .and_then(|r| FieldRule::parse(r))
                .unwrap_or(FieldRule::Hidden),
            max: max_rule(f),
        })
        .collect();
    Ok(RunDraft {
        id,
        status: run.status,
        steps_done: run.steps_done,
        name: run.name.clone(),
        company: CompanyRef {
            id: CompanyId(run.company_id),
            name: run.company_name.clone(),
        },
        valid_to: run.valid_to.to_string(),
        sender_name: run.sender_name.clone(),
        sender_email: run.sender_email.clone(),
        reply_to: run.reply_to.clone(),
        recipient_mode: run.recipient_mode.clone(),
        filter: run.recipient_filter.0.clone(),
        recipient_list: run.recipient_list.join("\n"),
        templates: run.templates.0.clone(),
        fields,
        show_contact_persons: run.show_contact_persons,
        show_notifications: run.show_notifications,
        show_subscriptions: run.show_subscriptions,
        marketing: run.marketing,
    })
}

// ---------------------------------------------------------------------------------
// Step 5: sending

/// A run in scope, locked for the rest of `tx` and read under the lock, so two clicks
/// act once and every field is current.
async fn locked(
    tx: &mut sqlx::PgConnection,
    staff: &Staff,
    id: RunId,
) -> Result<db::run::Full, Error> {
    if !db::run::lock(&mut *tx, &staff.scope, id.0).await? {
        return Err(AppError::NotFound.into());
    }
    db::run::get(&mut *tx, &staff.scope, id.0)
        .await?
        .ok_or(Error::from(AppError::NotFound))
}

/// Sends a run: checks every step again, issues a link to each reachable recipient and
/// queues their mails, all in one transaction. `expected` is the number of recipients
/// the person confirmed; if the register changed meanwhile, nothing is sent and the new
/// number is reported.
pub async fn send(state: &AppState, staff: &Staff, id: RunId, expected: i64) -> Result<i64, Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if run.status != RunStatus::Draft {
        return Err(AppError::Conflict("This run has been sent already.".into()).into());
    }
    if run.steps_done < 4 {
        return Err(AppError::Conflict(format!(
            "Complete step {} first: every step must be saved before sending.",
            run.steps_done + 1
        ))
        .into());
    }
    let now = OffsetDateTime::now_utc();
    if end_of_day(&state.settings, run.valid_to)? <= now {
        return Err(AppError::invalid(
            "valid_to",
            "The deadline has passed: choose a new valid-to date in step 1.",
        )
        .into());
    }
    check_templates(&run.templates.0)?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    check_rules(&catalogue, &run.field_rules.0).map_err(|_| {
        AppError::Conflict(
            "The field catalogue changed since step 4: check the data fields and save them again."
                .into(),
        )
    })?;
    for (field, addr) in [
        ("sender_email", &run.sender_email),
        ("reply_to", &run.reply_to),
    ] {
        mail::mailbox(None, addr).map_err(|e| AppError::invalid(field, e))?;
    }
    let owned = OwnedSelection::of(&state.settings, &run)?;
    let sel = owned.selection();
    let counts = db::run_recipient::counts(&mut *tx, run.company_id, &sel, run.marketing).await?;
    if counts.reachable == 0 {
        return Err(AppError::invalid(
            "recipients",
            "No selected contact has an e-mail address: choose other recipients in step 2.",
        )
        .into());
    }
    if counts.reachable != expected {
        return Err(AppError::Conflict(format!(
            "The register changed since you checked: {} contacts would now receive the mail, not {expected}. Check the summary and send again.",
            counts.reachable
        )).into());
    }
    let expires_at = link_expiry(&state.settings, run.valid_to, now)?;
    let issued = db::run_recipient::issue(
        &mut tx,
        run.id,
        run.company_id,
        &sel,
        run.marketing,
        state.settings.link_keys.active_id() as i16,
        expires_at,
        &message_id_domain(&state.settings),
    )
    .await?;
    db::run::mark_sending(&mut *tx, run.id, staff.id.0, expires_at).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.sent",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "recipients": issued, "name": run.name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(issued as i64)
}

pub async fn progress(state: &AppState, staff: &Staff, id: RunId) -> Result<RunProgress, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = db::outbox_mail::progress(&state.pool, id.0, MailKind::Invitation).await?;
    Ok(RunProgress {
        status: db::run::display_status(run.status, run.links_expire_at, OffsetDateTime::now_utc())
            .to_string(),
        queued: p.queued,
        sent: p.sent,
        failed: p.failed,
        cancelled: p.cancelled,
    })
}

/// Cancels a run: queued mails never go out and every link stops working at once.
pub async fn cancel(state: &AppState, staff: &Staff, id: RunId) -> Result<(), Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if run.status == RunStatus::Cancelled {
        return Err(AppError::Conflict("This run is cancelled already.".into()).into());
    }
    let mails = db::outbox_mail::cancel_for_run(&mut *tx, id.0).await?;
    let links = db::run_recipient::revoke_all(&mut *tx, id.0).await?;
    db::run::mark_cancelled(&mut *tx, id.0, staff.id.0).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.cancelled",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "mails_not_sent": mails, "links_revoked": links, "was": run.status }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues reminders to everyone who has not responded, while the run's links live.
/// `expected` is the number the person confirmed.
pub async fn remind(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    expected: i64,
) -> Result<i64, Error> {
    let mut tx = state.pool.begin().await?;
    let run = locked(&mut tx, staff, id).await?;
    if !matches!(run.status.as_str(), "sending" | "sent")
        || run
            .links_expire_at
            .is_some_and(|at| at <= OffsetDateTime::now_utc())
    {
        return Err(AppError::Conflict(
            "Reminders can only be sent while the run's links are valid.".into(),
        )
        .into());
    }
    let now_remindable = db::run_recipient::remindable(&mut *tx, id.0).await?;
    if now_remindable == 0 {
        return Err(AppError::Conflict(
            "Everyone has responded or has a reminder on its way: there is nobody to remind."
                .into(),
        )
        .into());
    }
    if now_remindable != expected {
        return Err(AppError::Conflict(format!(
            "The numbers changed since you looked: {now_remindable} recipients would get a reminder now, not {expected}. Confirm again."
        )).into());
    }
    let queued =
        db::run_recipient::queue_reminders(&mut *tx, id.0, &message_id_domain(&state.settings))
            .await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "run.reminded",
            subject_type: "run",
            subject_id: Some(run.id.to_string()),
            company_id: Some(CompanyId(run.company_id)),
            detail: serde_json::json!({ "reminders": queued }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(queued as i64)
}

// ---------------------------------------------------------------------------------
// Overview and run page

const PAGE_SIZE: i64 = 25;
/// The small chart covers at most this many days from sending.
const CHART_DAYS: i64 = 14;

fn encode_run_cursor(at: OffsetDateTime, id: i64) -> String {
    format!("{}.{id}", at.unix_timestamp_nanos())
}

fn decode_run_cursor(s: &str) -> Result<(OffsetDateTime, i64), Error> {
    let bad = || {
        AppError::invalid(
            "after",
            "This page link is damaged: start again from the first page.",
        )
    };
    let (at, id) = s.split_once('.').ok_or_else(bad)?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(at.parse().map_err(|_| bad())?)
        .map_err(|_| bad())?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// Days in the chart: from the sending day to today or the links' end, at most 14.
fn chart_days(
    settings: &Settings,
    sent_at: OffsetDateTime,
    until: Option<OffsetDateTime>,
) -> usize {
    let now = OffsetDateTime::now_utc();
    let end = until.map_or(now, |u| u.min(now));
    let tz = &settings.time_zone;
    let day = |t: OffsetDateTime| {
        jiff::Timestamp::from_second(t.unix_timestamp())
            .map(|ts| ts.to_zoned(tz.clone()).date())
            .ok()
    };
    match (day(sent_at), day(end)) {
        (Some(a), Some(b)) => {
            let span = (b - a).get_days() as i64;
            (span + 1).clamp(1, CHART_DAYS) as usize
        }
        _ => 1,
    }
}

pub async fn list(
    state: &AppState,
    staff: &Staff,
    q: &datacheck_core::wire::RunQuery,
) -> Result<datacheck_core::wire::RunPage, Error> {
    use crate::timefmt;
    use datacheck_core::wire::{RunPage, RunRow};
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let company = match q.company {
        Some(id) => Some(
            staff
                .scope
                .require(CompanyId(id))
                .map_err(|_| AppError::invalid("company", "There is no such company."))?
                .0,
        ),
        None => None,
    };
    let status = match blank(&q.status).as_deref() {
        None => None,
        Some("draft") => Some("draft"),
        Some("sending") => Some("sending"),
        Some("sent") => Some("sent"),
        Some("expired") => Some("expired"),
        Some("cancelled") => Some("cancelled"),
        Some(_) => {
            return Err(AppError::invalid(
                "status",
                "Choose draft, sending, sent, expired or cancelled.",
            )
            .into());
        }
    };
    let text = blank(&q.q).map(|t| normalize(&t));
    let filter = db::run::ListFilter {
        company,
        status,
        text,
    };
    let from = match (blank(&q.after), blank(&q.before)) {
        (Some(a), _) => Some((decode_run_cursor(&a)?, false)),
        (None, Some(b)) => Some((decode_run_cursor(&b)?, true)),
        (None, None) => None,
    };
    let mut rows = db::run::list_page(&state.pool, &staff.scope, &filter, from, PAGE_SIZE).await?;
    let total = db::run::list_count(&state.pool, &staff.scope, &filter).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let backward = matches!(from, Some((_, true)));
    if more {
        if backward {
            rows.remove(0);
        } else {
            rows.pop();
        }
    }
    let (has_next, has_prev) = match from {
        None => (more, false),
        Some((_, false)) => (more, true),
        Some((_, true)) => (true, more),
    };
    let next = rows
        .last()
        .filter(|_| has_next)
        .map(|r| encode_run_cursor(r.created_at, r.id));
    let prev = rows
        .first()
        .filter(|_| has_prev)
        .map(|r| encode_run_cursor(r.created_at, r.id));
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let by_day =
        db::run::responses_by_day(&state.pool, &ids, &state.settings.time_zone_name).await?;
    let now = OffsetDateTime::now_utc();
    let tz = &state.settings.time_zone;
    Ok(RunPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let days = r
                    .sent_at
                    .map(|s| chart_days(&state.settings, s, r.links_expire_at))
                    .unwrap_or(0);
                let mut per_day = vec![0i64; days];
                for (run, day, n) in &by_day {
                    if *run == r.id && *day >= 0 && (*day as usize) < days {
                        per_day[*day as usize] = *n;
                    }
                }
                RunRow {
                    id: RunId(r.id),
                    status: db::run::display_status(r.status, r.links_expire_at, now).to_string(),
                    name: r.name,
                    company: r.company_name,
                    sent_on: r.sent_at.map(|t| timefmt::date(t, tz)),
                    valid_to: format_date(r.valid_to),
                    recipients: r.recipients,
                    changed: r.changed,
                    unchanged: r.unchanged,
                    responses_per_day: per_day,
                }
            })
            .collect(),
        total,
        next,
        prev,
    })
}

/// `30-11-2026`, as staff read dates.
pub fn format_date(d: time::Date) -> String {
    format!("{:02}-{:02}-{}", d.day(), d.month() as u8, d.year())
}

pub async fn view(
    state: &AppState,
    staff: &Staff,
    id: RunId,
) -> Result<datacheck_core::wire::RunView, Error> {
    use crate::timefmt;
    use datacheck_core::wire::{Funnel, RunView};
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let tz = &state.settings.time_zone;
    let p = db::outbox_mail::progress(&state.pool, id.0, MailKind::Invitation).await?;
    let reminders = db::outbox_mail::progress(&state.pool, id.0, MailKind::Reminder).await?;
    let f = db::run_recipient::funnel(&state.pool, id.0).await?;
    let status = db::run::display_status(run.status, run.links_expire_at, now).to_string();
    let remindable = if matches!(status.as_str(), "sending" | "sent") {
        db::run_recipient::remindable(&state.pool, id.0).await?
    } else {
        0
    };
    let per_day = match run.sent_at {
        Some(sent) => {
            let days = chart_days(&state.settings, sent, run.links_expire_at);
            let mut v = vec![0i64; days];
            for (_, day, n) in
                db::run::responses_by_day(&state.pool, &[id.0], &state.settings.time_zone_name)
                    .await?
            {
                if day >= 0 && (day as usize) < days {
                    v[day as usize] = n;
                }
            }
            v
        }
        None => Vec::new(),
    };
    Ok(RunView {
        id,
        name: run.name,
        company: CompanyRef {
            id: CompanyId(run.company_id),
            name: run.company_name,
        },
        progress: RunProgress {
            status: status.clone(),
            queued: p.queued,
            sent: p.sent,
            failed: p.failed,
            cancelled: p.cancelled,
        },
        status,
        valid_to: format_date(run.valid_to),
        sent_on: run.sent_at.map(|t| timefmt::date_time(t, tz)),
        sent_by: run.sent_by_name,
        links_expire: run.links_expire_at.map(|t| timefmt::date_time(t, tz)),
        cancelled_on: run.cancelled_at.map(|t| timefmt::date_time(t, tz)),
        funnel: Funnel {
            recipients: f.recipients,
            sent: p.sent,
            failed: p.failed,
            opened: f.opened,
            responded: f.changed + f.unchanged,
            changed: f.changed,
            unchanged: f.unchanged,
        },
        remindable,
        reminders_sent: reminders.sent + reminders.queued,
        responses_per_day: per_day,
    })
}

pub async fn recipients(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    after: Option<&str>,
    state_filter: Option<&str>,
) -> Result<datacheck_core::wire::RunRecipientPage, Error> {
    use datacheck_core::wire::{RunRecipientPage, RunRecipientRow};
    db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let after_id = match after.map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => a.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "after",
                "This page link is damaged: start again from the first page.",
            )
        })?,
        None => 0,
    };
    let filter = match state_filter.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("failed" | "waiting" | "opened" | "responded")) => Some(s),
        Some(_) => {
            return Err(
                AppError::invalid("state", "Choose failed, waiting, opened or responded.").into(),
            );
        }
    };
    let limit = 50;
    let mut rows = db::run_recipient::page(&state.pool, id.0, after_id, filter, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|r| r.id.to_string());
    let tz = &state.settings.time_zone;
    Ok(RunRecipientPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let (state, detail) = if r.revoked_at.is_some() {
                    ("revoked", None)
                } else if let Some(resp) = &r.response {
                    (
                        if *resp == AnswerKind::Changed {
                            "changed"
                        } else {
                            "unchanged"
                        },
                        r.responded_at.map(|t| crate::timefmt::date_time(t, tz)),
                    )
                } else if let Some(o) = r.opened_at {
                    ("opened", Some(crate::timefmt::date_time(o, tz)))
                } else {
                    // No invitation row yet counts as queued: sending writes them
                    // in the same transaction as the links, so this is a moment.
                    match r.mail_status {
                        Some(MailStatus::Failed) => ("failed", r.last_error.clone()),
                        Some(MailStatus::Sent) => ("sent", None),
                        Some(MailStatus::Cancelled) => ("cancelled", None),
                        Some(MailStatus::Queued) | None => ("queued", None),
                    }
                };
                RunRecipientRow {
                    id: r.id,
                    contact_id: r.contact_id,
                    name: display_name(
                        r.kind,
                        r.first_name.as_deref(),
                        r.last_name_prefix.as_deref(),
                        r.last_name.as_deref(),
                        r.organisation_name.as_deref(),
                    )
                    .unwrap_or_default(),
                    customer_no: r.customer_no,
                    email: r.email,
                    language: r.language,
                    state: state.to_string(),
                    detail,
                }
            })
            .collect(),
        next,
        prev: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn links_die_at_the_end_of_the_valid_to_day_in_the_organisations_zone() {
        let s = Settings::for_unit_tests();
        // Summer time: the day ends at 22:00 UTC.
        assert_eq!(
            end_of_day(&s, date!(2026 - 07 - 01)).unwrap(),
            datetime!(2026-07-01 22:00 UTC)
        );
        // Winter time: at 23:00 UTC.
        assert_eq!(
            end_of_day(&s, date!(2026 - 12 - 01)).unwrap(),
            datetime!(2026-12-01 23:00 UTC)
        );
        // The day clocks go back (25 hours long) still ends at local midnight.
        assert_eq!(
            end_of_day(&s, date!(2026 - 10 - 25)).unwrap(),
            datetime!(2026-10-25 23:00 UTC)
        );
    }

    #[test]
    fn links_never_live_longer_than_eight_days() {
        let s = Settings::for_unit_tests();
        let now = datetime!(2026-11-23 12:00 UTC);
        assert_eq!(
            link_expiry(&s, date!(2026 - 11 - 25), now).unwrap(),
            datetime!(2026-11-25 23:00 UTC)
        );
        assert_eq!(
            link_expiry(&s, date!(2026 - 12 - 31), now).unwrap(),
            datetime!(2026-12-01 12:00 UTC)
        );
    }

    #[test]
    fn a_token_issued_for_a_run_opens_until_one_second_before_its_expiry() {
        let s = Settings::for_unit_tests();
        let now = datetime!(2026-11-23 12:00 UTC);
        let exp = link_expiry(&s, date!(2026 - 11 - 25), now).unwrap();
        let link = mail::portal_link(&s, 7, exp);
        let token = link.rsplit('/').next().unwrap();
        let open = |at: OffsetDateTime| {
            s.link_keys
                .open(link_token::Purpose::Portal, token, at.unix_timestamp())
        };
        assert_eq!(open(exp - time::Duration::seconds(1)).unwrap().subject, 7);
        assert!(matches!(
            open(exp + time::Duration::seconds(1)),
            Err(link_token::OpenError::Expired(_))
        ));
    }

    #[test]
    fn customer_number_lists_accept_lines_commas_and_quotes_and_drop_duplicates() {
        assert_eq!(
            parse_customer_numbers("K1\r\nK2, K3;\"K4\"\n\nK1\tK5").unwrap(),
            vec!["K1", "K2", "K3", "K4", "K5"]
        );
        assert!(parse_customer_numbers(" \n ").is_err());
    }
}
