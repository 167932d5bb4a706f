//! The customer page behind a personal link (`/c/{token}`): the form, the review, the
//! thanks, and the expired and invalid pages. It is plain HTML forms that post to the
//! server first: everything works before and without WebAssembly. Once hydrated, the
//! fields check what is typed with the server's own rules.
//!
//! The page never changes anything itself; the server decides every step (see
//! `server::portal`) and renders the page with it (`root::CustomerPage`).

#[cfg(feature = "hydrate")]
pub mod mount;
pub mod preferences;
pub mod root;
pub mod text;
pub mod unavailable;

use crate::i18n::{Locale, td, td_string};
use datacheck_core::domain::FieldType;
use datacheck_core::rules::answer::{check_field_input, problem_for};
use datacheck_core::wire::{
    Answer, AnswerProblem, ChangeLine, FreshLinkOutcome, PersonAnswer, PortalField, PortalState,
    PortalStep, PortalView, SubscriptionChoice,
};
use leptos::either::{Either, EitherOf3, EitherOf4, EitherOf5};
use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use text::{locale, problem_text};

/// The customer page as the server decided it (see `root::CustomerPage`).
#[component]
pub fn PortalPage(state: PortalState) -> impl IntoView {
    let page = match state {
        PortalState::Open(v, step) => EitherOf5::A(view! { <PortalOpen view=*v step /> }),
        PortalState::Expired {
            language,
            company,
            fresh_link,
            sent,
        } => EitherOf5::B(view! { <PortalExpired language company fresh_link sent /> }),
        PortalState::Refused { language, company } => {
            EitherOf5::C(view! { <PortalRefused language company /> })
        }
        PortalState::Throttled => EitherOf5::D(view! { <PortalThrottled /> }),
        PortalState::Invalid => EitherOf5::E(view! { <PortalInvalid /> }),
    };
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        {page}
    }
}

/// The frame of every portal page: language, the company at the top, the footer.
#[component]
fn Frame<S, C>(
    l: Locale,
    company: Option<String>,
    #[prop(into)] title: String,
    /// The language switch; `()` for a page without one.
    switch: S,
    children: TypedChildren<C>,
) -> impl IntoView
where
    S: IntoView + 'static,
    C: IntoView + 'static,
{
    let children = children.into_inner();
    view! {
        <Html attr:lang=text::code(l) />
        <Title text=title />
        <div class="portal-page">
            <header class="portal-top">
                <div class="portal-top-inner">
                    {company.map(|c| view! { <p class="portal-company">{c}</p> })}
                    {switch}
                </div>
            </header>
            <main class="portal" id="main">{children()}</main>
            <footer class="portal-footer">
                <p>{td!(l, footer)}</p>
            </footer>
        </div>
    }
}

/// Links to the same page in the other language (for pages without a form).
fn switch_links(l: Locale, extra: &'static str) -> impl IntoView + use<> {
    let other = match l {
        Locale::nl => Locale::en,
        Locale::en => Locale::nl,
    };
    let href = format!("?lang={}{extra}", text::code(other));
    view! {
        <nav class="portal-lang" aria-label=td_string!(l, lang_switch)>
            <a href=href lang=text::code(other) hreflang=text::code(other)>{td_string!(other, lang_self)}</a>
        </nav>
    }
}

/// A button that posts the form and shows it again in the other language, keeping
/// what was typed.
fn switch_button(l: Locale) -> impl IntoView + use<> {
    let other = match l {
        Locale::nl => Locale::en,
        Locale::en => Locale::nl,
    };
    view! {
        <div class="portal-lang" role="group" aria-label=td_string!(l, lang_switch)>
            <button type="submit" form="portal-form" class="link-button" name="switch_lang"
                value=text::code(other) lang=text::code(other)>
                {td_string!(other, lang_self)}
            </button>
        </div>
    }
}

#[component]
fn PortalOpen(view: PortalView, step: PortalStep) -> impl IntoView {
    let l = locale(&view.language);
    let company = Some(view.company.clone());
    let (title, step) = match step {
        PortalStep::Form { answer, problems } => (
            td_string!(l, page_title),
            EitherOf3::A(view! { <FormStep view answer problems /> }),
        ),
        PortalStep::Review { answer, changes } => (
            td_string!(l, review_title),
            EitherOf3::B(view! { <ReviewStep view answer changes /> }),
        ),
        PortalStep::Done => (
            td_string!(l, done_title),
            EitherOf3::C(view! { <DoneStep view /> }),
        ),
    };
    // The form's steps post their language switch with what was typed; the thanks
    // page has no form and links to itself.
    let switch = match &step {
        EitherOf3::C(_) => Either::Right(switch_links(l, "")),
        _ => Either::Left(switch_button(l)),
    };
    view! {
        <Frame l company title=title.to_string() switch>
            {step}
        </Frame>
    }
}

