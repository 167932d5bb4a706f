//! The runs overview (every data check with its status and responses) and one run's
//! page: live sending progress, the funnel, reminders, cancelling, and the recipients.

use super::run_reminders::{PlannedReminders, RemindTicked, TickBox, Ticked};
use crate::components::data_table::{CompanyFilter, FilterBar, Pager, company_param, count};
use crate::components::run_widgets::{FunnelView, ResponseChart, SendProgress};
use crate::components::{
    BodyOwner, EmptyState, FormError, Loading, PageHeader, action_error, icons,
};
use crate::server_fns::runs::{
    CancelRun, RemovePlannedReminder, SendReminders, list_run_recipients, list_runs, load_run,
    load_run_progress,
};
use datacheck_core::error::AppError;
use datacheck_core::wire::{RecipientState, RunPhase, RunQuery, RunRecipientPage, RunView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

fn query_from(q: &ParamsMap) -> Result<RunQuery, AppError> {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    let company = company_param(q)?;
    Ok(RunQuery {
        company,
        status: text("status"),
        q: text("q"),
        after: text("after"),
        before: text("before"),
    })
}

fn phase_label(phase: RunPhase) -> &'static str {
    match phase {
        RunPhase::Draft => "Draft",
        RunPhase::Sending => "Sending",
        RunPhase::Sent => "Sent",
        RunPhase::Expired => "Expired",
        RunPhase::Cancelled => "Cancelled",
    }
}

pub fn status_badge(phase: RunPhase) -> impl IntoView + use<> {
    let class = match phase {
        RunPhase::Draft | RunPhase::Expired => "badge badge-muted",
        RunPhase::Sending => "badge badge-warning",
        RunPhase::Sent => "badge badge-success",
        RunPhase::Cancelled => "badge badge-danger",
    };
    view! { <span class=class data-status=phase.as_str()>{phase_label(phase)}</span> }
}

