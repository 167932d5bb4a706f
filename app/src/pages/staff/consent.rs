//! The consent and privacy cards of the staff contact page: purposes with their legal
//! basis and state, subscriptions, the consent history, the lasting preferences link,
//! and the data subject requests (export, erase).

use crate::components::{FieldError, FormError, action_error, icons};
use crate::server_fns::contacts::{
    EraseContact, PreferencesLink, RecordConsent, RevokePreferencesLink, get_contact_consent,
};
use datacheck_core::wire::{
    ConsentHistoryRow, ConsentSource, ConsentState, ContactConsent, ContactId, LegalBasis,
};
use leptos::prelude::*;

fn state_badge(s: ConsentState) -> impl IntoView {
    let class = match s {
        ConsentState::Given => "badge badge-success",
        ConsentState::None => "badge badge-muted",
        ConsentState::Withdrawn => "badge badge-danger",
    };
    view! { <span class=class>{s.label()}</span> }
}

fn source_label(s: ConsentSource) -> &'static str {
    match s {
        ConsentSource::Portal => "Data check",
        ConsentSource::Preferences => "Preferences page",
        ConsentSource::Staff => "Staff",
        ConsentSource::Api => "DMS (API)",
        ConsentSource::Unsubscribe => "One-click unsubscribe",
        ConsentSource::Import => "Import",
        ConsentSource::Migration => "Default",
    }
}

