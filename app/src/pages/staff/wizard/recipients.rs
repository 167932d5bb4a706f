//! Step 2: who the run reaches, by filter or by a list of customer numbers.

use super::*;

#[component]
pub(super) fn RecipientsStep(draft: RunDraft, summary: Summary) -> impl IntoView {
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
pub(super) fn SummaryCard(summary: RecipientSummary, run: i64) -> impl IntoView {
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
