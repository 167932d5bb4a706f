//! Step 3: the e-mail in both languages, and the reminder's own subject and opening
//! line, checked as you type, with a preview (of the first mail or the reminder) and a
//! test mail.

use super::*;

/// Which part of the mail a text is: each has its own rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Subject,
    Body,
    /// Blank for the first mail's subject, marked as a reminder.
    ReminderSubject,
    /// Blank for none.
    Opening,
}

/// Problems of a template as the server would report them, for the live check.
pub(super) fn problems(part: Part, text: &str) -> Vec<String> {
    let result = match part {
        Part::Subject => Template::parse_subject(text),
        Part::Body => Template::parse_body(text),
        Part::ReminderSubject if text.trim().is_empty() => return Vec::new(),
        Part::ReminderSubject => Template::parse_subject(text),
        Part::Opening => Template::parse_opening(text),
    };
    result
        .err()
        .map(|ps| ps.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

#[component]
pub(super) fn TemplateField(
    name: &'static str,
    label: &'static str,
    part: Part,
    text: RwSignal<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("t-{name}");
    let live = Memo::new(move |_| problems(part, &text.get()));
    let server = move || error.get().and_then(|e| e.for_field(name));
    let described = format!("{name}-live {name}-error");
    let input = if part != Part::Body {
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
pub(super) fn EmailStep(draft: RunDraft, summary: Summary) -> impl IntoView {
    let id = draft.id.0;
    let save = ServerAction::<SaveRunEmail>::new();
    let test = ServerAction::<SendTestMail>::new();
    on_saved(save, |id| format!("/staff/runs/{id}/edit?step=4"));
    let t = draft.templates.clone();
    let nl_subject = RwSignal::new(t.nl.subject);
    let nl_body = RwSignal::new(t.nl.body);
    let en_subject = RwSignal::new(t.en.subject);
    let en_body = RwSignal::new(t.en.body);
    let nl_reminder_subject = RwSignal::new(t.reminder.nl.subject);
    let nl_reminder_opening = RwSignal::new(t.reminder.nl.opening);
    let en_reminder_subject = RwSignal::new(t.reminder.en.subject);
    let en_reminder_opening = RwSignal::new(t.reminder.en.opening);
    let texts = [
        nl_subject,
        nl_body,
        en_subject,
        en_body,
        nl_reminder_subject,
        nl_reminder_opening,
        en_reminder_subject,
        en_reminder_opening,
    ];
    // The server's answer is about the text it was sent: once the text changes, the
    // live check speaks instead.
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        save.version().track();
        stale.set(false);
    });
    Effect::new(move |_| {
        texts.iter().for_each(|t| t.track());
        stale.set(true);
    });
    let answer = action_error(save);
    let error = Signal::derive(move || if stale.get() { None } else { answer.get() });
    let language = RwSignal::new("nl".to_string());
    let contact = RwSignal::new(None::<i64>);
    // Which mail the preview shows: the first one, or the reminder.
    let reminder = RwSignal::new(false);
    // The preview follows the text after a short pause in typing. An action, not a
    // resource: it only ever runs in the browser, and nothing awaits it.
    let preview = ServerAction::<PreviewMail>::new();
    let settled = RwSignal::new(0u32);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        texts.iter().for_each(|t| t.track());
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
        let (language, contact, reminder) = (language.get(), contact.get(), reminder.get());
        let (subject, body, reminder_subject, reminder_opening) = if language == "en" {
            (
                en_subject,
                en_body,
                en_reminder_subject,
                en_reminder_opening,
            )
        } else {
            (
                nl_subject,
                nl_body,
                nl_reminder_subject,
                nl_reminder_opening,
            )
        };
        preview.dispatch(PreviewMail {
            id,
            contact,
            language,
            subject: Some(subject.get_untracked()),
            body: Some(body.get_untracked()),
            reminder_subject: reminder.then(|| reminder_subject.get_untracked()),
            reminder_opening: reminder.then(|| reminder_opening.get_untracked()),
        });
    });
    let placeholders = "<salutation>, <name>, <company>, <link>, <valid_until>";
    view! {
        <section class="card" data-testid="step-email">
            <h2>"3. E-mail"</h2>
            <p class="muted">{format!("Plain text with placeholders in angle brackets: {placeholders}. <link> and <valid_until> are required. Each recipient gets the language of their contact record. A reminder has its own subject (left empty: the first mail's, marked as a reminder) and an opening line above the same message.")}</p>
            <ActionForm action=save attr:class="form email-form" attr:novalidate=true>
                <FormError error=error />
                <input type="hidden" name="id" value=id.to_string() />
                <div class="language-columns">
                    <fieldset class="language-block">
                        <legend>"Dutch (nl)"</legend>
                        <TemplateField name="nl_subject" label="Subject" part=Part::Subject text=nl_subject error=error />
                        <TemplateField name="nl_body" label="Message" part=Part::Body text=nl_body error=error />
                        <TemplateField name="nl_reminder_subject" label="Reminder: subject" part=Part::ReminderSubject text=nl_reminder_subject error=error />
                        <TemplateField name="nl_reminder_opening" label="Reminder: opening line (above the message)" part=Part::Opening text=nl_reminder_opening error=error />
                    </fieldset>
                    <fieldset class="language-block">
                        <legend>"English (en)"</legend>
                        <TemplateField name="en_subject" label="Subject" part=Part::Subject text=en_subject error=error />
                        <TemplateField name="en_body" label="Message" part=Part::Body text=en_body error=error />
                        <TemplateField name="en_reminder_subject" label="Reminder: subject" part=Part::ReminderSubject text=en_reminder_subject error=error />
                        <TemplateField name="en_reminder_opening" label="Reminder: opening line (above the message)" part=Part::Opening text=en_reminder_opening error=error />
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
                    <label for="p-mail">"Mail"</label>
                    <select id="p-mail" on:change=move |ev| reminder.set(event_target_value(&ev) == "reminder")>
                        <option value="first">"The first mail"</option>
                        <option value="reminder">"A reminder"</option>
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
