//! The root of the customer pages: no router, so their bundle carries none of the staff
//! app. The server decides what the page shows before it renders (`CustomerPage`: what
//! a link opens, or what a form post led to) and hands it over with the page, so the
//! browser hydrates exactly what was rendered and calls no server function.

use super::PortalPage;
use super::preferences::PreferencesPage;
use super::unavailable::{Unavailable, UnavailablePage};
use datacheck_core::wire::{PortalState, PreferencesState};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use serde::{Deserialize, Serialize};

/// What a customer page shows, decided by the server and provided as context to the
/// render; the page's data travels with it to the browser.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum CustomerPage {
    /// `/c/{token}`.
    Portal(PortalState),
    /// `/p/{token}`.
    Preferences(PreferencesState),
    /// Either, while the database cannot be reached.
    Unavailable(Unavailable),
}

/// A customer page and what its address asks of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerRoute {
    /// `/c/{token}`: the customer page (`?lang=`, `?edit` to change a sent answer).
    Portal {
        token: String,
        lang: Option<String>,
        edit: bool,
    },
    /// `/p/{token}`: the preferences page (`?lang=`, `?saved=` after a POST).
    Preferences {
        token: String,
        lang: Option<String>,
        saved: Option<String>,
    },
}

impl CustomerRoute {
    /// Whether a path is a customer page's (the rest of the site is the staff app's).
    pub fn is_customer_path(path: &str) -> bool {
        Self::token(path, "/c/").is_some() || Self::token(path, "/p/").is_some()
    }

    /// `query` without its `?`. `None` for a path that is not a customer page.
    pub fn parse(path: &str, query: &str) -> Option<CustomerRoute> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        if let Some(token) = Self::token(path, "/c/") {
            return Some(CustomerRoute::Portal {
                token,
                lang: get("lang"),
                edit: get("edit").is_some(),
            });
        }
        Self::token(path, "/p/").map(|token| CustomerRoute::Preferences {
            token,
            lang: get("lang"),
            saved: get("saved"),
        })
    }

    /// The one path segment after `prefix`.
    fn token(path: &str, prefix: &str) -> Option<String> {
        let rest = path.strip_prefix(prefix)?;
        (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
    }
}

#[component]
pub fn CustomerApp() -> impl IntoView {
    provide_meta_context();
    // On the server, the page the request was answered with; in the browser, the same
    // page read back from the render. The fallback is for a page rendered without one,
    // which the server never does.
    let page = SharedValue::new_serde_wb(|| {
        use_context::<CustomerPage>().unwrap_or(CustomerPage::Portal(PortalState::Invalid))
    })
    .into_inner();
    view! {
        <Title formatter=|text| format!("{text} · Datacheck") />
        {match page {
            CustomerPage::Portal(state) => EitherOf3::A(view! { <PortalPage state /> }),
            CustomerPage::Preferences(state) => EitherOf3::B(view! { <PreferencesPage state /> }),
            CustomerPage::Unavailable(page) => EitherOf3::C(view! { <UnavailablePage page /> }),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::CustomerRoute;

    #[test]
    fn addresses_name_their_page_and_what_the_query_asks() {
        assert_eq!(
            CustomerRoute::parse("/c/abc_DEF-1", "lang=en&edit"),
            Some(CustomerRoute::Portal {
                token: "abc_DEF-1".into(),
                lang: Some("en".into()),
                edit: true
            })
        );
        assert_eq!(
            CustomerRoute::parse("/p/xyz", "saved=all"),
            Some(CustomerRoute::Preferences {
                token: "xyz".into(),
                lang: None,
                saved: Some("all".into())
            })
        );
        assert_eq!(CustomerRoute::parse("/c/", ""), None);
        assert_eq!(CustomerRoute::parse("/c/a/b", ""), None);
        assert_eq!(CustomerRoute::parse("/staff/runs", ""), None);
        assert!(CustomerRoute::is_customer_path("/p/xyz"));
        assert!(!CustomerRoute::is_customer_path("/u/xyz"));
    }
}
