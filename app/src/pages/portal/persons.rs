//! Contact persons: the current ones to correct or mark as left, and new ones to add.

use super::*;

#[component]
pub(super) fn PersonsSection(
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
pub(super) fn PersonFields(
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
