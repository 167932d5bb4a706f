//! The root of the customer pages: no router, so their bundle carries none of the staff
//! app. Which page it shows comes from the address, read the same way on the server
//! (the request) and in the browser (`window.location`), so hydration finds the page
//! the server rendered.

use super::PortalPage;
use super::preferences::PreferencesPage;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};

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

    /// The page of the address being rendered: the request on the server, the window's
    /// location in the browser.
    pub fn current() -> Option<CustomerRoute> {
        #[cfg(feature = "ssr")]
        {
            let parts = use_context::<http::request::Parts>()?;
            Self::parse(parts.uri.path(), parts.uri.query().unwrap_or_default())
        }
        #[cfg(not(feature = "ssr"))]
        {
            let location = web_sys::window()?.location();
            let path = location.pathname().ok()?;
            let search = location.search().ok()?;
            Self::parse(&path, search.strip_prefix('?').unwrap_or(&search))
        }
    }
}

#[component]
pub fn CustomerApp() -> impl IntoView {
    provide_meta_context();
    let page = match CustomerRoute::current() {
        Some(CustomerRoute::Portal { token, lang, edit }) => {
            view! { <PortalPage token lang edit /> }.into_any()
        }
        Some(CustomerRoute::Preferences { token, lang, saved }) => {
            view! { <PreferencesPage token lang saved /> }.into_any()
        }
        // The server renders this root for customer addresses only.
        None => view! { <super::PortalInvalid /> }.into_any(),
    };
    view! {
        <Title formatter=|text| format!("{text} · Datacheck") />
        {page}
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
