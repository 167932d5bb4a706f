//! The pieces every table page (contacts, runs, mutations) is built from. The URL query
//! is the table's state: filters are a GET form, sort headers and pager are links, so a
//! view can be bookmarked, shared, reloaded and used before hydration. The server does
//! the filtering, sorting and keyset paging; these widgets only write the URL.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;

pub use datacheck_core::display::count;

/// The keyset cursor parameters: any change of filter or sort starts at the first page.
const CURSORS: [&str; 2] = ["after", "before"];

/// The current page with some query parameters set (`Some`) or removed (`None`).
/// Encoded the way a browser encodes a GET form, the same on the server and in the
/// browser, so a link reads `?sort=-name`, not `?sort=%2Dname`.
pub fn query_href(path: &str, current: &ParamsMap, changes: &[(&str, Option<&str>)]) -> String {
    let mut q = current.clone();
    for (key, value) in changes {
        q.remove(key);
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            q.insert(key.to_string(), v.to_string());
        }
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in q.into_iter() {
        if !v.is_empty() {
            out.append_pair(&k, &v);
        }
    }
    match out.finish() {
        qs if qs.is_empty() => path.to_string(),
        qs => format!("{path}?{qs}"),
    }
}

/// A column header that sorts by `key`; a second click reverses. `default` marks the
/// column the server sorts by when the URL names none.
#[component]
pub fn SortHeader(
    label: &'static str,
    key: &'static str,
    #[prop(optional)] default: bool,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let state = move || {
        let sort = query.with(|q| q.get("sort")).filter(|s| !s.is_empty());
        match sort.as_deref() {
            Some(s) if s == key => Some(false),
            Some(s) if s.strip_prefix('-') == Some(key) => Some(true),
            None if default => Some(false),
            _ => None,
        }
    };
    let href = move || {
        let next = if state() == Some(false) {
            format!("-{key}")
        } else {
            key.to_string()
        };
        let mut changes = vec![("sort", Some(next.as_str()))];
        changes.extend(CURSORS.iter().map(|c| (*c, None)));
        query.with(|q| query_href(&location.pathname.get(), q, &changes))
    };
    let aria = move || match state() {
        Some(false) => "ascending",
        Some(true) => "descending",
        None => "none",
    };
    let arrow = move || match state() {
        Some(false) => "↑",
        Some(true) => "↓",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria>
            <a class="sort-link" href=href>{label}<span class="sort-arrow" aria-hidden="true">{arrow}</span></a>
        </th>
    }
}

/// The filter form above a table: GET to the same page, so the filters land in the URL.
/// Its sort menu (`sorts`: key and label; the first is the default) does what the
/// column headers do, for phones, where the table shows no header row. Paging starts
/// over.
#[component]
pub fn FilterBar(
    sorts: &'static [(&'static str, &'static str)],
    children: Children,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let sort = move || {
        query
            .with(|q| q.get("sort"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| sorts.first().map(|s| s.0.to_string()).unwrap_or_default())
    };
    view! {
        <Form method="GET" action=move || location.pathname.get() attr:class="filter-bar" attr:role="search">
            {children()}
            <div class="field" class:hidden=sorts.is_empty()>
                <label for="f-sort">"Sort by"</label>
                <select id="f-sort" name="sort">
                    {sorts.iter().flat_map(|(key, label)| {
                        [(key.to_string(), format!("{label}, ascending")), (format!("-{key}"), format!("{label}, descending"))]
                    }).map(|(value, text)| {
                        let v = value.clone();
                        view! { <option value=value selected=move || sort() == v>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button button-primary">"Apply"</button>
                <a class="button" href=move || location.pathname.get()>"Clear"</a>
            </div>
        </Form>
    }
}

/// The `company` parameter of a table's URL: absent, or a company id.
pub fn company_param(q: &ParamsMap) -> Result<Option<i64>, datacheck_core::error::AppError> {
    match q.get("company").filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| {
            datacheck_core::error::AppError::invalid("company", "There is no such company.")
        }),
    }
}

/// The company filter of a filter bar, shown only to users who see more than one
/// company; `?company=` in the URL selects one.
#[component]
pub fn CompanyFilter() -> impl IntoView {
    let me = crate::pages::staff::use_me();
    let query = use_query_map();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let companies = me.0.await.ok().flatten().map(|m| m.companies).unwrap_or_default();
                (companies.len() > 1).then(|| {
                    let selected = query.with(|q| q.get("company")).unwrap_or_default();
                    view! {
                        <div class="field">
                            <label for="f-company">"Company"</label>
                            <select id="f-company" name="company">
                                <option value="">"All companies"</option>
                                {companies.into_iter().map(|c| {
                                    let id = c.id.0.to_string();
                                    let sel = id == selected;
                                    view! { <option value=id selected=sel>{c.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })
            })}
        </Suspense>
    }
}

/// The line under a table: how many rows match, and links to the neighbouring pages.
#[component]
pub fn Pager(
    shown: usize,
    total: i64,
    /// `total` is a ceiling the count stopped at: there are more.
    #[prop(optional)]
    at_least: bool,
    noun: &'static str,
    prev: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let link = move |cursor: &'static str, value: &str| {
        let changes: Vec<(&str, Option<&str>)> = CURSORS
            .iter()
            .map(|c| (*c, (*c == cursor).then_some(value)))
            .collect();
        query.with(|q| query_href(&location.pathname.get(), q, &changes))
    };
    let first = prev.as_ref().map(|_| {
        let changes: Vec<(&str, Option<&str>)> = CURSORS.iter().map(|c| (*c, None)).collect();
        query.with(|q| query_href(&location.pathname.get(), q, &changes))
    });
    view! {
        <nav class="pager" aria-label="Pages">
            <p class="pager-count" data-testid="pager-count">
                {if total == 0 {
                    format!("No {noun}")
                } else {
                    let plus = if at_least { "+" } else { "" };
                    format!("{} shown of {}{plus} {noun}", count(shown as i64), count(total))
                }}
            </p>
            <div class="pager-links">
                {first.map(|href| view! { <a class="button button-small" href=href>"First"</a> })}
                {match prev {
                    Some(p) => view! { <a class="button button-small" rel="prev" href=link("before", &p)>"← Previous"</a> }.into_any(),
                    None => view! { <span class="button button-small" aria-disabled="true">"← Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(n) => view! { <a class="button button-small" rel="next" href=link("after", &n)>"Next →"</a> }.into_any(),
                    None => view! { <span class="button button-small" aria-disabled="true">"Next →"</span> }.into_any(),
                }}
            </div>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_change_only_what_they_name() {
        let mut q = ParamsMap::new();
        q.insert("q", "jan".to_string());
        q.insert("after", "5.x".to_string());
        assert_eq!(
            query_href(
                "/staff/contacts",
                &q,
                &[("after", None), ("sort", Some("-name"))]
            ),
            "/staff/contacts?q=jan&sort=-name"
        );
        assert_eq!(
            query_href("/p", &ParamsMap::new(), &[("q", Some(""))]),
            "/p"
        );
    }
}
