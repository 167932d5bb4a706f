//! The mutation review: the table (status tabs, filters in the URL, bulk actions) and
//! one mutation beside the register's current values. Processing records that staff
//! copied an answer into the DMS; nothing here writes to the contact register.

use crate::components::data_table::{CompanyFilter, FilterBar, Pager, SortHeader, query_href};
use crate::components::{
    BodyOwner, EmptyState, FormError, Loading, PageHeader, action_error, icons,
};
use crate::server_fns::mutations::{
    CountMutationSelection, ReviewMutations, list_mutation_runs, list_mutations, load_mutation,
};
use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{
    AnswerSource, ChangeLine, MutationId, MutationPage, MutationQuery, MutationStatus,
    MutationView, ReviewAction, Selection,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

fn query_from(q: &ParamsMap) -> Result<MutationQuery, AppError> {
    let pairs: Vec<(String, String)> = q
        .clone()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v))
        .collect();
    MutationQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The table's filters as a query string (no cursor), to carry to a mutation and back.
fn filter_query(q: &MutationQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in q.filter_pairs() {
        out.append_pair(k, &v);
    }
    out.finish()
}

fn with_query(path: &str, qs: &str) -> String {
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{qs}")
    }
}

pub fn mutation_status_badge(s: MutationStatus) -> impl IntoView {
    let class = match s {
        MutationStatus::New => "badge badge-warning",
        MutationStatus::Processed => "badge badge-success",
        MutationStatus::Ignored => "badge badge-muted",
    };
    view! { <span class=class data-status=s.as_str()>{s.label()}</span> }
}

/// What a confirmation is about: an action on a selection, and (once the server
/// answered) how many mutations it would change.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    action: ReviewAction,
    selection: Selection,
}

fn confirm_text(action: ReviewAction, n: i64) -> String {
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
fn ConfirmReview(
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
