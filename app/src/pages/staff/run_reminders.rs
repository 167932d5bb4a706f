//! Reminders to chosen recipients on a run's page: staff tick recipients in the table
//! (only those a reminder can reach have a box), and one button reminds just those.
//! The server counts again and refuses ids that are not this run's.

use crate::components::data_table::count;
use crate::server_fns::runs::SendReminders;
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
