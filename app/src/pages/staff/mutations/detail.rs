//! One mutation: the register's values now and then beside what the customer
//! submitted, with the reviewer's flags and the actions.

use super::confirm::{ConfirmReview, Pending};
use super::{filter_query, mutation_status_badge, query_from, with_query};
use crate::components::{
    BodyOwner, EmptyState, FormError, Loading, PageHeader, action_error, icons,
};
use crate::server_fns::mutations::{ReviewMutations, load_mutation};
use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{
    ChangeLine, MutationId, MutationQuery, MutationStatus, MutationView, ReviewAction, Selection,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// One changed value as a table row: the DMS now, the DMS then (when it differs), and
/// what the customer submitted, with the reviewer's flags.
fn change_row(c: ChangeLine) -> impl IntoView {
    let none = || view! { <span class="muted">"(empty)"</span> }.into_any();
    let value = move |v: Option<String>| match v {
        Some(v) => view! { {v} }.into_any(),
        None => none(),
    };
    view! {
        <tr>
            <th scope="row">{c.label}</th>
            <td data-label="DMS now">{value(c.now)}
                {c.at_submission.map(|v| view! { <span class="cell-sub">{format!("was {v} when submitted")}</span> })}
            </td>
            <td data-label="Submitted" class="submitted"><strong>{value(c.submitted)}</strong>
                {(!c.flags.is_empty()).then(|| view! {
                    <ul class="flags">
                        {c.flags.into_iter().map(|f| view! { <li class="flag">{icons::alert()}{f.text()}</li> }).collect_view()}
                    </ul>
                })}
            </td>
        </tr>
    }
}

fn change_table(lines: Vec<ChangeLine>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
        <table class="data-table stack diff-table" data-testid=testid>
            <thead><tr>
                <th scope="col">"Field"</th>
                <th scope="col">"DMS now"</th>
                <th scope="col">"Submitted"</th>
            </tr></thead>
            <tbody>{lines.into_iter().map(change_row).collect_view()}</tbody>
        </table>
        </div>
    }
}

