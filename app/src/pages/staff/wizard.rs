//! The run wizard: five steps (configuration, recipients, e-mail, data fields, send),
//! each a form that saves the draft on the server and moves on. Any saved step can be
//! reopened until the run is sent. The server checks every step; the e-mail step also
//! checks templates as you type, with the same parser.

use crate::components::data_table::count;
use crate::components::run_widgets::Stepper;
use crate::components::{
    BodyOwner, FieldError, FormError, Loading, PageHeader, action_error, icons,
};
use crate::server_fns::runs::{
    CreateRun, PreviewMail, SaveRunConfig, SaveRunEmail, SaveRunFields, SaveRunRecipients, SendRun,
    SendTestMail, load_recipient_summary, load_run_defaults, load_run_draft,
};
use datacheck_core::domain::Template;
use datacheck_core::error::AppError;
use datacheck_core::wire::{FieldRule, RecipientSummary, RunDefaults, RunDraft, RunId, RunStatus};

/// Who the draft reaches, loaded by the page (not by a step, so leaving a step while it
/// loads leaves nothing waiting on a disposed resource); `bump` reloads it.
#[derive(Clone, Copy)]
struct Summary {
    resource: Resource<Result<RecipientSummary, AppError>>,
    bump: RwSignal<u32>,
}
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// Goes to `href(id)` once `action` answers with a run id.
fn on_saved<A>(action: ServerAction<A>, href: impl Fn(i64) -> String + 'static)
where
    A: leptos::server_fn::ServerFn<Output = RunId, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(RunId(id))) = action.value().get() {
            navigate(&href(id), Default::default());
        }
    });
}

