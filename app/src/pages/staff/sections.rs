//! The sections whose features arrive in later issues show what they will hold, and the
//! contacts section already shows the register's size per company.

use crate::api::contacts::contact_counts;
use crate::components::{EmptyState, Loading, PageHeader, icons};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RunsPage() -> impl IntoView {
    view! {
        <Title text="Data checks" />
        <PageHeader title="Data checks" description="Ask customers to check their data through a personal link, and follow who responded." />
        <EmptyState icon=icons::send title="No data checks yet"
            body="A data check picks recipients from the contact register, chooses which fields they may see and edit, and mails each one a personal link. The run wizard arrives here." />
    }
}

#[component]
pub fn MutationsPage() -> impl IntoView {
    view! {
        <Title text="Mutations" />
        <PageHeader title="Mutations" description="Changes customers submitted, beside the value the DMS holds, to process or ignore." />
        <EmptyState icon=icons::inbox title="No mutations to review"
            body="When a customer confirms their data, each change lands here for review. Nothing is written to the DMS automatically." />
    }
}

#[component]
pub fn FieldsPage() -> impl IntoView {
    view! {
        <Title text="Fields" />
        <PageHeader title="Fields" description="The field catalogue: built-in contact fields and your own attributes." />
        <EmptyState icon=icons::list title="The field catalogue is not set up yet"
            body="Admins will define custom attributes here, with labels in Dutch and English and whether customers may see or edit them." />
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let counts = Resource::new(|| (), |_| contact_counts());
    view! {
        <Title text="Contacts" />
        <PageHeader title="Contacts" description="The contact register: Datacheck's copy of the customers in your DMS." />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <EmptyState icon=icons::building title="No companies to show"
                            body="Your account is not linked to any company yet. Ask an admin to add you to one." />
                    }.into_any(),
                    Ok(rows) => view! {
                        <div class="card-grid">
                            {rows.into_iter().map(|r| view! {
                                <article class="stat-card" data-testid="company-contacts">
                                    <h2>{r.company.name}</h2>
                                    <p class="stat-number">{r.contacts}</p>
                                    <p class="muted">{format!("contacts, {} with an e-mail address", r.with_email)}</p>
                                </article>
                            }).collect_view()}
                        </div>
                        <p class="muted">"Searching, importing from the DMS and the contact detail pages arrive here next."</p>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}