#[component]
pub fn ConsentCards(id: ContactId, customer_no: String) -> impl IntoView {
    let record = ServerAction::<RecordConsent>::new();
    let link = ServerAction::<PreferencesLink>::new();
    let revoke = ServerAction::<RevokePreferencesLink>::new();
    let erase = ServerAction::<EraseContact>::new();
    let consent = Resource::new(
        move || {
            (
                record.version().get(),
                revoke.version().get(),
                link.version().get(),
            )
        },
        move |_| get_contact_consent(id),
    );
    let record_error = action_error(record);
    let erase_error = action_error(erase);
    view! {
        <Transition fallback=|| view! { <section class="card"><h2>"Consent and subscriptions"</h2><p class="muted">"Loading…"</p></section> }>
            {move || Suspend::new(async move {
                match consent.await {
                    Ok(c) => consent_view(c, record, link, revoke, record_error).into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
        <section class="card" data-testid="contact-privacy">
            <h2>"Data subject requests"</h2>
            <p class="muted small">"When this person asks what is stored about them, or asks to be forgotten. Both are recorded in the audit log."</p>
            <p>
                <a class="button" href=format!("/staff/contacts/{id}/export.json") download="" data-testid="contact-export">
                    {icons::download()}"Download all data (JSON)"
                </a>
            </p>
            <details class="danger-zone">
                <summary>"Erase this contact"</summary>
                <p class="small">"Removes the contact, its contact persons, consent history, links, mails and answers from Datacheck. This cannot be undone. The DMS keeps its own copy: remove the customer there too, or the next import brings them back."</p>
                <FormError error=erase_error />
                <ActionForm action=erase attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id.0 />
                    <div class="field">
                        <label for="erase-confirm">{format!("Type the customer number {customer_no} to confirm")}</label>
                        <input id="erase-confirm" name="confirm" autocomplete="off" required=true />
                        <FieldError error=erase_error name="confirm" />
                    </div>
                    <button type="submit" class="button button-danger" disabled=move || erase.pending().get() data-testid="contact-erase">
                        "Erase for good"
                    </button>
                </ActionForm>
            </details>
        </section>
    }
}

fn consent_view(
    c: ContactConsent,
    record: ServerAction<RecordConsent>,
    link: ServerAction<PreferencesLink>,
    revoke: ServerAction<RevokePreferencesLink>,
    record_error: Signal<Option<datacheck_core::error::AppError>>,
) -> impl IntoView {
    let id = c.contact;
    let purposes = c.purposes.clone();
    let live = c.live_link;
    view! {
        <section class="card" data-testid="contact-consent">
            <h2>"Consent and subscriptions"</h2>
            <p>
                {if c.may_market {
                    view! { <span class="badge badge-success">"Marketing mail allowed"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-warning">"No marketing mail"</span> }.into_any()
                }}
            </p>
            <div class="table-wrap">
            <table class="data-table stack compact" data-testid="contact-purposes">
                <thead><tr><th scope="col">"Purpose"</th><th scope="col">"Legal basis"</th><th scope="col">"State"</th><th scope="col">"Since"</th></tr></thead>
                <tbody>
                    {purposes.into_iter().map(|p| view! {
                        <tr data-purpose=p.key.clone()>
                            <td data-label="Purpose"><strong>{p.name}</strong></td>
                            <td data-label="Legal basis">{p.legal_basis.label()}</td>
                            <td data-label="State">{state_badge(p.state)}</td>
                            <td data-label="Since" class="nowrap muted">{p.changed.unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <h3>"Subscriptions"</h3>
            <ul class="plain-list" data-testid="contact-subscriptions">
                {c.subscriptions.into_iter().map(|s| view! {
                    <li data-subscription=s.key.clone()>
                        {if s.subscribed { icons::check().into_any() } else { view! { <span class="muted" aria-hidden="true">"–"</span> }.into_any() }}
                        " "{s.name}
                        <span class="visually-hidden">{if s.subscribed { " (subscribed)" } else { " (not subscribed)" }}</span>
                    </li>
                }).collect_view()}
            </ul>

            <h3>"Preferences link"</h3>
            <p class="muted small">"A lasting link to this person's subscription choices, for the organisation's other mailings. Datacheck's own mails carry it."</p>
            <div class="form-inline">
                <button type="button" class="button" data-testid="prefs-link-make"
                    on:click=move |_| { link.dispatch(PreferencesLink { id }); }>
                    "Show the link"
                </button>
                {live.then(|| view! {
                    <button type="button" class="button button-danger" data-testid="prefs-link-revoke"
                        on:click=move |_| { revoke.dispatch(RevokePreferencesLink { id }); }>
                        "Revoke the link"
                    </button>
                })}
            </div>
            {move || link.value().get().map(|r| match r {
                Ok(url) => view! {
                    <label class="field" for="prefs-url">
                        <span>"Preferences link"</span>
                        <input id="prefs-url" readonly=true value=url data-testid="prefs-link" />
                    </label>
                }.into_any(),
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
            {move || revoke.value().get().and_then(|r| r.ok()).map(|n| view! {
                <p class="alert alert-success" role="status">{if n > 0 { "The link is revoked: links already sent no longer open." } else { "There was no live link." }}</p>
            })}

            <h3>"Record a choice"</h3>
            <p class="muted small">"What the person told you directly (a signed form, a phone call). The note is kept as proof."</p>
            <FormError error=record_error />
            {move || record.value().get().and_then(|r| r.ok()).map(|changed| view! {
                <p class="alert alert-success" role="status">{if changed { "Recorded." } else { "Nothing changed: it was already so." }}</p>
            })}
            <ActionForm action=record attr:class="form form-grid" attr:novalidate=true attr:data-testid="consent-record">
                <input type="hidden" name="id" value=id.0 />
                <div class="field">
                    <label for="consent-purpose">"Purpose"</label>
                    <select id="consent-purpose" name="purpose">
                        {c.purposes.iter().map(|p| view! { <option value=p.key.clone() selected=p.key == "e_marketing">{p.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="consent-basis">"Legal basis"</label>
                    <select id="consent-basis" name="legal_basis">
                        {LegalBasis::ALL.iter().map(|b| view! { <option value=b.as_str()>{b.label()}</option> }).collect_view()}
                    </select>
                    <FieldError error=record_error name="legal_basis" />
                </div>
                <div class="field">
                    <label for="consent-state">"State"</label>
                    <select id="consent-state" name="state">
                        <option value="given">"Given"</option>
                        <option value="none">"None"</option>
                        <option value="withdrawn">"Withdrawn"</option>
                    </select>
                    <FieldError error=record_error name="state" />
                </div>
                <div class="field field-wide">
                    <label for="consent-note">"How did the person say so?"</label>
                    <input id="consent-note" name="note" autocomplete="off" placeholder="Signed form at the service desk" />
                    <FieldError error=record_error name="note" />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || record.pending().get()>"Record"</button>
                </div>
            </ActionForm>

            <h3>"History"</h3>
            {history_table(c.history)}
        </section>
    }
}

fn history_table(rows: Vec<ConsentHistoryRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No consent changes recorded yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table stack compact" data-testid="consent-history">
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Purpose"</th><th scope="col">"State"</th>
                    <th scope="col">"Basis"</th><th scope="col">"Source"</th><th scope="col">"By"</th><th scope="col">"Text shown"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-source=r.source.as_str()>
                            <td data-label="When" class="nowrap">{r.at}</td>
                            <td data-label="Purpose">{r.purpose_name}</td>
                            <td data-label="State">{state_badge(r.state)}</td>
                            <td data-label="Basis">{r.legal_basis.label()}</td>
                            <td data-label="Source">{source_label(r.source)}</td>
                            <td data-label="By">{r.actor}</td>
                            <td data-label="Text shown" class="small">{r.shown_text}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
