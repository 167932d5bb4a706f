//! Step 5: the summary, and sending after a confirmation that names the number.

use super::*;

#[component]
pub(super) fn SendStep(draft: RunDraft, summary: Summary) -> impl IntoView {
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
                                <div class="field">
                                    <label for="send-reminders">"Plan reminders (optional)"</label>
                                    <input id="send-reminders" name="reminders" type="text" inputmode="numeric"
                                        placeholder="e.g. 3, 6" aria-describedby="send-reminders-hint" />
                                    <p class="hint" id="send-reminders-hint">"Days after sending, 1 to 7: a reminder goes to whoever has not answered by then, while the links work. The run's page shows them and can remove one."</p>
                                    <FieldError error=error name="reminders" />
                                </div>
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
