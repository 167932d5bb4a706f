//! Step 2, recipients: a filter over the register or a list of customer numbers, counted as sending would.

use super::*;

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

pub(super) fn check_filter(f: &RecipientsForm) -> Result<RecipientFilter, Error> {
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
pub(super) struct OwnedSelection {
    filter: ListFilter,
    confirmed_before: Option<OffsetDateTime>,
    list: Option<Vec<String>>,
}

impl OwnedSelection {
    pub(super) fn of(settings: &Settings, run: &db::run::Full) -> Result<Self, Error> {
        let f = &run.recipient_filter.0;
        let confirmed_before = match &f.confirmed_before {
            Some(d) => {
                let d = local_time::to_time_date(parse_date("confirmed_before", d)?)?;
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

    pub(super) fn selection(&self) -> Selection<'_> {
        match &self.list {
            Some(l) => Selection::List(l),
            None => Selection::Filter {
                filter: &self.filter,
                confirmed_before: self.confirmed_before,
            },
        }
    }
}

pub(super) fn brief_name(b: &db::run_recipient::ContactBrief) -> String {
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

pub(super) async fn summary_of(
    state: &AppState,
    run: &db::run::Full,
) -> Result<RecipientSummary, Error> {
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
