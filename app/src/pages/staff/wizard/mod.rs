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

mod config;
mod field_rules;
mod message;
mod recipients;
mod send;

use config::*;
use field_rules::*;
use message::*;
use recipients::*;
use send::*;
