//! The sections whose features arrive in later issues show what they will hold.

use crate::components::{EmptyState, PageHeader, icons};
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
