//! Step 1: the run's name, company, deadline, sender and reply-to.

use super::*;

#[component]
pub(super) fn ConfigStep(draft: Option<RunDraft>, defaults: RunDefaults) -> impl IntoView {
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
