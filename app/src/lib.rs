#![recursion_limit = "256"]
//! Datacheck's Leptos application: the route table, the HTML shell, and the modules that
//! both the server (SSR) and the browser (hydrate) compile.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use pages::staff;

/// The HTML document around the app. On the server it also sets the page's
/// Content-Security-Policy, whose nonce must match the inline hydration scripts.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" id="leptos" href="/pkg/datacheck.css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A strict policy for rendered pages: scripts only from this origin or with this
/// response's nonce, WebAssembly compilation allowed, no framing, no inline styles.
#[cfg(feature = "ssr")]
fn set_page_csp() {
    use leptos::nonce::use_nonce;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let dev =
        use_context::<server::AppState>().is_some_and(|s| s.settings.env == server::DeployEnv::Dev);
    // cargo-leptos' live reload talks over a websocket on the reload port in development.
    let connect = if dev {
        " ws://127.0.0.1:3001 ws://localhost:3001"
    } else {
        ""
    };
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'{connect}; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'self'; object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text| format!("{text} · Datacheck") />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::Landing />
                <Route path=path!("/c/:token") view=pages::portal::PortalPage ssr=SsrMode::Async />
                <Route path=path!("/staff/login") view=pages::sign_in::SignInPage />
                <Route path=path!("/staff/password") view=pages::sign_in::ChooseOwnPasswordPage />
                <ParentRoute path=path!("/staff") view=staff::StaffShell ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/staff/runs" /> } />
                    <Route path=path!("runs") view=staff::runs::RunsPage />
                    <Route path=path!("runs/new") view=staff::wizard::NewRunPage />
                    <Route path=path!("runs/:id/edit") view=staff::wizard::EditRunPage />
                    <Route path=path!("runs/:id") view=staff::runs::RunPage />
                    <Route path=path!("dev/mailbox") view=staff::dev_mailbox::DevMailboxPage />
                    <Route path=path!("dev/mailbox/:id") view=staff::dev_mailbox::DevMailPage />
                    <Route path=path!("mutations") view=staff::sections::MutationsPage />
                    <Route path=path!("contacts") view=staff::contacts::ContactsPage />
                    <Route path=path!("contacts/import") view=staff::import::ImportPage />
                    <Route path=path!("contacts/import/:id") view=staff::import::ImportDetailPage />
                    <Route path=path!("contacts/:id") view=staff::contacts::ContactPage />
                    <Route path=path!("fields") view=staff::fields::FieldsPage />
                    <Route path=path!("settings") view=staff::settings::SettingsPage />
                    <Route path=path!("admin/users") view=staff::admin::UsersPage />
                    <Route path=path!("admin/companies") view=staff::admin::CompaniesPage />
                    <Route path=path!("admin/audit") view=staff::admin::AuditPage />
                    <Route path=path!("admin/api-keys") view=staff::admin::ApiKeysPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
