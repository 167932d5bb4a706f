//! The development mailbox: where mails land when no SMTP server is configured, so a
//! developer (and the browser tests) can read them and click their links.

use crate::components::{EmptyState, Loading, PageHeader, icons};
use crate::server_fns::dev_mailbox::{list_dev_mailbox, load_dev_mail};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DevMailboxPage() -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let mails = Resource::new(move || tick.get(), |_| list_dev_mailbox());
    // New mail shows up by itself: the worker delivers within seconds.
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(3),
        ) {
            on_cleanup(move || h.clear());
        }
    });
    view! {
        <Title text="Dev mailbox" />
        <PageHeader title="Dev mailbox" description="Development only: without DATACHECK_SMTP_URL, every mail Datacheck sends lands here.">
            <button type="button" class="button" on:click=move |_| tick.update(|t| *t += 1)>"Refresh"</button>
        </PageHeader>
        <section class="card">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match mails.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState icon=icons::inbox title="No mail yet" body="Send a data check or a test mail; it appears here within a few seconds." />
                        }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap">
                            <table class="data-table stack" data-testid="dev-mailbox">
                                <thead><tr><th scope="col">"Received"</th><th scope="col">"To"</th><th scope="col">"Subject"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|m| view! {
                                        <tr>
                                            <td data-label="Received" class="nowrap">{m.received}</td>
                                            <td data-label="To" class="break">{m.to}</td>
                                            <td data-label="Subject"><a href=format!("/staff/dev/mailbox/{}", m.id)>{m.subject}</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn DevMailPage() -> impl IntoView {
    let params = use_params_map();
    let mail = Resource::new(
        move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)),
        load_dev_mail,
    );
    view! {
        <Title text="Mail" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/dev/mailbox">"Dev mailbox"</a></nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match mail.await {
                    Ok(m) => view! {
                        <PageHeader title=m.mail.subject.clone() description=format!("Received {}", m.received) />
                        <section class="card" data-testid="dev-mail">
                            <dl class="mail-headers">
                                <div><dt>"From"</dt><dd>{m.mail.from.clone()}</dd></div>
                                <div><dt>"To"</dt><dd>{m.mail.to.clone()}</dd></div>
                                <div><dt>"Reply-to"</dt><dd>{m.mail.reply_to.clone()}</dd></div>
                                <div><dt>"Message-ID"</dt><dd class="break">{m.message_id.clone()}</dd></div>
                            </dl>
                            <h2>"Links"</h2>
                            <ul class="link-list" data-testid="dev-mail-links">
                                {m.links.into_iter().map(|l| view! { <li><a href=l.clone() rel="external" class="break">{l.clone()}</a></li> }).collect_view()}
                            </ul>
                            <h2>"Text part"</h2>
                            <pre class="mail-text" data-testid="dev-mail-text">{m.mail.text.clone()}</pre>
                            <h2>"HTML part"</h2>
                            // Served with a policy of its own (inline styles, nothing active),
                            // and sandboxed.
                            <iframe class="mail-frame" title="HTML part of the mail" sandbox=""
                                src=format!("/staff/dev/mailbox/{}/html", m.id)></iframe>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}
