//! The mutation review: the table (status tabs, filters in the URL, bulk actions) and
//! one mutation beside the register's current values. Processing records that staff
//! copied an answer into the DMS; nothing here writes to the contact register.

mod confirm;
mod detail;
mod table;

pub use detail::MutationDetailPage;
pub use table::MutationsPage;

use datacheck_core::error::AppError;
use datacheck_core::wire::mutations::{MutationQuery, MutationStatus};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

pub(super) fn query_from(q: &ParamsMap) -> Result<MutationQuery, AppError> {
    let pairs: Vec<(String, String)> = q
        .clone()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v))
        .collect();
    MutationQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The table's filters as a query string (no cursor), to carry to a mutation and back.
pub(super) fn filter_query(q: &MutationQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in q.filter_pairs() {
        out.append_pair(k, &v);
    }
    out.finish()
}

pub(super) fn with_query(path: &str, qs: &str) -> String {
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{qs}")
    }
}

pub fn mutation_status_badge(s: MutationStatus) -> impl IntoView {
    let class = match s {
        MutationStatus::New => "badge badge-warning",
        MutationStatus::Processed => "badge badge-success",
        MutationStatus::Ignored => "badge badge-muted",
    };
    view! { <span class=class data-status=s.as_str()>{s.label()}</span> }
}
