//! Reminders on a run's page: to chosen recipients (staff tick them in the table; only
//! those a reminder can reach have a box, and the server counts again and refuses ids
//! that are not this run's), and the reminders planned when the run was sent.

use crate::components::data_table::count;
use crate::server_fns::runs::{RemovePlannedReminder, SendReminders};
use datacheck_core::wire::PlannedReminder;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The recipients ticked on the page, by run recipient id; kept across the table's
/// pages and filters.
pub type Ticked = RwSignal<BTreeSet<i64>>;

/// One row's box, present only when a reminder can reach the recipient.
#[component]
pub fn TickBox(id: i64, name: String, ticked: Ticked) -> impl IntoView {
    view! {
        <input type="checkbox" class="tick" aria-label=format!("Remind {name}")
            prop:checked=move || ticked.with(|t| t.contains(&id))
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                ticked.update(|t| { if on { t.insert(id); } else { t.remove(&id); } });
            } />
    }
}

/// The button that reminds the ticked recipients, with its confirmation.
#[component]
pub fn RemindTicked(
    run: i64,
    ticked: Ticked,
    remind: ServerAction<SendReminders>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let n = move || ticked.with(|t| t.len());
    view! {
        {move || (n() > 0).then(|| view! {
            <div class="action-row" data-testid="remind-ticked">
                <button type="button" class="button" on:click=move |_| confirm.set(true)
                    disabled=move || confirm.get()>
                    {move || format!("Remind the {} ticked", count(n() as i64))}
                </button>
                <button type="button" class="button button-small" on:click=move |_| ticked.set(BTreeSet::new())>
                    "Clear ticks"
                </button>
            </div>
        })}
        {move || (confirm.get() && n() > 0).then(|| {
            let ids: Vec<i64> = ticked.get_untracked().into_iter().collect();
            let total = ids.len();
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="remind-ticked-q" data-testid="confirm-remind-ticked">
                    <p id="remind-ticked-q">{format!("Send a reminder to the {} ticked recipient(s)?", count(total as i64))}</p>
                    <ActionForm action=remind attr:class="form-inline" on:submit=move |_| { confirm.set(false); ticked.set(BTreeSet::new()); }>
                        <input type="hidden" name="id" value=run.to_string() />
                        <input type="hidden" name="expected" value=total.to_string() />
                        {ids.into_iter().enumerate().map(|(i, id)| view! {
                            <input type="hidden" name=format!("recipients[{i}]") value=id.to_string() />
                        }).collect_view()}
                        <button type="submit" class="button button-primary">{format!("Yes, remind {}", count(total as i64))}</button>
                        <button type="button" class="button" on:click=move |_| confirm.set(false)>"No"</button>
                    </ActionForm>
                </div>
            }
        })}
    }
}

/// The reminders planned when the run was sent: the next one marked, each that has not
/// gone out removable.
#[component]
pub fn PlannedReminders(
    run: i64,
    planned: Vec<PlannedReminder>,
    remove: ServerAction<RemovePlannedReminder>,
) -> impl IntoView {
    if planned.is_empty() {
        return view! { <p class="muted small" data-testid="planned-reminders">"No reminders planned."</p> }.into_any();
    }
    let next = planned.iter().find(|p| p.done.is_none()).map(|p| p.id);
    view! {
        <div data-testid="planned-reminders">
            <h3 class="small-heading">"Planned reminders"</h3>
            <ul class="planned-list">
                {planned.into_iter().map(|p| {
                    let when = format!("{} day(s) after sending", p.days_after);
                    let is_next = Some(p.id) == next;
                    let state = match (&p.done, &p.due) {
                        (Some(done), _) => format!("sent {done} to {}", count(p.queued.unwrap_or(0))),
                        (None, Some(due)) => format!("due {due}"),
                        (None, None) => String::new(),
                    };
                    view! {
                        <li class:planned-next=is_next data-done=p.done.is_some().to_string()>
                            <span>{when.clone()}</span>
                            <span class="muted">{format!(" · {state}")}</span>
                            {is_next.then(|| view! { <span class="badge">"next"</span> })}
                            {p.done.is_none().then(|| view! {
                                <ActionForm action=remove attr:class="form-inline">
                                    <input type="hidden" name="id" value=run.to_string() />
                                    <input type="hidden" name="reminder" value=p.id.to_string() />
                                    <button type="submit" class="button button-small" aria-label=format!("Remove the reminder {when}")>"Remove"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
