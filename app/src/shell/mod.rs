//! The HTML documents around the two roots, rendered on the server only: the app's
//! (landing, sign-in and the staff app, hydrated by the staff bundle) and the customer
//! pages' (hydrated by their own small bundle, so a phone never downloads the staff
//! app). Their inline scripts carry the request's [`PageNonce`], which the server's
//! page policy names in the response's Content-Security-Policy.

pub mod assets;

use assets::{Assets, Bundle, Split};
use leptos::prelude::*;
use leptos_meta::{Link, MetaTags};
use std::sync::Arc;

/// The document of the landing page, sign-in and the staff app.
pub fn app_document(options: LeptosOptions, assets: &Assets) -> impl IntoView + use<> {
    document(
        options,
        assets.style.clone(),
        assets.staff.clone(),
        crate::App,
    )
}

/// The document of the customer pages (`/c/{token}`, `/p/{token}`).
pub fn customer_document(options: LeptosOptions, assets: &Assets) -> impl IntoView + use<> {
    document(
        options,
        assets.style.clone(),
        assets.customer_bundle().clone(),
        crate::pages::portal::root::CustomerApp,
    )
}

fn document<R: IntoView + 'static>(
    options: LeptosOptions,
    style: String,
    bundle: Bundle,
    root: fn() -> R,
) -> impl IntoView + use<R> {
    provide_page_nonce();
    if let Some(split) = &bundle.split {
        provide_context(StaffParts(Arc::new(split.clone())));
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" id="leptos" href=style />
                <AutoReload options />
                <BundleScripts bundle />
                <MetaTags />
            </head>
            <body>{root()}</body>
        </html>
    }
}

/// Loads a bundle and hydrates the body with it: the module and its wasm are fetched
/// in parallel (preloads), then the module's `hydrate` runs. The script carries this
/// response's nonce, since the policy allows no other inline script.
#[component]
fn BundleScripts(bundle: Bundle) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let js = serde_json::to_string(&bundle.js).unwrap_or_default();
    let wasm = serde_json::to_string(&bundle.wasm).unwrap_or_default();
    let script = format!(
        "import({js}).then(m => m.default({{ module_or_path: {wasm} }}).then(() => m.hydrate()));"
    );
    view! {
        <link rel="modulepreload" href=bundle.js.clone() />
        <link rel="preload" href=bundle.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=nonce>{script}</script>
    }
}

/// The parts of the split staff bundle, for the lazily loaded pages a response renders.
#[derive(Clone)]
struct StaffParts(Arc<Split>);

/// Names the parts a group of staff pages needs (`app::routes`) in this response's
/// `<head>`, so the browser fetches them beside the main module instead of after it has
/// started. Rendering the page registers them; they are not part of the page.
pub fn preload_parts(group: &str) {
    let Some(StaffParts(split)) = use_context::<StaffParts>() else {
        return;
    };
    let parts = split.parts_of(group);
    for part in parts {
        let _ = view! {
            <Link rel="preload" href=format!("{}/{part}.wasm", split.dir) as_="fetch"
                type_="application/wasm" crossorigin="" />
        }
        .to_html();
    }
    if !parts.is_empty() {
        let _ =
            view! { <Link rel="modulepreload" href=format!("{}/{}", split.dir, split.loader) /> }
                .to_html();
    }
}

/// The nonce of one request's page: made by the server before the request is handled
/// (a request extension), written on the page's inline scripts, and named in the
/// response's policy once the page is rendered.
#[derive(Clone, Debug)]
pub struct PageNonce(leptos::nonce::Nonce);

impl PageNonce {
    /// 128 random bits, as leptos makes them.
    pub fn fresh() -> PageNonce {
        PageNonce(leptos::nonce::Nonce::new())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Makes the request's nonce the one leptos writes on every inline script of this page
/// (the hydration script here, and the streamed resources' scripts). Without one (a page
/// rendered outside the server's middleware), leptos' own stays, and the page simply
/// does not hydrate under a policy that does not name it.
fn provide_page_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(nonce);
    }
}
