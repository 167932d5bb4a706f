//! The confirmation of a review action: the number it would change, stated before it
//! is done.

use crate::server_fns::mutations::{CountMutationSelection, ReviewMutations};
use datacheck_core::wire::mutations::{ReviewAction, Selection};
use leptos::prelude::*;

/// What a confirmation is about: an action on a selection, and (once the server
/// answered) how many mutations it would change.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pending {
    pub action: ReviewAction,
    pub selection: Selection,
}

pub(super) fn confirm_text(action: ReviewAction, n: i64) -> String {
    let what = if n == 1 {
        "1 mutation".to_string()
    } else {
        format!("{} mutations", crate::components::data_table::count(n))
    };
    match action {
        ReviewAction::Process => format!(
            "Mark {what} as processed? Do this once the changes are in the DMS; nothing is written to the contacts here."
        ),
        ReviewAction::Ignore => format!("Ignore {what}? They leave the review queue unchanged."),
        ReviewAction::Delete => format!(
            "Delete {what} for good? The customers' answers are removed; this cannot be undone."
        ),
    }
}

/// The confirmation panel of the table and of one mutation: asks the server how many
/// mutations the action would change, states that number, and posts it with the
/// action, so rows that changed meanwhile are never touched unconfirmed.
#[component]
pub(super) fn ConfirmReview(
    pending: RwSignal<Option<Pending>>,
    review: ServerAction<ReviewMutations>,
) -> impl IntoView {
    let counting = ServerAction::<CountMutationSelection>::new();
    Effect::new(move |_| {
        if let Some(p) = pending.get() {
            counting.dispatch(CountMutationSelection {
                action: p.action.as_str().into(),
                selection: serde_json::to_string(&p.selection).unwrap_or_default(),
            });
        }
    });
    let yes = NodeRef::<leptos::html::Button>::new();
    // The confirmation takes the focus, so Enter confirms and Escape (below) cancels.
    Effect::new(move |_| {
        if let Some(b) = yes.get() {
            let _ = b.focus();
        }
    });
    move || {
        let p = pending.get()?;
        // While a count is out, the last answer is about another question: never offer
        // to confirm a number that is not this selection's.
        let answer = if counting.pending().get() {
            None
        } else {
            counting.value().get()
        };
        let body = match answer {
            None => view! { <p class="muted">"Counting…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(0)) => view! {
                <p id="review-q">{match p.action {
                    ReviewAction::Delete => "None of these mutations exists any more.",
                    _ => "None of these mutations is new: there is nothing to process or ignore.",
                }}</p>
                <button type="button" class="button" on:click=move |_| pending.set(None)>"Close"</button>
            }.into_any(),
            Some(Ok(n)) => {
                let selection = serde_json::to_string(&p.selection).unwrap_or_default();
                let danger = p.action == ReviewAction::Delete;
                view! {
                    <p id="review-q">{confirm_text(p.action, n)}</p>
                    <ActionForm action=review attr:class="form-inline" on:submit=move |_| pending.set(None)>
                        <input type="hidden" name="action" value=p.action.as_str() />
                        <input type="hidden" name="selection" value=selection />
                        <input type="hidden" name="expected" value=n.to_string() />
                        <button type="submit" node_ref=yes class=if danger { "button button-danger" } else { "button button-primary" }>
                            {format!("Yes, {} {}", p.action.verb().to_lowercase(), crate::components::data_table::count(n))}
                        </button>
                        <button type="button" class="button" on:click=move |_| pending.set(None)>"No"</button>
                    </ActionForm>
                }.into_any()
            }
        };
        Some(view! {
            <div class="confirm confirm-panel" role="alertdialog" aria-labelledby="review-q" data-testid="confirm-review"
                on:keydown=move |ev| if ev.key() == "Escape" { pending.set(None) }>
                {body}
            </div>
        })
    }
}
