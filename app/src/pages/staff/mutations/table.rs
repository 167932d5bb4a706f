//! The mutations table: status tabs, filters in the URL, bulk actions and paging.

use super::confirm::{ConfirmReview, Pending};
use super::{filter_query, mutation_status_badge, query_from, with_query};
use crate::components::data_table::{CompanyFilter, FilterBar, Pager, SortHeader, query_href};
use crate::components::{
    BodyOwner, EmptyState, FormError, Loading, PageHeader, action_error, icons,
};
use crate::server_fns::mutations::{ReviewMutations, list_mutation_runs, list_mutations};
use datacheck_core::wire::mutations::{
    AnswerSource, MutationId, MutationPage, MutationQuery, MutationStatus, ReviewAction, Selection,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MutationsPage() -> impl IntoView {
    let query = use_query_map();
    let review = ServerAction::<ReviewMutations>::new();
    let page = Resource::new(
        move || (query.with(query_from), review.version().get()),
        |(q, _)| async move {
            match q {
                Ok(q) => list_mutations(q).await,
                Err(e) => Err(e),
            }
        },
    );
    let runs = Resource::new(|| (), |_| list_mutation_runs());
    let current = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let export = move || {
        let qs = query
            .with(query_from)
            .map(|q| filter_query(&q))
            .unwrap_or_default();
        with_query("/staff/mutations/export.csv", &qs)
    };
    let review_error = action_error(review);
    let body = BodyOwner::new();
    view! {
        <Title text="Mutations" />
        <PageHeader title="Mutations" description="What customers submitted, beside what the DMS holds. Copy the changes into the DMS, then mark them processed; nothing is written to the contacts here.">
            <a class="button" href=export download="" data-testid="export-csv">{icons::download()}"Export CSV"</a>
        </PageHeader>
        <section class="card">
            <FilterBar sorts=&[("created", "Created on")]>
                <input type="hidden" name="status" value=move || current("status") />
                <div class="field field-grow">
                    <label for="f-q">"Search"</label>
                    <input id="f-q" name="q" type="search" placeholder="Customer number, name or e-mail" value=move || current("q") />
                </div>
                <CompanyFilter />
                <div class="field">
                    <label for="f-run">"Data check"</label>
                    <select id="f-run" name="run">
                        <option value="">"All data checks"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let selected = current("run");
                                runs.await.ok().map(|rs| rs.into_iter().map(|r| {
                                    let id = r.id.0.to_string();
                                    let sel = id == selected;
                                    view! { <option value=id selected=sel>{format!("{} ({})", r.name, r.company)}</option> }
                                }).collect_view())
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="f-from">"Created from"</label>
                    <input id="f-from" name="from" type="date" value=move || current("from") />
                </div>
                <div class="field">
                    <label for="f-until">"Created until"</label>
                    <input id="f-until" name="until" type="date" value=move || current("until") />
                </div>
            </FilterBar>
            <FormError error=review_error />
            {move || review.value().get().and_then(|r| r.ok()).map(|n| view! {
                <div class="alert alert-success" role="status" data-testid="review-done">
                    {format!("{} mutation(s) changed.", crate::components::data_table::count(n))}
                </div>
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let q = query.with(query_from);
                    match (page.await, q) {
                        (Ok(p), Ok(q)) => body.build(move || view! { <MutationTable page=p query=q review=review /> }).into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The status tabs, the bulk bar, the rows and the pager of one page.
#[component]
fn MutationTable(
    page: MutationPage,
    query: MutationQuery,
    review: ServerAction<ReviewMutations>,
) -> impl IntoView {
    let params = use_query_map();
    let selected = RwSignal::new(Vec::<MutationId>::new());
    let pending = RwSignal::new(None::<Pending>);
    let filters = filter_query(&query);
    let status_now = query.status.clone().unwrap_or_else(|| "new".into());
    // The review queue holds only new rows: no "processed" column to fill with dashes.
    let reviewed = status_now != "new";
    let tab = |value: &str, label: String, n: Option<String>| {
        let current = status_now == value;
        let changes: Vec<(&str, Option<&str>)> =
            vec![("status", Some(value)), ("after", None), ("before", None)];
        let href = params.with_untracked(|q| query_href("/staff/mutations", q, &changes));
        view! {
            <a class="tab" href=href aria-current=current.then_some("page") data-testid=format!("tab-{value}")>
                {label}{n.map(|n| view! { <span class="tab-count">{n}</span> })}
            </a>
        }
    };
    let tabs = page
        .counts
        .iter()
        .map(|(s, n)| tab(s.as_str(), s.label().to_string(), Some(n.label())))
        .collect_view();
    let all_tab = tab("all", "All".into(), None);
    let page_ids: Vec<MutationId> = page.rows.iter().map(|r| r.id).collect();
    let shown = page.rows.len();
    let total = page.total;
    let filter_selection = MutationQuery {
        after: None,
        before: None,
        ..query.clone()
    };
    let ask = move |action: ReviewAction| {
        let ids = selected.get_untracked();
        if !ids.is_empty() {
            pending.set(Some(Pending {
                action,
                selection: Selection::Ids(ids),
            }));
        }
    };
    let ask_all = {
        let f = filter_selection.clone();
        move |action: ReviewAction| {
            pending.set(Some(Pending {
                action,
                selection: Selection::Filter(f.clone()),
            }))
        }
    };
    let all_ids = page_ids.clone();
    let on_page_all = move || {
        let s = selected.get();
        !all_ids.is_empty() && all_ids.iter().all(|i| s.contains(i))
    };
    let toggle_page = {
        let ids = page_ids.clone();
        move |on: bool| selected.set(if on { ids.clone() } else { vec![] })
    };
    let rows = page.rows.into_iter().map(|r| {
        let id = r.id;
        let href = with_query(&format!("/staff/mutations/{}", r.id), &filters);
        let is_new = r.status == MutationStatus::New;
        let ask_one = move |action: ReviewAction| pending.set(Some(Pending { action, selection: Selection::Ids(vec![id]) }));
        view! {
            <tr data-mutation=r.id.0.to_string()>
                <td class="select">
                    <input type="checkbox" aria-label=format!("Select {} {}", r.customer_no, r.name)
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| { s.retain(|x| *x != id); if on { s.push(id); } });
                        } />
                </td>
                <td data-label="Customer"><a href=href.clone()>{r.customer_no.clone()}</a><span class="cell-sub">{r.name.clone()}</span></td>
                <td data-label="Data check">{if r.source == AnswerSource::Portal { r.run.clone().map(|(_, n)| n).unwrap_or_else(|| "—".into()) } else { datacheck_core::wire::mutations::answer_origin(r.source, None) }}<span class="cell-sub">{r.company.clone()}</span></td>
                <td data-label="Answer">{match r.changes { 0 => "Unchanged".to_string(), 1 => "1 change".to_string(), n => format!("{n} changes") }}</td>
                <td data-label="Status">{mutation_status_badge(r.status)}</td>
                <td data-label="Created on" class="nowrap">{r.created.clone()}</td>
                {reviewed.then(|| view! {
                    <td data-label="Processed" class="nowrap">
                        {match (r.processed.clone(), r.processed_by.clone()) {
                            (Some(at), by) => view! { {at}<span class="cell-sub">{by.map(|b| format!("by {b}")).unwrap_or_default()}</span> }.into_any(),
                            (None, _) => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </td>
                })}
                <td class="row-actions">
                    {is_new.then(|| view! {
                        <button type="button" class="button button-small" aria-label=format!("Process {}", r.customer_no) on:click=move |_| ask_one(ReviewAction::Process)>"Process"</button>
                        <button type="button" class="button button-small" aria-label=format!("Ignore {}", r.customer_no) on:click=move |_| ask_one(ReviewAction::Ignore)>"Ignore"</button>
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let n_selected = move || selected.with(Vec::len);
    let ask_all_process = ask_all.clone();
    let ask_all_ignore = ask_all.clone();
    let ask_all_delete = ask_all;
    view! {
        <nav class="tabs" aria-label="Status">{tabs}{all_tab}</nav>
        {if shown == 0 {
            view! {
                <EmptyState icon=icons::inbox title="No mutations here"
                    body="When a customer answers a data check, their changes land here for review. Change or clear the filters to see others." />
            }.into_any()
        } else {
            view! {
                <div class="bulk-bar" data-testid="bulk-bar">
                    <span class="bulk-count" aria-live="polite">{move || match n_selected() {
                        0 => "Tick rows to act on several at once.".to_string(),
                        n => format!("{n} selected"),
                    }}</span>
                    <button type="button" class="button button-small" disabled=move || n_selected() == 0 on:click=move |_| ask(ReviewAction::Process)>"Process selected"</button>
                    <button type="button" class="button button-small" disabled=move || n_selected() == 0 on:click=move |_| ask(ReviewAction::Ignore)>"Ignore selected"</button>
                    <button type="button" class="button button-small button-danger-quiet" disabled=move || n_selected() == 0 on:click=move |_| ask(ReviewAction::Delete)>"Delete selected"</button>
                    <details class="bulk-all">
                        <summary class="button button-small">{format!("All {} matching…", total.label())}</summary>
                        <div class="bulk-all-menu">
                            <button type="button" class="button button-small" on:click=move |_| ask_all_process(ReviewAction::Process)>"Process all matching"</button>
                            <button type="button" class="button button-small" on:click=move |_| ask_all_ignore(ReviewAction::Ignore)>"Ignore all matching"</button>
                            <button type="button" class="button button-small button-danger-quiet" on:click=move |_| ask_all_delete(ReviewAction::Delete)>"Delete all matching"</button>
                        </div>
                    </details>
                </div>
                <ConfirmReview pending=pending review=review />
                <div class="table-wrap">
                <table class="data-table stack" data-testid="mutations-table">
                    <thead><tr>
                        <th scope="col" class="select">
                            <input type="checkbox" aria-label="Select every row on this page"
                                prop:checked=on_page_all
                                on:change=move |ev| toggle_page(event_target_checked(&ev)) />
                        </th>
                        <th scope="col">"Customer"</th>
                        <th scope="col">"Data check"</th>
                        <th scope="col">"Answer"</th>
                        <th scope="col">"Status"</th>
                        <SortHeader label="Created on" key="created" default=true />
                        {reviewed.then(|| view! { <th scope="col">"Processed"</th> })}
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
                <Pager shown=shown total=total.n at_least=total.more noun="mutations" prev=page.prev next=page.next />
            }.into_any()
        }}
    }
}
