//! The customer page as its customer sees it: the fields the run offers, the persons, subscriptions, and the answer already given.

use super::*;
use datacheck_core::domain::{CountryCode, FieldType, Phone};

/// What this link shows and may change, from the database, in one read (a form post's;
/// the page was opened before).
pub(super) async fn build_view(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    token: &str,
    language: Option<&str>,
) -> Result<PortalView, Error> {
    let (_, page) = db::portal_page::read(&state.pool, row.id, false, consent::E_MARKETING)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view_of(state, row, page, token, language))
}

/// The page's view of what was read, in the language asked for (else the link's).
pub(super) fn view_of(
    state: &AppState,
    row: &db::run_recipient::LinkRow,
    page: db::portal_page::PageData,
    token: &str,
    language: Option<&str>,
) -> PortalView {
    let tz = &state.settings.time_zone;
    let language = match language {
        Some("en") => "en",
        Some("nl") => "nl",
        _ => row.language.as_str(),
    }
    .to_string();
    let dutch = language == "nl";
    let k = &page.contact;
    let rules = &row.field_rules.0;
    let fields = page
        .catalogue
        .into_iter()
        .filter_map(|d| {
            let rule = rules.get(&d.key)?;
            // The catalogue may have tightened since the run was sent: the stricter wins.
            if !d.customer_visible {
                return None;
            }
            let editable = rule == "editable" && d.customer_editable && d.key != "customer_no";
            let value = k
                .value_of(&d.key, d.builtin, &page.attributes)
                .map(str::to_string);
            let field_type = d.field_type;
            let choices = d.choices;
            Some(PortalField {
                label: if dutch { d.label_nl } else { d.label_en },
                key: d.key,
                field_type,
                choices,
                value,
                editable,
                required: d.required,
            })
        })
        .collect();
    let persons =
        (row.show_contact_persons && k.kind == ContactKind::Organisation).then_some(page.persons);
    let subscriptions = row
        .show_subscriptions
        .then(|| consent::offered(page.subscription_types, page.consent_state, &language));
    let mut view = PortalView {
        action: format!("/c/{token}"),
        company: row.company_name.clone(),
        name: k.display_name(),
        valid_until: mail::valid_until_text(row.expires_at, tz, &language),
        language,
        country: k.country.clone(),
        fields,
        persons,
        notifications: row.show_notifications,
        subscriptions,
        submission_key: new_submission_key(),
        responded: None,
        written: Default::default(),
    };
    write_phones(&mut view, &[]);
    if let Some(latest) = page.latest {
        let changes: Vec<Change> = latest
            .changes
            .into_iter()
            .map(|c| Change {
                target: match (c.section, c.person_id, c.new_person) {
                    (Section::Person, Some(id), _) => ChangeTarget::Person(id),
                    (Section::Person, None, Some(i)) => ChangeTarget::NewPerson(i as usize),
                    (Section::Notification, Some(id), _) => ChangeTarget::Notification(id),
                    (Section::Notification, None, Some(i)) => {
                        ChangeTarget::NewNotification(i as usize)
                    }
                    (Section::Subscription, ..) => ChangeTarget::Subscription,
                    (Section::Consent, ..) => ChangeTarget::Consent,
                    // A person's change names the person or the one added (a table
                    // check); anything else is a field of the contact.
                    (Section::Field | Section::Person | Section::Notification, ..) => {
                        ChangeTarget::Field
                    }
                },
                key: c.field_key,
                old: c.dms_value,
                new: c.submitted_value,
            })
            .collect();
        write_phones(&mut view, &changes);
        view.responded = Some(Responded {
            at: moment(latest.created_at, tz, &view.language),
            changed: latest.kind == AnswerKind::Changed,
            changes: state.words.change_lines(&view, &changes),
        });
    }
    view
}

/// Writes the page's phone numbers, and those `changes` name, the way people of the
/// contact's country write them (`PortalView::written`).
pub(super) fn write_phones(view: &mut PortalView, changes: &[Change]) {
    let country = CountryCode::parse(&view.country).unwrap_or_else(|_| CountryCode::netherlands());
    let is_phone = |c: &Change| match c.target {
        ChangeTarget::Field => view
            .fields
            .iter()
            .any(|f| f.key == c.key && f.field_type == FieldType::Phone),
        _ => c.key == "phone",
    };
    let stored: Vec<String> = view
        .fields
        .iter()
        .filter(|f| f.field_type == FieldType::Phone)
        .filter_map(|f| f.value.clone())
        .chain(
            view.persons
                .iter()
                .flatten()
                .filter_map(|p| p.phone.clone()),
        )
        .chain(
            changes
                .iter()
                .filter(|c| is_phone(c))
                .flat_map(|c| [c.old.clone(), c.new.clone()])
                .flatten(),
        )
        .collect();
    for s in stored {
        if let Ok(phone) = Phone::parse(&s) {
            view.written.insert(s, phone.written(&country));
        }
    }
}

/// A moment in the organisation's time zone, the way the language writes it.
pub fn moment(at: OffsetDateTime, tz: &jiff::tz::TimeZone, language: &str) -> String {
    let Some(z) = crate::local_time::zoned(at, tz) else {
        return at.to_string();
    };
    if language == "en" {
        z.strftime("%-d %B %Y, %H:%M").to_string()
    } else {
        z.strftime("%-d-%-m-%Y om %H:%M").to_string()
    }
}