#[component]
pub fn NewRunPage() -> impl IntoView {
    let defaults = Resource::new(|| (), |_| load_run_defaults());
    view! {
        <Title text="New data check" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/runs">"Data checks"</a></nav>
        <PageHeader title="New data check" description="Five steps; the draft is saved at every step, and you can come back to any step until you send." />
        <Stepper run=None current=1 steps_done=0 />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match defaults.await {
                    Ok(d) => view! { <ConfigStep draft=None defaults=d /> }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditRunPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let step = move || query.with(|q| q.get("step").and_then(|s| s.parse::<usize>().ok()));
    let draft = Resource::new(
        move || (id(), step()),
        |(id, _)| async move {
            match id {
                Some(id) => load_run_draft(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let defaults = Resource::new(|| (), |_| load_run_defaults());
    let bump = RwSignal::new(0u32);
    let summary = Summary {
        resource: Resource::new(
            move || (id(), step(), bump.get()),
            |(id, _, _)| async move {
                match id {
                    Some(id) => load_recipient_summary(id).await,
                    None => Err(AppError::NotFound),
                }
            },
        ),
        bump,
    };
    let body = BodyOwner::new();
    view! {
        <Title text="Edit data check" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/runs">"Data checks"</a></nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let draft = match draft.await {
                    Ok(d) => d,
                    Err(e) => return view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                };
                if draft.status != RunStatus::Draft {
                    let href = format!("/staff/runs/{}", draft.id.0);
                    return view! {
                        <PageHeader title=draft.name.clone() />
                        <div class="alert alert-warning" role="status">
                            "This data check has been sent: it cannot be changed any more. "
                            <a href=href>"Open its page"</a>
                        </div>
                    }.into_any();
                }
                let done = draft.steps_done.max(1) as usize;
                let current = step().unwrap_or(done + 1).clamp(1, (done + 1).min(5));
                let defaults = defaults.await.ok();
                let id = draft.id.0;
                body.build(move || view! {
                    <PageHeader title=draft.name.clone() description=format!("Draft for {}", draft.company.name) />
                    <Stepper run=Some(id) current=current steps_done=done />
                    {match (current, defaults) {
                        (1, Some(d)) => view! { <ConfigStep draft=Some(draft) defaults=d /> }.into_any(),
                        (1, None) => view! { <Loading /> }.into_any(),
                        (2, _) => view! { <RecipientsStep draft=draft summary=summary /> }.into_any(),
                        (3, _) => view! { <EmailStep draft=draft summary=summary /> }.into_any(),
                        (4, _) => view! { <FieldsStep draft=draft /> }.into_any(),
                        _ => view! { <SendStep draft=draft summary=summary /> }.into_any(),
                    }}
                }).into_any()
            })}
        </Transition>
    }
}

// ---------------------------------------------------------------------------------
// Step 1

#[component]
fn ConfigStep(draft: Option<RunDraft>, defaults: RunDefaults) -> impl IntoView {
    let create = ServerAction::<CreateRun>::new();
    let save = ServerAction::<SaveRunConfig>::new();
    on_saved(create, |id| format!("/staff/runs/{id}/edit?step=2"));
    on_saved(save, |id| format!("/staff/runs/{id}/edit?step=2"));
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| save.value().get().and_then(|r| r.err()))
    });
    let pending = Signal::derive(move || create.pending().get() || save.pending().get());
    let d = draft.clone();
    let value =
        move |f: fn(&RunDraft) -> String, default: String| d.as_ref().map(f).unwrap_or(default);
    let company = draft.as_ref().map(|d| d.company.id.0);
    let fields = view! {
        <FormError error=error />
        {draft.as_ref().map(|d| view! { <input type="hidden" name="id" value=d.id.0.to_string() /> })}
        <div class="field field-wide">
            <label for="run-name">"Name"</label>
            <input id="run-name" name="name" required=true maxlength="120" autocomplete="off"
                value=value(|d| d.name.clone(), String::new())
                placeholder="e.g. Autumn 2026 data check"
                aria-describedby="run-name-hint name-error" />
            <p class="hint" id="run-name-hint">"Unique: staff find the run and its mutations by it."</p>
            <FieldError error=error name="name" />
        </div>
        <div class="field">
            <label for="run-company">"Company"</label>
            <select id="run-company" name="company" aria-describedby="company-error">
                {defaults.companies.iter().map(|c| {
                    let selected = Some(c.id.0) == company;
                    view! { <option value=c.id.0.to_string() selected=selected>{c.name.clone()}</option> }
                }).collect_view()}
            </select>
            <FieldError error=error name="company" />
        </div>
        <div class="field">
            <label for="run-valid-to">"Valid to"</label>
            <input id="run-valid-to" name="valid_to" type="date" required=true
                value=value(|d| d.valid_to.clone(), defaults.valid_to.clone())
                aria-describedby="run-valid-to-hint valid_to-error" />
            <p class="hint" id="run-valid-to-hint">"Links stop working at the end of this day, and never later than 8 days after they were sent."</p>
            <FieldError error=error name="valid_to" />
        </div>
        <div class="field">
            <label for="run-sender-name">"Sender name"</label>
            <input id="run-sender-name" name="sender_name" maxlength="100"
                value=value(|d| d.sender_name.clone(), String::new())
                placeholder="The company's name" aria-describedby="sender_name-error" />
            <FieldError error=error name="sender_name" />
        </div>
        <div class="field">
            <label for="run-sender-email">"Sender address"</label>
            <input id="run-sender-email" name="sender_email" type="email"
                value=value(|d| d.sender_email.clone(), defaults.sender_email.clone())
                aria-describedby="sender_email-error" />
            <FieldError error=error name="sender_email" />
        </div>
        <div class="field">
            <label for="run-reply-to">"Reply-to"</label>
            <input id="run-reply-to" name="reply_to" type="email"
                value=value(|d| d.reply_to.clone(), defaults.reply_to.clone())
                aria-describedby="run-reply-hint reply_to-error" />
            <p class="hint" id="run-reply-hint">"Where answers to the mail go; your own address by default."</p>
            <FieldError error=error name="reply_to" />
        </div>
        <div class="form-actions">
            <button type="submit" class="button button-primary" disabled=move || pending.get()>"Save and continue"</button>
        </div>
    };
    view! {
        <section class="card" data-testid="step-configuration">
            <h2>"1. Configuration"</h2>
            {if draft.is_some() {
                view! { <ActionForm action=save attr:class="form form-grid" attr:novalidate=true>{fields}</ActionForm> }.into_any()
            } else {
                view! { <ActionForm action=create attr:class="form form-grid" attr:novalidate=true>{fields}</ActionForm> }.into_any()
            }}
        </section>
    }
}

