//! The review of what will change, and the page after saving.

use super::*;

/// Old → new, as a list that reads well on a phone.
pub(super) fn change_list(l: Locale, changes: Vec<ChangeLine>) -> impl IntoView {
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
pub(super) fn ReviewStep(
    view: PortalView,
    answer: Answer,
    changes: Vec<ChangeLine>,
) -> impl IntoView {
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
pub(super) fn DoneStep(view: PortalView) -> impl IntoView {
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
