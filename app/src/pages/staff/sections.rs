//! The sections whose features arrive in later issues show what they will hold.

use crate::components::{EmptyState, PageHeader, icons};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MutationsPage() -> impl IntoView {
    view! {
        <Title text="Mutations" />
        <PageHeader title="Mutations" description="Changes customers submitted, beside the value the DMS holds, to process or ignore." />
        <EmptyState icon=icons::inbox title="No mutations to review"
            body="When a customer confirms their data, each change lands here for review. Nothing is written to the DMS automatically." />
    }
}