/// The steering inputs every form of the page carries.
fn steering(view: &PortalView) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="key" value=view.submission_key.clone() />
        <input type="hidden" name="lang" value=view.language.clone() />
    }
}

#[component]
fn FormStep(view: PortalView, answer: Answer, problems: Vec<AnswerProblem>) -> impl IntoView {
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
                                .map(|v| text::field_value(l, f.field_type, v))
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
fn subscription_fieldsets(
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
fn input_kind(key: &str, ty: FieldType) -> (&'static str, &'static str, Option<&'static str>) {
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

fn hint(l: Locale, ty: FieldType) -> Option<&'static str> {
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
fn FieldInput(
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

#[component]
fn PersonsSection(
    persons: Vec<datacheck_core::wire::PortalPerson>,
    notifications: bool,
    l: Locale,
    answer: StoredValue<Answer>,
    problems: StoredValue<Vec<AnswerProblem>>,
) -> impl IntoView {
    let existing = persons
        .into_iter()
        .map(|p| {
            let a = answer
                .with_value(|a| a.persons.get(&p.id).cloned())
                .unwrap_or_default();
            let name = p.name();
            view! {
                <PersonFields prefix=format!("p{}", p.id) legend=name person=a notifications l problems existing=true />
            }
        })
        .collect_view();
    let mut new_persons = answer.with_value(|a| a.new_persons.clone());
    if new_persons.is_empty() {
        new_persons.push(PersonAnswer::default());
    }
    let added = new_persons
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            view! {
                <PersonFields prefix=format!("n{i}") legend=td_string!(l, person_new).to_string() person=a notifications l problems existing=false />
            }
        })
        .collect_view();
    view! {
        <section class="portal-card" aria-labelledby="persons-h" data-testid="portal-persons">
            <h2 id="persons-h">{td!(l, section_persons)}</h2>
            <p>{td!(l, persons_intro)}</p>
            {existing}
            {added}
            <button type="submit" name="intent" value="add_person" class="button portal-button-secondary" data-testid="portal-add-person">
                {td!(l, add_person)}
            </button>
        </section>
    }
}

#[component]
fn PersonFields(
    prefix: String,
    legend: String,
    person: PersonAnswer,
    notifications: bool,
    l: Locale,
    problems: StoredValue<Vec<AnswerProblem>>,
    existing: bool,
) -> impl IntoView {
    let detail = |d: &'static str,
                  label: String,
                  value: String,
                  kind: &'static str,
                  autocomplete: &'static str| {
        let name = format!("{prefix}.{d}");
        let id = format!("{prefix}-{d}");
        let err_id = format!("{id}-err");
        let problem = problems.with_value(|p| problem_for(p, &name).map(|p| problem_text(l, p)));
        let invalid = problem.is_some().then_some("true");
        view! {
            <div class=format!("portal-input portal-input-{d}")>
                <label for=id.clone()>{label}</label>
                <input id=id name=name type=kind value=value autocomplete=autocomplete
                    aria-describedby=err_id.clone() aria-invalid=invalid />
                <p class="field-error" id=err_id aria-live="polite">{problem}</p>
            </div>
        }
    };
    let scope = if person.notify_scope.is_empty() {
        "own".to_string()
    } else {
        person.notify_scope.clone()
    };
    let when = if person.notify_when.is_empty() {
        "every_change".to_string()
    } else {
        person.notify_when.clone()
    };
    let radio_prefix = prefix.clone();
    let radios = move |group: &'static str,
                       legend: String,
                       current: String,
                       options: Vec<(&'static str, String)>| {
        let name = format!("{radio_prefix}.{group}");
        view! {
            <fieldset class="portal-choices portal-notify">
                <legend>{legend}</legend>
                {options.into_iter().map(|(value, shown)| view! {
                    <label class="portal-radio">
                        <input type="radio" name=name.clone() value=value checked=current == value />
                        {shown}
                    </label>
                }).collect_view()}
            </fieldset>
        }
    };
    let prefix_for_left = prefix.clone();
    let prefix_for_set = prefix.clone();
    // Folded to one line each, so a long list stays short; open when something in it
    // needs attention or was typed. Works without JavaScript.
    let own = format!("{prefix}.");
    let has_problem = problems.with_value(|p| p.iter().any(|x| x.name.starts_with(&own)));
    let blank = person.first_name.is_empty() && person.last_name.is_empty();
    let typed = !existing && !blank;
    let summary_detail = [person.email.as_str(), person.role.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let left_now = existing && person.left;
    view! {
        <details class=if existing { "portal-person" } else { "portal-person portal-person-new" }
            data-person=prefix_for_set open=has_problem || typed>
            <summary>
                <span class="portal-person-name">{legend.clone()}</span>
                {(!summary_detail.is_empty()).then(|| view! { <span class="portal-hint">{summary_detail}</span> })}
                {left_now.then(|| view! { <span class="portal-hint">{td!(l, person_left)}</span> })}
                {(!existing).then(|| view! { <span class="portal-hint">{td!(l, person_new_hint)}</span> })}
            </summary>
            <fieldset>
            <legend class="visually-hidden">{legend}</legend>
            <div class="portal-grid">
                {detail("first_name", td_string!(l, person_first_name).into(), person.first_name.clone(), "text", "off")}
                {detail("last_name_prefix", td_string!(l, person_last_name_prefix).into(), person.last_name_prefix.clone(), "text", "off")}
                {detail("last_name", td_string!(l, person_last_name).into(), person.last_name.clone(), "text", "off")}
                {detail("email", td_string!(l, person_email).into(), person.email.clone(), "email", "off")}
                {detail("phone", td_string!(l, person_phone).into(), person.phone.clone(), "tel", "off")}
                {detail("role", td_string!(l, person_role).into(), person.role.clone(), "text", "off")}
            </div>
            {notifications.then(|| view! {
                <div class="portal-notify-group">
                    <p class="portal-notify-title">{td!(l, notify_legend)}</p>
                    {radios("notify_scope", td_string!(l, notify_about).into(), scope.clone(), vec![
                        ("own", text::notify_scope(l, "own")),
                        ("all", text::notify_scope(l, "all")),
                        ("none", text::notify_scope(l, "none")),
                    ])}
                    {radios("notify_when", td_string!(l, notify_when).into(), when.clone(), vec![
                        ("every_change", text::notify_when(l, "every_change")),
                        ("closing", text::notify_when(l, "closing")),
                    ])}
                </div>
            })}
            {existing.then(|| {
                let id = format!("{prefix_for_left}-left");
                view! {
                    <div class="portal-check">
                        <input type="checkbox" id=id.clone() name=format!("{prefix_for_left}.left") checked=person.left />
                        <label for=id>{td!(l, person_left)}</label>
                    </div>
                }
            })}
            </fieldset>
        </details>
    }
}

/// Old → new, as a list that reads well on a phone.
fn change_list(l: Locale, changes: Vec<ChangeLine>) -> impl IntoView {
    let empty = td_string!(l, empty_value);
    view! {
        <ul class="portal-changes" data-testid="portal-changes">
            {changes.into_iter().map(|c| view! {
                <li class="portal-change">
                    <p class="portal-change-what">{c.what}</p>
                    <p class="portal-change-values">
                        <span class="portal-old">
                            <span class="portal-change-label">{td!(l, review_was)}": "</span>
                            {match c.old {
                                Some(v) => Either::Left(view! { <del>{v}</del> }),
                                None => Either::Right(view! { <span>{empty}</span> }),
                            }}
                        </span>
                        <span class="portal-new">
                            <span class="portal-change-label">{td!(l, review_becomes)}": "</span>
                            <ins>{c.new.unwrap_or_else(|| empty.to_string())}</ins>
                        </span>
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ReviewStep(view: PortalView, answer: Answer, changes: Vec<ChangeLine>) -> impl IntoView {
    let l = locale(&view.language);
    let none = changes.is_empty();
    view! {
        <form id="portal-form" method="post" action=view.action.clone() data-testid="portal-review-step">
            {steering(&view)}
            <button type="submit" name="intent" value="confirm" class="visually-hidden" tabindex="-1" aria-hidden="true"></button>
            {answer.to_pairs().into_iter().map(|(name, value)| view! {
                <input type="hidden" name=name value=value />
            }).collect_view()}
            <section class="portal-card">
                <h1>{td!(l, review_title)}</h1>
                {if none {
                    Either::Left(view! { <p data-testid="portal-no-changes">{td!(l, review_none)}</p> })
                } else {
                    Either::Right(change_list(l, changes))
                }}
                <div class="portal-actions">
                    <button type="submit" name="intent" value="confirm" class="button button-primary portal-button" data-testid="portal-confirm">
                        {td!(l, btn_confirm)}
                    </button>
                    <button type="submit" name="intent" value="edit" class="button portal-button" data-testid="portal-edit">
                        {td!(l, btn_edit)}
                    </button>
                </div>
            </section>
        </form>
    }
}

#[component]
fn DoneStep(view: PortalView) -> impl IntoView {
    let l = locale(&view.language);
    let responded = view.responded.clone();
    let again = td_string!(l, done_again, valid_until = view.valid_until.clone());
    let edit_href = format!("?edit=1&lang={}", view.language);
    view! {
        <section class="portal-card portal-done" data-testid="portal-done">
            <div class="portal-done-mark" aria-hidden="true">"✓"</div>
            <h1>{td!(l, done_title)}</h1>
            {responded.map(|r| {
                let said = if r.changed {
                    td_string!(l, done_changed, at = r.at.clone(), company = view.company.clone())
                } else {
                    td_string!(l, done_unchanged, at = r.at.clone())
                };
                view! {
                    <p role="status">{said}</p>
                    {(!r.changes.is_empty()).then(|| view! {
                        <h2>{td!(l, done_sent)}</h2>
                        {change_list(l, r.changes)}
                    })}
                }
            })}
            <p>{again}</p>
            <a class="button portal-button" href=edit_href data-testid="portal-change-again">{td!(l, btn_change_again)}</a>
        </section>
    }
}

#[component]
fn PortalExpired(
    language: String,
    company: Option<String>,
    fresh_link: bool,
    sent: Option<FreshLinkOutcome>,
) -> impl IntoView {
    let l = locale(&language);
    let body = match sent {
        Some(FreshLinkOutcome::Sent) => EitherOf4::A(view! {
            <p class="portal-success" role="status" data-testid="portal-fresh-sent">{td!(l, fresh_sent)}</p>
        }),
        Some(FreshLinkOutcome::TooSoon) => EitherOf4::B(view! {
            <p class="portal-alert" role="status" data-testid="portal-fresh-too-soon">{td!(l, fresh_too_soon)}</p>
        }),
        _ if fresh_link => EitherOf4::C(view! {
            <p>{td!(l, expired_fresh)}</p>
            <form method="post" data-testid="portal-fresh-form">
                <input type="hidden" name="lang" value=language.clone() />
                <button type="submit" name="intent" value="fresh_link" class="button button-primary portal-button" data-testid="portal-fresh">
                    {td!(l, btn_fresh)}
                </button>
            </form>
        }),
        _ => EitherOf4::D(view! { <p>{td!(l, expired_closed)}</p> }),
    };
    view! {
        <Frame l company=company title=td_string!(l, expired_title).to_string() switch=switch_links(l, "")>
            <section class="portal-card" data-testid="portal-expired">
                <h1>{td!(l, expired_title)}</h1>
                <p>{td!(l, expired_text)}</p>
                {body}
            </section>
        </Frame>
    }
}

#[component]
fn PortalRefused(language: String, company: Option<String>) -> impl IntoView {
    let l = locale(&language);
    view! {
        <Frame l company=company title=td_string!(l, refused_title).to_string() switch=()>
            <section class="portal-card" data-testid="portal-refused">
                <h1>{td!(l, refused_title)}</h1>
                <p>{td!(l, refused_text)}</p>
                <a class="button portal-button" href="?">{td!(l, btn_back)}</a>
            </section>
        </Frame>
    }
}

/// Nothing is known about an invalid link, not even its language: both are shown.
#[component]
fn PortalInvalid() -> impl IntoView {
    bilingual(
        "portal-invalid",
        [
            td_string!(Locale::nl, invalid_title),
            td_string!(Locale::nl, invalid_text),
        ],
        [
            td_string!(Locale::en, invalid_title),
            td_string!(Locale::en, invalid_text),
        ],
    )
}

#[component]
fn PortalThrottled() -> impl IntoView {
    bilingual(
        "portal-throttled",
        [
            td_string!(Locale::nl, throttled_title),
            td_string!(Locale::nl, throttled_text),
        ],
        [
            td_string!(Locale::en, throttled_title),
            td_string!(Locale::en, throttled_text),
        ],
    )
}

/// A page in Dutch, then English: a title and a sentence in each.
fn bilingual(testid: &'static str, nl: [&'static str; 2], en: [&'static str; 2]) -> impl IntoView {
    view! {
        <Frame l=Locale::nl company=None title=en[0].to_string() switch=()>
            <section class="portal-card" data-testid=testid>
                <h1>{nl[0]}</h1>
                <p>{nl[1]}</p>
                <h2 lang="en">{en[0]}</h2>
                <p lang="en">{en[1]}</p>
            </section>
        </Frame>
    }
}
