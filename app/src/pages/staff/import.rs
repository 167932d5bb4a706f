//! The CSV import: upload (a plain multipart form, so it works before hydration and
//! for big files), then per import the column mapping, the check of every row, the
//! import with live progress, and its outcome.

use crate::components::data_table::count;
use crate::components::{
    BodyOwner, EmptyState, FormError, Loading, PageHeader, action_error, icons,
};
use crate::pages::staff::use_me;
use crate::server_fns::import::{
    CancelImport, CheckImport, StartImport, import_status, load_import, recent_imports,
};
use datacheck_core::error::AppError;
use datacheck_core::wire::{ImportReport, ImportStatus, ImportSummary, ImportView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let me = use_me();
    let recent = Resource::new(|| (), |_| recent_imports());
    let error = move || query.with(|q| q.get("error")).filter(|e| !e.is_empty());
    view! {
        <Title text="Import contacts" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/contacts">"Contacts"</a></nav>
        <PageHeader title="Import contacts" description="Bring the contacts of your DMS into Datacheck from a CSV export. Nothing is written until you have seen the check of every row." />
        <section class="card">
            <h2>"Upload a file"</h2>
            {move || error().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="upload-error">{e}</div> })}
            <form method="post" action="/staff/contacts/import" enctype="multipart/form-data" class="form form-grid" data-testid="upload-form">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let companies = me.0.await.ok().flatten().map(|m| m.companies).unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for="import-company">"Company"</label>
                                <select id="import-company" name="company" required=true>
                                    {companies.into_iter().map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> }).collect_view()}
                                </select>
                            </div>
                        }
                    })}
                </Suspense>
                <div class="field">
                    <label for="import-file">"CSV file"</label>
                    <input id="import-file" name="file" type="file" accept=".csv,.txt,text/csv" required=true aria-describedby="import-file-hint" />
                    <p class="hint" id="import-file-hint">"UTF-8 or Windows-1252, separated by ; or , — the first line names the columns. Up to 50 MB."</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">{icons::upload()}"Upload and map columns"</button>
                </div>
            </form>
        </section>
        <section class="card">
            <h2>"Recent imports"</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match recent.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"No imports yet."</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap">
                            <table class="data-table stack" data-testid="recent-imports">
                                <thead><tr>
                                    <th scope="col">"File"</th>
                                    <th scope="col">"Company"</th>
                                    <th scope="col">"By"</th>
                                    <th scope="col">"Uploaded"</th>
                                    <th scope="col">"Outcome"</th>
                                </tr></thead>
                                <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td data-label="File"><a href=format!("/staff/contacts/import/{}", r.id)>{r.file_name}</a></td>
                                        <td data-label="Company">{r.company}</td>
                                        <td data-label="By">{r.uploaded_by}</td>
                                        <td data-label="Uploaded" class="nowrap">{r.uploaded}</td>
                                        <td data-label="Outcome">{outcome_text(r.status, r.summary.as_ref())}</td>
                                    </tr>
                                }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn outcome_text(status: ImportStatus, summary: Option<&ImportSummary>) -> String {
    match (status, summary) {
        (ImportStatus::Done, Some(s)) => format!(
            "{} new, {} updated, {} unchanged, {} rejected",
            count(s.created as i64),
            count(s.updated as i64),
            count(s.unchanged as i64),
            count(s.rejected as i64)
        ),
        (ImportStatus::Done, None) => "Done".into(),
        (ImportStatus::Uploaded, _) => "Waiting for the mapping".into(),
        (ImportStatus::Importing, _) => "Importing…".into(),
        (ImportStatus::Cancelled, _) => "Cancelled: nothing imported".into(),
        (ImportStatus::Failed, _) => "Failed: nothing imported".into(),
    }
}