#[component]
pub fn MutationDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let review = ServerAction::<ReviewMutations>::new();
    let mutation = Resource::new(
        move || {
            (
                id(),
                query.with(|q| query_from(q).unwrap_or_default()),
                review.version().get(),
            )
        },
        |(id, q, _)| async move {
            match id {
                Some(id) => load_mutation(id, q).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let body = BodyOwner::new();
    view! {
        <Title text="Mutation" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let q = query.with(|q| query_from(q).unwrap_or_default());
                match mutation.await {
                    Ok(m) => body.build(move || view! { <MutationBody m=m query=q review=review /> }).into_any(),
                    Err(AppError::NotFound) => view! {
                        <EmptyState icon=icons::inbox title="Mutation not found"
                            body="It does not exist (any more), or it belongs to a company you do not work for.">
                            <a class="button" href="/staff/mutations">"Back to mutations"</a>
                        </EmptyState>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MutationBody(
    m: MutationView,
    query: MutationQuery,
    review: ServerAction<ReviewMutations>,
) -> impl IntoView {
    let filters = filter_query(&query);
    let list = with_query("/staff/mutations", &filters);
    let link = {
        let filters = filters.clone();
        move |id: MutationId| with_query(&format!("/staff/mutations/{id}"), &filters)
    };
    let prev = m.prev.map(&link);
    let next = m.next.map(&link);
    let pending = RwSignal::new(None::<Pending>);
    let id = m.id;
    let ask = move |action: ReviewAction| {
        pending.set(Some(Pending {
            action,
            selection: Selection::Ids(vec![id]),
        }))
    };
    let is_new = m.status == MutationStatus::New;
    // After an action, on to the next mutation in the list (or back to the list).
    let navigate = use_navigate();
    let after = next.clone().unwrap_or_else(|| list.clone());
    let seen = review.version().get_untracked();
    Effect::new(move |_| {
        if review.version().get() > seen && matches!(review.value().get(), Some(Ok(_))) {
            navigate(&after, Default::default());
        }
    });
    // Keys: j / → next, k / ← previous, p process, i ignore (not while typing).
    let keys = {
        let (prev, next) = (prev.clone(), next.clone());
        let navigate = use_navigate();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| {
                    leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
                })
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if typing || pending.get_untracked().is_some() {
                return;
            }
            match ev.key().as_str() {
                "j" | "ArrowRight" => {
                    if let Some(h) = &next {
                        navigate(h, Default::default());
                    }
                }
                "k" | "ArrowLeft" => {
                    if let Some(h) = &prev {
                        navigate(h, Default::default());
                    }
                }
                "p" if is_new => ask(ReviewAction::Process),
                "i" if is_new => ask(ReviewAction::Ignore),
                _ => {}
            }
        }
    };
    let handle = window_event_listener(leptos::ev::keydown, keys);
    on_cleanup(move || handle.remove());
    let contact_href = format!("/staff/contacts/{}", m.contact);
    let unchanged = m.fields.is_empty() && m.persons.is_empty() && m.preferences.is_empty();
    view! {
        <Title text=format!("Mutation {} · {}", m.customer_no, m.name) />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href=list.clone()>"Mutations"</a></nav>
        <PageHeader title=format!("{} · {}", m.customer_no, m.name)
            description=format!("{} · {} · answered {} in {}", m.company.name,
                datacheck_core::wire::mutations::answer_origin(m.source, m.run.as_ref()),
                m.created, if m.language == "en" { "English" } else { "Dutch" })>
            {mutation_status_badge(m.status)}
        </PageHeader>
        <nav class="pager mutation-nav" aria-label="Mutations">
            <p class="muted small">
                {m.processed.clone().map(|p| format!("{} on {p}{}", m.status.label(), m.processed_by.clone().map(|b| format!(" by {b}")).unwrap_or_default()))}
                " "<a href=contact_href>"Open the contact"</a>
            </p>
            <div class="pager-links">
                {match prev {
                    Some(h) => view! { <a class="button button-small" rel="prev" href=h aria-keyshortcuts="k">"← Previous"</a> }.into_any(),
                    None => view! { <span class="button button-small" aria-disabled="true">"← Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(h) => view! { <a class="button button-small" rel="next" href=h aria-keyshortcuts="j">"Next →"</a> }.into_any(),
                    None => view! { <span class="button button-small" aria-disabled="true">"Next →"</span> }.into_any(),
                }}
            </div>
        </nav>
        {unchanged.then(|| view! {
            <section class="card" data-testid="confirmed-unchanged">
                <h2>"Confirmed unchanged"</h2>
                <p>"The customer confirmed that the data they were shown is correct. Nothing needs to change in the DMS."</p>
                {(!m.confirmed.is_empty()).then(|| view! {
                    <dl class="dl">
                        {m.confirmed.clone().into_iter().map(|(label, v)| view! {
                            <div class="dl-row"><dt>{label}</dt><dd>{v.unwrap_or_else(|| "(empty)".into())}</dd></div>
                        }).collect_view()}
                    </dl>
                })}
            </section>
        })}
        {(!m.fields.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Contact details"</h2>
                {change_table(m.fields.clone(), "field-changes")}
            </section>
        })}
        {(!m.persons.is_empty()).then(|| view! {
            <section class="card" data-testid="person-changes">
                <h2>"Contact persons"</h2>
                {m.persons.clone().into_iter().map(|p| view! {
                    <h3 class="person-head">{p.who}{p.added.then(|| view! { " " <span class="badge badge-warning">"new"</span> })}</h3>
                    {change_table(p.lines, "person-lines")}
                }).collect_view()}
            </section>
        })}
        {(!m.preferences.is_empty()).then(|| view! {
            <section class="card" data-testid="preference-changes">
                <h2>"Subscriptions and consent"</h2>
                <p class="muted small">"The customer's own choice, in effect in Datacheck from the moment they confirmed: copy it into the DMS."</p>
                <div class="table-wrap">
                <table class="data-table stack diff-table">
                    <thead><tr><th scope="col">"What"</th><th scope="col">"Before"</th><th scope="col">"Chosen"</th></tr></thead>
                    <tbody>
                        {m.preferences.clone().into_iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.label}</th>
                                <td data-label="Before">{c.at_submission.unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Chosen"><strong>{c.submitted.unwrap_or_else(|| "—".into())}</strong></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        })}
        <section class="card" data-testid="mutation-actions">
            <h2>"Review"</h2>
            <div class="action-row">
                {is_new.then(|| view! {
                    <button type="button" class="button button-primary" aria-keyshortcuts="p" on:click=move |_| ask(ReviewAction::Process)>{icons::check()}"Processed in the DMS"</button>
                    <button type="button" class="button" aria-keyshortcuts="i" on:click=move |_| ask(ReviewAction::Ignore)>"Ignore"</button>
                })}
                <button type="button" class="button button-danger-quiet" on:click=move |_| ask(ReviewAction::Delete)>"Delete"</button>
            </div>
            <ConfirmReview pending=pending review=review />
            <FormError error=action_error(review) />
            <p class="muted small keys-hint">"Keys: j / k next and previous, p processed, i ignore, Esc closes a question."</p>
        </section>
    }
}
