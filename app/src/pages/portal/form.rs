//! The form: the contact's fields, each with its own message, and the subscription choices.

use super::*;

#[component]
pub(super) fn FormStep(
    view: PortalView,
    answer: Answer,
    problems: Vec<AnswerProblem>,
) -> impl IntoView {
    let l = locale(&view.language);
    let shared = StoredValue::new(view.clone());
    // Read-only fields without a value tell the customer nothing: they are left out.
    let (editable, read_only): (Vec<PortalField>, Vec<PortalField>) = view
        .fields
        .iter()
        .filter(|f| f.editable || f.value.is_some())
        .cloned()
        .partition(|f| f.editable);
    let has_problems = !problems.is_empty();
    let problems = StoredValue::new(problems);
    let answer = StoredValue::new(answer);
    let greeting = td_string!(l, greeting, name = view.name.clone());
    let intro = td_string!(
        l,
        intro,
        company = view.company.clone(),
        valid_until = view.valid_until.clone()
    );
    view! {
        <form id="portal-form" method="post" action=view.action.clone() novalidate=true data-testid="portal-form">
            {steering(&view)}
            // Enter in a text box reviews the changes (the first submit button counts).
            <button type="submit" name="intent" value="review" class="visually-hidden" tabindex="-1" aria-hidden="true"></button>
            <section class="portal-card portal-intro" data-testid="portal-open">
                <h1>{greeting}</h1>
                <p>{intro}</p>
            </section>
            {has_problems.then(|| view! {
                <div class="portal-alert" role="alert" data-testid="portal-problems">{td!(l, errors_summary)}</div>
            })}
            <section class="portal-card" aria-labelledby="details-h">
                <h2 id="details-h">{td!(l, section_details)}</h2>
                {editable.into_iter().map(|f| {
                    let raw = answer.with_value(|a| a.fields.get(&f.key).cloned()).unwrap_or_default();
                    let problem = problems.with_value(|p| problem_for(p, &format!("f.{}", f.key)).cloned());
                    view! { <FieldInput field=f raw problem l shared /> }
                }).collect_view()}
                {(!read_only.is_empty()).then(|| view! {
                    <dl class="portal-fields portal-read-only">
                        {read_only.into_iter().map(|f| {
                            let shown = f.value.as_deref()
                                .map(|v| text::field_value(l, &view, f.field_type, v))
                                .unwrap_or_else(|| td_string!(l, empty_value).to_string());
                            view! {
                                <div class="portal-field" data-key=f.key.clone()>
                                    <dt>{f.label.clone()}</dt>
                                    <dd>{shown}</dd>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                    <p class="portal-note">{td!(l, read_only_note)}</p>
                })}
            </section>
            {view.persons.clone().map(|persons| view! {
                <PersonsSection persons notifications=view.notifications l answer problems />
            })}
            {view.subscriptions.clone().map(|subs| {
                let ticked = answer.with_value(|a| a.subscriptions.clone()).unwrap_or_default();
                let consent = answer.with_value(|a| a.consent.clone()).unwrap_or(subs.consent.clone());
                view! {
                    <section class="portal-card" aria-labelledby="subs-h" data-testid="portal-subscriptions">
                        <h2 id="subs-h">{td!(l, section_subscriptions)}</h2>
                        <input type="hidden" name="subs" value="1" />
                        {subscription_fieldsets(l, &view.company, subs.types.into_iter().map(|t| SubscriptionChoice { subscribed: ticked.contains(&t.key), ..t }).collect(), &consent)}
                    </section>
                }
            })}
            <section class="portal-card portal-finish" aria-labelledby="finish-h">
                <h2 id="finish-h">{td!(l, finish_title)}</h2>
                <p>{td!(l, finish_hint)}</p>
                <div class="portal-actions">
                    <button type="submit" name="intent" value="review" class="button button-primary portal-button" data-testid="portal-review">
                        {td!(l, btn_review)}
                    </button>
                    <button type="submit" name="intent" value="all_correct" class="button portal-button" data-testid="portal-all-correct">
                        {td!(l, btn_all_correct)}
                    </button>
                </div>
            </section>
        </form>
    }
}

/// The subscription checkboxes and the e-marketing question, as the customer page and
/// the preferences page both ask them; a type's box starts checked when `subscribed`.
pub(super) fn subscription_fieldsets(
    l: Locale,
    company: &str,
    types: Vec<SubscriptionChoice>,
    consent: &str,
) -> impl IntoView + use<> {
    let consent_text = td_string!(l, consent_text, company = company.to_string());
    view! {
        <fieldset class="portal-choices">
            <legend>{td!(l, subscriptions_intro)}</legend>
            {types.into_iter().map(|t| {
                let id = format!("sub-{}", t.key);
                let desc_id = format!("{id}-d");
                view! {
                    <div class="portal-check">
                        <input type="checkbox" id=id.clone() name=format!("sub.{}", t.key)
                            checked=t.subscribed aria-describedby=desc_id.clone() />
                        <label for=id>
                            <span class="portal-check-name">{t.name}</span>
                            <span class="portal-hint" id=desc_id>{t.description}</span>
                        </label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <fieldset class="portal-choices">
            <legend>{td!(l, consent_legend)}</legend>
            <p class="portal-hint">{consent_text}</p>
            <div class="portal-radio-row">
                <label class="portal-radio">
                    <input type="radio" name="consent" value="given" checked=consent == "given" />
                    {td!(l, consent_given)}
                </label>
                <label class="portal-radio">
                    <input type="radio" name="consent" value="withdrawn" checked=consent == "withdrawn" />
                    {td!(l, consent_withdrawn)}
                </label>
            </div>
        </fieldset>
    }
}

/// Input attributes that make phones offer the right keyboard and autofill.
pub(super) fn input_kind(
    key: &str,
    ty: FieldType,
) -> (&'static str, &'static str, Option<&'static str>) {
    match (key, ty) {
        (_, FieldType::Email) => ("email", "email", None),
        ("mobile", FieldType::Phone) => ("tel", "tel", None),
        (_, FieldType::Phone) => ("tel", "tel", None),
        (_, FieldType::PostalCode) => ("text", "postal-code", None),
        ("first_name", _) => ("text", "given-name", None),
        ("last_name", _) => ("text", "family-name", None),
        ("organisation_name", _) => ("text", "organization", None),
        ("street", _) => ("text", "address-line1", None),
        ("city", _) => ("text", "address-level2", None),
        ("house_number", _) => ("text", "off", Some("text")),
        ("salutation", _) => ("text", "honorific-prefix", None),
        (_, FieldType::Date) => ("text", "off", Some("numeric")),
        _ => ("text", "off", None),
    }
}

pub(super) fn hint(l: Locale, ty: FieldType) -> Option<&'static str> {
    match ty {
        FieldType::Email => Some(td_string!(l, hint_email)),
        FieldType::Phone => Some(td_string!(l, hint_phone)),
        FieldType::PostalCode => Some(td_string!(l, hint_postal_code)),
        FieldType::Date => Some(td_string!(l, hint_date)),
        FieldType::Country => Some(td_string!(l, hint_country)),
        _ => None,
    }
}

/// One editable contact field: label, input, hint, and its message, which the
/// browser updates as the customer types once the page is hydrated.
#[component]
pub(super) fn FieldInput(
    field: PortalField,
    raw: String,
    problem: Option<datacheck_core::domain::Problem>,
    l: Locale,
    shared: StoredValue<PortalView>,
) -> impl IntoView {
    let name = format!("f.{}", field.key);
    let id = format!("f-{}", field.key);
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let message = RwSignal::new(problem.as_ref().map(|p| problem_text(l, p)));
    let key = field.key.clone();
    let check = move |value: String| {
        let key = key.clone();
        shared.with_value(|v| check_field_input(v, &key, &value).map(|p| problem_text(l, &p)))
    };
    let check_on_change = check.clone();
    let hint_text = hint(l, field.field_type);
    let described = {
        let mut ids = Vec::new();
        if hint_text.is_some() {
            ids.push(hint_id.clone());
        }
        ids.push(err_id.clone());
        ids.join(" ")
    };
    let (kind, autocomplete, inputmode) = input_kind(&field.key, field.field_type);
    let label = view! {
        <label for=id.clone()>
            {field.label.clone()}
            {field.required.then(|| view! { <span class="portal-required">" ("{td!(l, required_mark)}")"</span> })}
        </label>
    };
    let control = match field.field_type {
        FieldType::Language | FieldType::YesNo | FieldType::Choice => {
            let options: Vec<(String, String)> = match field.field_type {
                FieldType::Language => vec![
                    ("nl".into(), td_string!(l, value_lang_nl).into()),
                    ("en".into(), td_string!(l, value_lang_en).into()),
                ],
                FieldType::YesNo => vec![
                    ("yes".into(), text::yes_no(l, true)),
                    ("no".into(), text::yes_no(l, false)),
                ],
                _ => field
                    .choices
                    .iter()
                    .map(|c| {
                        (
                            c.nl.clone(),
                            if l == Locale::en {
                                c.en.clone()
                            } else {
                                c.nl.clone()
                            },
                        )
                    })
                    .collect(),
            };
            let current = raw.clone();
            Either::Left(view! {
                <select id=id.clone() name=name.clone() aria-describedby=described.clone()
                    aria-invalid=move || message.read().is_some().then_some("true")
                    on:change=move |ev| message.set(check_on_change(event_target_value(&ev)))>
                    {(!field.required).then(|| view! { <option value="">{td!(l, choose)}</option> })}
                    {options.into_iter().map(|(value, shown)| {
                        let selected = value == current;
                        view! { <option value=value selected=selected>{shown}</option> }
                    }).collect_view()}
                </select>
            })
        }
        _ => {
            let check_on_input = check.clone();
            Either::Right(view! {
                <input id=id.clone() name=name.clone() type=kind value=raw autocomplete=autocomplete
                    inputmode=inputmode
                    aria-describedby=described.clone()
                    aria-invalid=move || message.read().is_some().then_some("true")
                    aria-required=field.required.then_some("true")
                    // Checked when the customer leaves the field, then while typing
                    // until it is right: no message before they are done.
                    on:change=move |ev| message.set(check_on_change(event_target_value(&ev)))
                    on:input=move |ev| {
                        if message.read_untracked().is_some() {
                            message.set(check_on_input(event_target_value(&ev)));
                        }
                    } />
            })
        }
    };
    view! {
        <div class="portal-input" data-key=field.key.clone()>
            {label}
            {hint_text.map(|h| view! { <p class="portal-hint" id=hint_id.clone()>{h}</p> })}
            {control}
            <p class="field-error" id=err_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}