#[component]
pub fn ImportDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let start = ServerAction::<StartImport>::new();
    let cancel = ServerAction::<CancelImport>::new();
    let import = Resource::new(
        move || (id(), start.version().get(), cancel.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => load_import(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let body = BodyOwner::new();
    view! {
        <Title text="Import contacts" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/contacts/import">"Imports"</a></nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match import.await {
                    Ok(v) => body.build(move || import_body(v, start, cancel)).into_any(),
                    Err(AppError::NotFound) => view! {
                        <EmptyState icon=icons::upload title="Import not found"
                            body="This import does not exist, or it belongs to a company you do not work for." />
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn import_body(
    v: ImportView,
    start: ServerAction<StartImport>,
    cancel: ServerAction<CancelImport>,
) -> impl IntoView {
    let facts = if v.headers.is_empty() {
        format!(
            "{} · {} · uploaded {} by {}",
            v.company.name, v.size, v.uploaded, v.uploaded_by
        )
    } else {
        format!(
            "{} · {} · {} rows · {} · {} · uploaded {} by {}",
            v.company.name,
            v.size,
            count(v.rows as i64),
            v.encoding,
            v.delimiter,
            v.uploaded,
            v.uploaded_by
        )
    };
    let body = match v.status {
        ImportStatus::Uploaded => view! { <MappingStep view=v.clone() start cancel /> }.into_any(),
        ImportStatus::Importing => view! { <ImportProgressBar id=v.id /> }.into_any(),
        ImportStatus::Done => done_view(v.summary.clone().unwrap_or_default()).into_any(),
        ImportStatus::Cancelled => view! { <div class="alert alert-warning" role="status">"This import was cancelled. Nothing was imported, and the file has been removed."</div> }.into_any(),
        ImportStatus::Failed => view! { <div class="alert alert-error" role="alert">"This import failed and nothing was imported. Upload the file again to retry."</div> }.into_any(),
    };
    view! {
        <PageHeader title=v.file_name.clone() description=facts />
        {body}
    }
}

fn done_view(s: ImportSummary) -> impl IntoView {
    view! {
        <section class="card" data-testid="import-summary">
            <h2>"Imported"</h2>
            <div class="stat-row">
                <div class="stat"><span class="stat-value">{count(s.created as i64)}</span><span class="muted">"new contacts"</span></div>
                <div class="stat"><span class="stat-value">{count(s.updated as i64)}</span><span class="muted">"updated"</span></div>
                <div class="stat"><span class="stat-value">{count(s.unchanged as i64)}</span><span class="muted">"unchanged"</span></div>
                <div class="stat"><span class="stat-value">{count(s.rejected as i64)}</span><span class="muted">"rejected rows"</span></div>
            </div>
            <p class="muted">{format!("Written in one transaction in {:.1} seconds. The file has been removed.", s.seconds)}</p>
            <a class="button button-primary" href="/staff/contacts?sort=-updated">"See the contacts"</a>
        </section>
    }
}

/// The mapping form, the check, and the button that starts the import.
#[component]
fn MappingStep(
    view: ImportView,
    start: ServerAction<StartImport>,
    cancel: ServerAction<CancelImport>,
) -> impl IntoView {
    let check = ServerAction::<CheckImport>::new();
    let check_error = action_error(check);
    let start_error = action_error(start);
    let cancel_error = action_error(cancel);
    // A changed column choice makes the last check stale: check again before importing.
    let stale = RwSignal::new(false);
    let id = view.id;
    let targets = view.targets.clone();
    view! {
        <section class="card">
            <h2>"1. Map the columns"</h2>
            <p class="muted">"Datacheck guessed each column from its header. Change what is wrong; columns set to “do not import” are left out, and fields without a column keep their value in Datacheck."</p>
            <FormError error=check_error />
            <ActionForm action=check attr:class="form" attr:data-testid="mapping-form" on:submit=move |_| stale.set(false)>
                <input type="hidden" name="id" value=id.to_string() />
                <div class="table-wrap">
                <table class="data-table stack mapping-table" data-testid="mapping">
                    <thead><tr>
                        <th scope="col">"Column in the file"</th>
                        <th scope="col">"First values"</th>
                        <th scope="col">"Datacheck field"</th>
                    </tr></thead>
                    <tbody>
                    {view.headers.iter().enumerate().map(|(i, h)| {
                        let samples: Vec<String> = view.preview.iter().filter_map(|r| r.get(i).cloned()).filter(|s| !s.is_empty()).take(3).collect();
                        let chosen = view.mapping.get(i).cloned().unwrap_or_default();
                        let select_id = format!("map-{i}");
                        let targets = targets.clone();
                        view! {
                            <tr>
                                <td data-label="Column"><label for=select_id.clone()><strong>{h.clone()}</strong></label></td>
                                <td data-label="First values" class="muted break">{samples.join(" · ")}</td>
                                <td data-label="Field">
                                    <select id=select_id name=format!("mapping[{i}]") on:change=move |_| stale.set(true)>
                                        <option value="" selected=chosen.is_empty()>"— do not import —"</option>
                                        {targets.into_iter().map(|t| {
                                            let sel = t.key == chosen;
                                            view! { <option value=t.key selected=sel>{t.label}</option> }
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                    </tbody>
                </table>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || check.pending().get()>
                        {move || if check.pending().get() { "Checking every row…" } else { "Check all rows" }}
                    </button>
                </div>
            </ActionForm>
        </section>
        {move || check.value().get().and_then(|r| r.ok()).map(|report| view! {
            <section class="card" data-testid="import-report">
                <h2>"2. Check"</h2>
                <ReportView report=report.clone() />
                {move || stale.get().then(|| view! {
                    <div class="alert alert-warning" role="status">"You changed the mapping: check again before importing."</div>
                })}
                <FormError error=start_error />
                <FormError error=cancel_error />
                <div class="form-actions">
                    {(report.valid > 0).then(|| view! {
                        <ActionForm action=start attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="button button-primary" disabled=move || stale.get() || start.pending().get()>
                                {format!("Import {} contacts", count(report.valid as i64))}
                            </button>
                        </ActionForm>
                    })}
                    <ActionForm action=cancel attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button">"Cancel import"</button>
                    </ActionForm>
                </div>
                {(report.rejected > 0 && report.valid > 0).then(|| view! {
                    <p class="muted small">{format!("The {} rows with problems are skipped; fix them in the DMS and import again.", count(report.rejected as i64))}</p>
                })}
            </section>
        })}
    }
}

#[component]
fn ReportView(report: ImportReport) -> impl IntoView {
    let bad = report.rejected > 0;
    view! {
        <div class="stat-row">
            <div class="stat"><span class="stat-value">{count(report.rows as i64)}</span><span class="muted">"rows"</span></div>
            <div class="stat"><span class="stat-value">{count(report.create as i64)}</span><span class="muted">"new contacts"</span></div>
            <div class="stat"><span class="stat-value">{count(report.update as i64)}</span><span class="muted">"to update"</span></div>
            <div class="stat"><span class="stat-value">{count(report.unchanged as i64)}</span><span class="muted">"unchanged"</span></div>
            <div class="stat" class:stat-bad=bad><span class="stat-value">{count(report.rejected as i64)}</span><span class="muted">"rows with problems"</span></div>
        </div>
        {(!report.problems.is_empty()).then(|| view! {
            <h3>"Problems"</h3>
            <div class="table-wrap">
            <table class="data-table stack" data-testid="import-problems">
                <thead><tr>
                    <th scope="col" class="num">"Line"</th>
                    <th scope="col">"Customer no."</th>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Value"</th>
                    <th scope="col">"Problem"</th>
                </tr></thead>
                <tbody>
                {report.problems.into_iter().map(|p| view! {
                    <tr>
                        <td class="num" data-label="Line">{p.line}</td>
                        <td data-label="Customer no."><code>{p.customer_no}</code></td>
                        <td data-label="Column">{p.column}</td>
                        <td data-label="Value" class="break">{p.value}</td>
                        <td data-label="Problem">{p.message}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
            </div>
            {(report.more_problems > 0).then(|| view! { <p class="muted">{format!("…and {} more problems.", count(report.more_problems as i64))}</p> })}
        })}
    }
}

/// Polls the import twice a second until it ends, then shows the outcome.
#[component]
fn ImportProgressBar(id: i64) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let progress = Resource::new(move || tick.get(), move |_| import_status(id));
    Effect::new(move |_| {
        let running = move || {
            progress
                .get_untracked()
                .is_none_or(|p| p.is_ok_and(|p| p.status == ImportStatus::Importing))
        };
        let poll = move || {
            if running() {
                tick.update(|t| *t += 1);
            }
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_millis(500)) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <section class="card" data-testid="import-progress">
            <h2>"Importing"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match progress.await {
                        Ok(p) if p.status == ImportStatus::Importing => {
                            let pct = if p.rows_total > 0 { p.rows_done as f64 * 100.0 / p.rows_total as f64 } else { 0.0 };
                            view! {
                                <progress max=p.rows_total.max(1).to_string() value=p.rows_done.to_string() aria-label="Import progress"></progress>
                                <p class="muted">{format!("{} of {} rows ({pct:.0}%)", count(p.rows_done as i64), count(p.rows_total as i64))}</p>
                            }.into_any()
                        }
                        Ok(p) if p.status == ImportStatus::Done => done_view(p.summary.unwrap_or_default()).into_any(),
                        Ok(_) => view! { <div class="alert alert-error" role="alert">"The import failed and nothing was imported."</div> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