#[component]
pub fn RunsPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || query.with(query_from),
        |q| async move {
            match q {
                Ok(q) => list_runs(q).await,
                Err(e) => Err(e),
            }
        },
    );
    let current = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    view! {
        <Title text="Data checks" />
        <PageHeader title="Data checks" description="Ask customers to check their data through a personal link, and follow who responded.">
            <a class="button button-primary" href="/staff/runs/new">{icons::send()}"New data check"</a>
        </PageHeader>
        <section class="card">
            <FilterBar sorts=&[]>
                <div class="field field-grow">
                    <label for="f-q">"Search"</label>
                    <input id="f-q" name="q" type="search" placeholder="Name of the data check" value=move || current("q") />
                </div>
                <CompanyFilter />
                <div class="field">
                    <label for="f-status">"Status"</label>
                    <select id="f-status" name="status">
                        <option value="">"Any status"</option>
                        {RunPhase::ALL.iter().map(|&p| view! { <option value=p.as_str() selected=move || current("status") == p.as_str()>{phase_label(p)}</option> }).collect_view()}
                    </select>
                </div>
            </FilterBar>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) if p.total == 0 => view! {
                            <EmptyState icon=icons::send title="No data checks here"
                                body="A data check picks recipients from the contact register, chooses which fields they may see and edit, and mails each one a personal link.">
                                <a class="button button-primary" href="/staff/runs/new">"New data check"</a>
                            </EmptyState>
                        }.into_any(),
                        Ok(p) => {
                            let shown = p.rows.len();
                            view! {
                                <div class="table-wrap">
                                <table class="data-table stack" data-testid="runs-table">
                                    <thead><tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Company"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Sent on"</th>
                                        <th scope="col" class="num">"Recipients"</th>
                                        <th scope="col" class="num">"Responded"</th>
                                        <th scope="col">"Valid to"</th>
                                        <th scope="col">"Responses"</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| {
                                            let href = if r.status == RunPhase::Draft { format!("/staff/runs/{}/edit", r.id) } else { format!("/staff/runs/{}", r.id) };
                                            let responded = r.changed + r.unchanged;
                                            let is_draft = r.status == RunPhase::Draft;
                                            view! {
                                                <tr>
                                                    <td data-label="Name"><a href=href>{r.name.clone()}</a></td>
                                                    <td data-label="Company">{r.company.clone()}</td>
                                                    <td data-label="Status">{status_badge(r.status)}</td>
                                                    <td data-label="Sent on" class="nowrap">{r.sent_on.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td data-label="Recipients" class="num">{if is_draft { "—".to_string() } else { count(r.recipients) }}</td>
                                                    <td data-label="Responded" class="num">
                                                        {if is_draft { view! { "—" }.into_any() } else { view! {
                                                            <strong>{count(responded)}</strong>
                                                            <span class="cell-sub">{format!("{} changed · {} unchanged", count(r.changed), count(r.unchanged))}</span>
                                                        }.into_any() }}
                                                    </td>
                                                    <td data-label="Valid to" class="nowrap">{r.valid_to.clone()}</td>
                                                    <td data-label="Responses">
                                                        {if r.responses_per_day.is_empty() { view! { <span class="muted">"—"</span> }.into_any() }
                                                         else { view! { <ResponseChart per_day=r.responses_per_day.clone() /> }.into_any() }}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Pager shown=shown total=p.total noun="data checks" prev=p.prev next=p.next />
                            }.into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let remind = ServerAction::<SendReminders>::new();
    let cancel = ServerAction::<CancelRun>::new();
    let remove = ServerAction::<RemovePlannedReminder>::new();
    let finished = RwSignal::new(0u32);
    let recipients = RecipientsState::new(id, move || {
        (
            remind.version().get(),
            cancel.version().get(),
            finished.get(),
        )
    });
    let run = Resource::new(
        move || {
            (
                id(),
                remind.version().get(),
                cancel.version().get(),
                remove.version().get(),
                finished.get(),
            )
        },
        |(id, _, _, _, _)| load_run(id),
    );
    let body = BodyOwner::new();
    view! {
        <Title text="Data check" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/runs">"Data checks"</a></nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match run.await {
                    Ok(v) => body.build(move || view! { <RunBody view=v recipients=recipients remind=remind cancel=cancel remove=remove finished=finished /> }).into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RunBody(
    view: RunView,
    recipients: RecipientsState,
    remind: ServerAction<SendReminders>,
    cancel: ServerAction<CancelRun>,
    remove: ServerAction<RemovePlannedReminder>,
    finished: RwSignal<u32>,
) -> impl IntoView {
    let v = view;
    let remove_error = action_error(remove);
    let id = v.id.0;
    let confirm_remind = RwSignal::new(false);
    let confirm_cancel = RwSignal::new(false);
    let remind_error = action_error(remind);
    let cancel_error = action_error(cancel);
    let can_cancel = v.status != RunPhase::Cancelled;
    let meta = format!(
        "{} · valid to {}{}",
        v.company.name,
        v.valid_to,
        v.sent_on
            .as_ref()
            .map(|s| format!(
                " · sent {s}{}",
                v.sent_by
                    .as_ref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default()
            ))
            .unwrap_or_default()
    );
    let remindable = v.remindable;
    view! {
        <PageHeader title=v.name.clone() description=meta>
            {status_badge(v.status)}
        </PageHeader>
        {v.cancelled_on.clone().map(|c| view! {
            <div class="alert alert-warning" role="status">{format!("Cancelled on {c}: every link of this data check has stopped working.")}</div>
        })}
        <section class="card" data-testid="run-progress">
            <h2>"Sending"</h2>
            <LiveProgress id=id initial=v.progress.clone() finished=finished />
            {v.links_expire.clone().map(|e| view! { <p class="muted small">{format!("The links work until {e}.")}</p> })}
        </section>
        <div class="card-grid">
            <section class="card">
                <h2>"Funnel"</h2>
                <FunnelView funnel=v.funnel.clone() />
            </section>
            <section class="card">
                <h2>"Responses per day"</h2>
                <ResponseChart per_day=v.responses_per_day.clone() large=true />
                <p class="muted small">"One bar per day, from the day of sending."</p>
            </section>
        </div>
        <section class="card" data-testid="run-actions">
            <h2>"Actions"</h2>
            <FormError error=remind_error />
            <FormError error=cancel_error />
            {move || remind.value().get().and_then(|r| r.ok()).map(|n| view! {
                <div class="alert alert-success" role="status">{format!("{} reminder(s) queued.", count(n))}</div>
            })}
            <div class="action-row">
                {if remindable > 0 {
                    view! {
                        <button type="button" class="button" on:click=move |_| confirm_remind.set(true)
                            disabled=move || confirm_remind.get()>
                            {format!("Send a reminder to {} recipient(s)", count(remindable))}
                        </button>
                    }.into_any()
                } else {
                    view! { <p class="muted">{format!("No reminders to send{}.", if v.reminders_sent > 0 { format!(" ({} sent so far)", count(v.reminders_sent)) } else { String::new() })}</p> }.into_any()
                }}
                {can_cancel.then(|| view! {
                    <button type="button" class="button button-danger" on:click=move |_| confirm_cancel.set(true)
                        disabled=move || confirm_cancel.get()>"Cancel this data check"</button>
                })}
            </div>
            {move || confirm_remind.get().then(|| view! {
                <div class="confirm" role="alertdialog" aria-labelledby="remind-q" data-testid="confirm-remind">
                    <p id="remind-q">{format!("Send a reminder to the {} recipient(s) who have not responded yet?", count(remindable))}</p>
                    <ActionForm action=remind attr:class="form-inline" on:submit=move |_| confirm_remind.set(false)>
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="expected" value=remindable.to_string() />
                        <button type="submit" class="button button-primary">{format!("Yes, remind {}", count(remindable))}</button>
                        <button type="button" class="button" on:click=move |_| confirm_remind.set(false)>"No"</button>
                    </ActionForm>
                </div>
            })}
            <RemindTicked run=id ticked=recipients.ticked remind />
            <FormError error=remove_error />
            <PlannedReminders run=id planned=v.planned.clone() remove />
            {move || confirm_cancel.get().then(|| view! {
                <div class="confirm" role="alertdialog" aria-labelledby="cancel-q" data-testid="confirm-cancel">
                    <p id="cancel-q">"Cancel this data check? Mails not sent yet are dropped and every personal link stops working at once. This cannot be undone."</p>
                    <ActionForm action=cancel attr:class="form-inline" on:submit=move |_| confirm_cancel.set(false)>
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button button-danger">"Yes, cancel it"</button>
                        <button type="button" class="button" on:click=move |_| confirm_cancel.set(false)>"No, keep it"</button>
                    </ActionForm>
                </div>
            })}
        </section>
        <RecipientsTable state=recipients />
    }
}

/// The progress bar, polling every second while mails are queued.
#[component]
fn LiveProgress(
    id: i64,
    initial: datacheck_core::wire::RunProgress,
    finished: RwSignal<u32>,
) -> impl IntoView {
    let progress = RwSignal::new(initial);
    Effect::new(move |_| {
        let poll = move || {
            if progress.get_untracked().done() {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(p) = load_run_progress(id).await {
                    // The page may have been left while the request was out.
                    let now_done = p.done();
                    progress.try_set(p);
                    if now_done {
                        finished.try_update(|n| *n += 1);
                    }
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_millis(1000)) {
            on_cleanup(move || handle.clear());
        }
    });
    move || view! { <SendProgress progress=progress.get() /> }
}

/// The recipients table's state, owned by the page: the run's body re-renders after a
/// reminder or cancel, and nothing may be left waiting on a resource it disposed.
#[derive(Clone, Copy)]
struct RecipientsState {
    filter: RwSignal<String>,
    after: RwSignal<Option<String>>,
    pages: RwSignal<Vec<Option<String>>>,
    page: Resource<Result<RunRecipientPage, AppError>>,
    ticked: Ticked,
}

impl RecipientsState {
    /// `refresh` changes when the recipients' states may have: a reminder, a cancel, the
    /// end of sending.
    fn new(
        id: impl Fn() -> i64 + Send + Sync + 'static,
        refresh: impl Fn() -> (usize, usize, u32) + Send + Sync + 'static,
    ) -> Self {
        let filter = RwSignal::new(String::new());
        let after = RwSignal::new(None::<String>);
        let pages = RwSignal::new(Vec::<Option<String>>::new());
        let page = Resource::new(
            move || (id(), filter.get(), after.get(), refresh()),
            move |(id, f, after, _)| async move {
                let f = (!f.is_empty()).then_some(f);
                list_run_recipients(id, after, f).await
            },
        );
        RecipientsState {
            filter,
            after,
            pages,
            page,
            ticked: RwSignal::new(Default::default()),
        }
    }
}

#[component]
fn RecipientsTable(state: RecipientsState) -> impl IntoView {
    let RecipientsState {
        filter,
        after,
        pages,
        page,
        ticked,
    } = state;
    let state_label = |s: RecipientState| match s {
        RecipientState::Queued => "Queued",
        RecipientState::Sent => "Mail sent",
        RecipientState::Failed => "Failed",
        RecipientState::Cancelled => "Not sent",
        RecipientState::Opened => "Opened",
        RecipientState::Changed => "Responded: changed",
        RecipientState::Unchanged => "Responded: unchanged",
        RecipientState::Revoked => "Link revoked",
    };
    view! {
        <section class="card" data-testid="run-recipients">
            <h2>"Recipients"</h2>
            <p class="muted small">"Tick recipients who have not answered to send just them a reminder (under Actions)."</p>
            <div class="field field-inline">
                <label for="rr-state">"Show"</label>
                <select id="rr-state" on:change=move |ev| { after.set(None); pages.set(vec![]); filter.set(event_target_value(&ev)); }>
                    <option value="">"Everyone"</option>
                    <option value="waiting">"Not responded"</option>
                    <option value="opened">"Opened the page"</option>
                    <option value="responded">"Responded"</option>
                    <option value="failed">"Mail failed"</option>
                </select>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(RunRecipientPage { rows, next, .. }) if rows.is_empty() && next.is_none() => {
                            view! { <p class="muted">"Nobody in this view."</p> }.into_any()
                        }
                        Ok(p) => view! {
                            <div class="table-wrap">
                            <table class="data-table stack">
                                <thead><tr>
                                    <th scope="col"><span class="visually-hidden">"Remind"</span></th>
                                    <th scope="col">"Customer no."</th>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"E-mail"</th>
                                    <th scope="col">"Language"</th>
                                    <th scope="col">"State"</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|r| view! {
                                        <tr data-state=r.state.as_str()>
                                            <td data-label="Remind" class="tick-cell">
                                                {r.remindable.then(|| view! { <TickBox id=r.id name=r.name.clone() ticked /> })}
                                            </td>
                                            <td data-label="Customer no."><a href=format!("/staff/contacts/{}", r.contact_id)>{r.customer_no}</a></td>
                                            <td data-label="Name">{r.name}</td>
                                            <td data-label="E-mail" class="break">{r.email}</td>
                                            <td data-label="Language">{r.language}</td>
                                            <td data-label="State">
                                                {state_label(r.state)}
                                                {r.detail.map(|d| view! { <span class="muted small">{format!(" · {d}")}</span> })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            <div class="pager-links">
                                {move || (!pages.get().is_empty()).then(|| view! {
                                    <button type="button" class="button button-small" on:click=move |_| {
                                        let mut p = pages.get_untracked();
                                        let prev = p.pop().flatten();
                                        pages.set(p);
                                        after.set(prev);
                                    }>"← Previous"</button>
                                })}
                                {p.next.map(|n| view! {
                                    <button type="button" class="button button-small" on:click=move |_| {
                                        pages.update(|p| p.push(after.get_untracked()));
                                        after.set(Some(n.clone()));
                                    }>"Next →"</button>
                                })}
                            </div>
                        }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