// ---------------------------------------------------------------------------------
// Step 2

#[component]
fn RecipientsStep(draft: RunDraft, summary: Summary) -> impl IntoView {
    let id = draft.id.0;
    let save = ServerAction::<SaveRunRecipients>::new();
    let error = action_error(save);
    Effect::new(move |first: Option<()>| {
        save.version().track();
        if first.is_some() {
            summary.bump.update(|n| *n += 1);
        }
    });
    let mode = RwSignal::new(draft.recipient_mode.clone());
    let list = RwSignal::new(draft.recipient_list.clone());
    let file_note = RwSignal::new(None::<String>);
    let f = draft.filter.clone();
    let on_file = move |ev: leptos::ev::Event| {
        use web_sys::wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => {
                    list.set(text.as_string().unwrap_or_default());
                    file_note.set(Some(format!(
                        "Read {name}: check the numbers below, then save."
                    )));
                }
                Err(_) => file_note.set(Some(format!("{name} could not be read."))),
            }
        });
    };
    let continue_href = format!("/staff/runs/{id}/edit?step=3");
    let steps_done = draft.steps_done;
    view! {
        <section class="card" data-testid="step-recipients">
            <h2>"2. Recipients"</h2>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormError error=error />
                <input type="hidden" name="id" value=id.to_string() />
                <fieldset class="choices">
                    <legend>"Who receives the mail"</legend>
                    <label class="choice">
                        <input type="radio" name="mode" value="filter" checked=draft.recipient_mode == "filter"
                            on:change=move |_| mode.set("filter".into()) />
                        "Contacts that match filters"
                    </label>
                    <label class="choice">
                        <input type="radio" name="mode" value="list" checked=draft.recipient_mode == "list"
                            on:change=move |_| mode.set("list".into()) />
                        "A list of customer numbers"
                    </label>
                </fieldset>
                <div class="form-grid" class:hidden=move || mode.get() != "filter">
                    <div class="field">
                        <label for="r-kind">"Kind"</label>
                        <select id="r-kind" name="kind">
                            <option value="">"Persons and organisations"</option>
                            <option value="person" selected=f.kind.as_deref() == Some("person")>"Persons"</option>
                            <option value="organisation" selected=f.kind.as_deref() == Some("organisation")>"Organisations"</option>
                        </select>
                        <FieldError error=error name="kind" />
                    </div>
                    <div class="field">
                        <label for="r-city">"City"</label>
                        <input id="r-city" name="city" value=f.city.clone().unwrap_or_default() />
                    </div>
                    <div class="field">
                        <label for="r-q">"Search"</label>
                        <input id="r-q" name="q" type="search" value=f.q.clone().unwrap_or_default()
                            placeholder="Name, customer number or e-mail" />
                        <FieldError error=error name="q" />
                    </div>
                    <div class="field">
                        <label for="r-confirmed">"Last confirmed before"</label>
                        <input id="r-confirmed" name="confirmed_before" type="date"
                            value=f.confirmed_before.clone().unwrap_or_default() aria-describedby="r-confirmed-hint" />
                        <p class="hint" id="r-confirmed-hint">"Only contacts that confirmed nothing since this date (or never)."</p>
                        <FieldError error=error name="confirmed_before" />
                    </div>
                </div>
                <div class="field" class:hidden=move || mode.get() != "list">
                    <label for="r-list">"Customer numbers"</label>
                    <textarea id="r-list" name="list" rows="6" prop:value=move || list.get()
                        on:input=move |ev| list.set(event_target_value(&ev))
                        aria-describedby="r-list-hint list-error"></textarea>
                    <p class="hint" id="r-list-hint">"One per line, or separated by commas or semicolons. Or read them from a file:"</p>
                    <input type="file" accept=".csv,.txt,text/plain,text/csv" aria-label="Read customer numbers from a file" on:change=on_file />
                    {move || file_note.get().map(|n| view! { <p class="hint" role="status">{n}</p> })}
                    <FieldError error=error name="list" />
                </div>
                <label class="choice">
                    <input type="checkbox" name="marketing" checked=draft.marketing data-testid="r-marketing" />
                    "This mail is marketing (offers, news): leave out contacts who withdrew e-marketing consent"
                </label>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">"Save and count"</button>
                    {(steps_done >= 2).then(|| view! { <a class="button" href=continue_href.clone()>"Continue to the e-mail →"</a> })}
                </div>
            </ActionForm>
        </section>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match summary.resource.await {
                    Ok(s) => view! { <SummaryCard summary=s run=id /> }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SummaryCard(summary: RecipientSummary, run: i64) -> impl IntoView {
    let s = summary;
    let some_unreachable = s.unreachable_total > 0;
    let next = format!("/staff/runs/{run}/edit?step=3");
    view! {
        <section class="card" data-testid="recipient-summary" aria-live="polite">
            <h2>"Who the mail reaches"</h2>
            <div class="stat-row">
                <div class="stat"><span class="stat-number" data-testid="reachable">{count(s.reachable)}</span><span class="label">"will receive the mail"</span></div>
                <div class="stat" class:stat-bad=some_unreachable><span class="stat-number" data-testid="unreachable">{count(s.unreachable_total)}</span><span class="label">"cannot be reached"</span></div>
                <div class="stat"><span class="stat-number">{count(s.dutch)}</span><span class="label">"in Dutch"</span></div>
                <div class="stat"><span class="stat-number">{count(s.english)}</span><span class="label">"in English"</span></div>
            </div>
            {(s.withdrawn > 0).then(|| {
                let note = if s.marketing {
                    format!("{} selected contact(s) withdrew e-marketing consent and are left out: this mail is marketing.", count(s.withdrawn))
                } else {
                    format!("{} of them withdrew e-marketing consent. A data check is not marketing, so they get it; tick \"This mail is marketing\" to leave them out.", count(s.withdrawn))
                };
                view! { <p class="alert alert-info" role="status" data-testid="withdrawn-note">{note}</p> }
            })}
            {(!s.unknown_numbers.is_empty()).then(|| view! {
                <div class="alert alert-warning" role="status" data-testid="unknown-numbers">
                    {format!("{} customer number(s) are not in this company's register: {}", s.unknown_numbers.len(),
                        s.unknown_numbers.iter().take(20).cloned().collect::<Vec<_>>().join(", "))}
                </div>
            })}
            {(!s.unreachable.is_empty()).then(|| view! {
                <details class="unreachable">
                    <summary>{format!("Show the {} contact(s) without a usable e-mail address", count(s.unreachable_total))}</summary>
                    <div class="table-wrap">
                    <table class="data-table stack" data-testid="unreachable-list">
                        <thead><tr><th scope="col">"Customer no."</th><th scope="col">"Name"</th><th scope="col">"Why"</th></tr></thead>
                        <tbody>
                            {s.unreachable.iter().map(|u| view! {
                                <tr>
                                    <td data-label="Customer no."><a href=format!("/staff/contacts/{}", u.id)>{u.customer_no.clone()}</a></td>
                                    <td data-label="Name">{u.name.clone()}</td>
                                    <td data-label="Why">{u.reason.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {(s.unreachable_total > s.unreachable.len() as i64).then(|| view! {
                        <p class="muted small">{format!("The first {} are shown.", s.unreachable.len())}</p>
                    })}
                </details>
            })}
            {(s.reachable > 0).then(|| view! { <a class="button button-primary" href=next>"Continue to the e-mail →"</a> })}
        </section>
    }
}

// ---------------------------------------------------------------------------------
// Step 3

/// Problems of a template as the server would report them, for the live check.
fn problems(subject: bool, text: &str) -> Vec<String> {
    let result = if subject {
        Template::parse_subject(text)
    } else {
        Template::parse_body(text)
    };
    result
        .err()
        .map(|ps| ps.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

#[component]
fn TemplateField(
    name: &'static str,
    label: &'static str,
    subject: bool,
    text: RwSignal<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("t-{name}");
    let live = Memo::new(move |_| problems(subject, &text.get()));
    let server = move || error.get().and_then(|e| e.for_field(name));
    let described = format!("{name}-live {name}-error");
    let input = if subject {
        view! {
            <input id=id.clone() name=name maxlength="200" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-invalid=move || (!live.get().is_empty()).to_string() aria-describedby=described.clone() />
        }
        .into_any()
    } else {
        view! {
            <textarea id=id.clone() name=name rows="12" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-invalid=move || (!live.get().is_empty()).to_string() aria-describedby=described.clone()></textarea>
        }
        .into_any()
    };
    view! {
        <div class="field field-wide">
            <label for=id>{label}</label>
            {input}
            <div id=format!("{name}-live") aria-live="polite">
                {move || {
                    let ps = live.get();
                    (!ps.is_empty() && server().is_none()).then(|| view! {
                        <ul class="field-error template-problems" data-testid=format!("{name}-problems")>
                            {ps.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    })
                }}
            </div>
            <FieldError error=error name=name />
        </div>
    }
}

#[component]
fn EmailStep(draft: RunDraft, summary: Summary) -> impl IntoView {
    let id = draft.id.0;
    let save = ServerAction::<SaveRunEmail>::new();
    let test = ServerAction::<SendTestMail>::new();
    on_saved(save, |id| format!("/staff/runs/{id}/edit?step=4"));
    let t = draft.templates.clone();
    let nl_subject = RwSignal::new(t.nl.subject);
    let nl_body = RwSignal::new(t.nl.body);
    let en_subject = RwSignal::new(t.en.subject);
    let en_body = RwSignal::new(t.en.body);
    // The server's answer is about the text it was sent: once the text changes, the
    // live check speaks instead.
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        save.version().track();
        stale.set(false);
    });
    Effect::new(move |_| {
        nl_subject.track();
        nl_body.track();
        en_subject.track();
        en_body.track();
        stale.set(true);
    });
    let answer = action_error(save);
    let error = Signal::derive(move || if stale.get() { None } else { answer.get() });
    let language = RwSignal::new("nl".to_string());
    let contact = RwSignal::new(None::<i64>);
    // The preview follows the text after a short pause in typing. An action, not a
    // resource: it only ever runs in the browser, and nothing awaits it.
    let preview = ServerAction::<PreviewMail>::new();
    let settled = RwSignal::new(0u32);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        nl_subject.track();
        nl_body.track();
        en_subject.track();
        en_body.track();
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            move || settled.update(|n| *n += 1),
            std::time::Duration::from_millis(400),
        );
        timer.set_value(h.ok());
    });
    Effect::new(move |_| {
        settled.track();
        let (language, contact) = (language.get(), contact.get());
        let (subject, body) = if language == "en" {
            (en_subject.get_untracked(), en_body.get_untracked())
        } else {
            (nl_subject.get_untracked(), nl_body.get_untracked())
        };
        preview.dispatch(PreviewMail {
            id,
            contact,
            language,
            subject: Some(subject),
            body: Some(body),
        });
    });
    let placeholders = "<salutation>, <name>, <company>, <link>, <valid_until>";
    view! {
        <section class="card" data-testid="step-email">
            <h2>"3. E-mail"</h2>
            <p class="muted">{format!("Plain text with placeholders in angle brackets: {placeholders}. <link> and <valid_until> are required. Each recipient gets the language of their contact record.")}</p>
            <ActionForm action=save attr:class="form email-form" attr:novalidate=true>
                <FormError error=error />
                <input type="hidden" name="id" value=id.to_string() />
                <div class="language-columns">
                    <fieldset class="language-block">
                        <legend>"Dutch (nl)"</legend>
                        <TemplateField name="nl_subject" label="Subject" subject=true text=nl_subject error=error />
                        <TemplateField name="nl_body" label="Message" subject=false text=nl_body error=error />
                    </fieldset>
                    <fieldset class="language-block">
                        <legend>"English (en)"</legend>
                        <TemplateField name="en_subject" label="Subject" subject=true text=en_subject error=error />
                        <TemplateField name="en_body" label="Message" subject=false text=en_body error=error />
                    </fieldset>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">"Save and continue"</button>
                </div>
            </ActionForm>
        </section>
        <section class="card" data-testid="mail-preview">
            <h2>"Preview"</h2>
            <div class="form-grid">
                <div class="field">
                    <label for="p-lang">"Language"</label>
                    <select id="p-lang" on:change=move |ev| language.set(event_target_value(&ev))>
                        <option value="nl">"Dutch"</option>
                        <option value="en">"English"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="p-contact">"For recipient"</label>
                    <select id="p-contact" on:change=move |ev| contact.set(event_target_value(&ev).parse().ok())>
                        <option value="">"(an example customer)"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                summary.resource.await.ok().map(|s| s.sample.into_iter().map(|c| view! {
                                    <option value=c.id.to_string()>{format!("{} · {} ({})", c.customer_no, c.name, c.language)}</option>
                                }).collect_view())
                            })}
                        </Suspense>
                    </select>
                </div>
            </div>
            <div aria-live="polite">
                {move || preview.value().get().map(|r| {
                    match r {
                        Ok(p) => view! {
                            <div class="mail-preview">
                                <dl class="mail-headers">
                                    <div><dt>"From"</dt><dd>{p.from}</dd></div>
                                    <div><dt>"Reply-to"</dt><dd>{p.reply_to}</dd></div>
                                    <div><dt>"To"</dt><dd>{p.to}</dd></div>
                                    <div><dt>"Subject"</dt><dd data-testid="preview-subject">{p.subject}</dd></div>
                                </dl>
                                // Rendered by the server's template renderer, which escapes every value.
                                <div class="mail-body" data-testid="preview-body" inner_html=p.html></div>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="muted" role="status">{format!("No preview until the text is fixed: {e}")}</p> }.into_any(),
                    }
                })}
            </div>
            <div class="form-actions">
                <button type="button" class="button" on:click=move |_| {
                    test.dispatch(SendTestMail { id, contact: contact.get_untracked(), language: language.get_untracked() });
                }>{icons::send()}"Send a test mail to me"</button>
                <span role="status" data-testid="test-mail-status">
                    {move || test.value().get().map(|r| match r {
                        Ok(to) => format!("Test mail (saved text) queued to {to}."),
                        Err(e) => e.to_string(),
                    })}
                </span>
            </div>
        </section>
    }
}

// ---------------------------------------------------------------------------------
// Step 4

#[component]
fn FieldsStep(draft: RunDraft) -> impl IntoView {
    let id = draft.id.0;
    let save = ServerAction::<SaveRunFields>::new();
    on_saved(save, |id| format!("/staff/runs/{id}/edit?step=5"));
    let error = action_error(save);
    view! {
        <section class="card" data-testid="step-fields">
            <h2>"4. Data fields"</h2>
            <p class="muted">"What each recipient sees of their own data. The field catalogue sets the most a customer may do with a field."</p>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormError error=error />
                <FieldError error=error name="rules" />
                <input type="hidden" name="id" value=id.to_string() />
                <div class="table-wrap">
                <table class="data-table rules-table">
                    <thead><tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Hidden"</th>
                        <th scope="col">"Read-only"</th>
                        <th scope="col">"Editable"</th>
                    </tr></thead>
                    <tbody>
                        {draft.fields.into_iter().map(|f| {
                            let name = format!("rules[{}]", f.key);
                            view! {
                                <tr data-field=f.key.clone()>
                                    <th scope="row">
                                        {f.label.clone()}
                                        {(!f.builtin).then(|| view! { <span class="badge badge-muted">"custom"</span> })}
                                        <FieldError error=error name=name.clone() />
                                    </th>
                                    {[FieldRule::Hidden, FieldRule::ReadOnly, FieldRule::Editable].into_iter().map(|r| {
                                        let allowed = r <= f.max;
                                        view! {
                                            <td data-label=r.label()>
                                                <input type="radio" name=name.clone() value=r.as_str() checked=f.rule == r
                                                    disabled=!allowed
                                                    aria-label=format!("{}: {}", f.label, r.label()) />
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                <fieldset class="choices">
                    <legend>"Sections of the customer page"</legend>
                    <label class="choice"><input type="checkbox" name="show_contact_persons" checked=draft.show_contact_persons />"Contact persons (edit, add, mark as left)"</label>
                    <label class="choice"><input type="checkbox" name="show_notifications" checked=draft.show_notifications />"Notification preferences per contact person"</label>
                    <label class="choice"><input type="checkbox" name="show_subscriptions" checked=draft.show_subscriptions />"Subscriptions and e-marketing consent"</label>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">"Save and continue"</button>
                </div>
            </ActionForm>
        </section>
    }
}

// ---------------------------------------------------------------------------------
// Step 5

#[component]
fn SendStep(draft: RunDraft, summary: Summary) -> impl IntoView {
    let id = draft.id.0;
    let send = ServerAction::<SendRun>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            navigate(&format!("/staff/runs/{id}"), Default::default());
        }
    });
    let error = action_error(send);
    let shown = draft
        .fields
        .iter()
        .filter(|f| f.rule != FieldRule::Hidden)
        .count();
    let editable = draft
        .fields
        .iter()
        .filter(|f| f.rule == FieldRule::Editable)
        .count();
    let sections: Vec<&str> = [
        (draft.show_contact_persons, "contact persons"),
        (draft.show_notifications, "notification preferences"),
        (draft.show_subscriptions, "subscriptions"),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    view! {
        <section class="card" data-testid="step-send">
            <h2>"5. Send"</h2>
            <dl class="dl">
                <div class="dl-row"><dt>"Name"</dt><dd>{draft.name.clone()}</dd></div>
                <div class="dl-row"><dt>"Company"</dt><dd>{draft.company.name.clone()}</dd></div>
                <div class="dl-row"><dt>"Valid to"</dt><dd>{draft.valid_to.clone()}" (links die at the end of the day, at most 8 days after sending)"</dd></div>
                <div class="dl-row"><dt>"From"</dt><dd>{format!("{} <{}>", draft.sender_name, draft.sender_email)}</dd></div>
                <div class="dl-row"><dt>"Reply-to"</dt><dd>{draft.reply_to.clone()}</dd></div>
                <div class="dl-row"><dt>"Subject (nl / en)"</dt><dd>{format!("{} / {}", draft.templates.nl.subject, draft.templates.en.subject)}</dd></div>
                <div class="dl-row"><dt>"Fields"</dt><dd>{format!("{shown} shown, {editable} editable; {}", if sections.is_empty() { "no extra sections".to_string() } else { sections.join(", ") })}</dd></div>
            </dl>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match summary.resource.await {
                        Ok(s) if s.reachable == 0 => view! {
                            <div class="alert alert-error" role="alert">"No selected contact has an e-mail address: choose other recipients in step 2."</div>
                        }.into_any(),
                        Ok(s) => view! {
                            <ActionForm action=send attr:class="form send-form">
                                <FormError error=error />
                                <input type="hidden" name="id" value=id.to_string() />
                                <input type="hidden" name="expected" value=s.reachable.to_string() />
                                <p class="lead" data-testid="send-count">
                                    {format!("{} recipients will get a personal link", count(s.reachable))}
                                    {(s.unreachable_total > 0).then(|| format!("; {} contacts without an e-mail address are left out", count(s.unreachable_total)))}
                                    "."
                                </p>
                                <label class="choice">
                                    <input type="checkbox" name="confirm" required=true />
                                    "I have checked the recipients, the e-mail and the fields."
                                </label>
                                <div class="form-actions">
                                    <button type="submit" class="button button-primary" disabled=move || send.pending().get()>
                                        {icons::send()}{format!("Send to {} recipients", count(s.reachable))}
                                    </button>
                                </div>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
