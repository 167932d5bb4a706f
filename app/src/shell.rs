//! The HTML documents around the two roots, rendered on the server only: the app's
//! (landing, sign-in and the staff app, hydrated by the staff bundle) and the customer
//! pages' (hydrated by their own small bundle, so a phone never downloads the staff
//! app). Both set the page's Content-Security-Policy, whose nonce must match the inline
//! hydration script.

use crate::server::assets::{Assets, Bundle};
use leptos::prelude::*;
use leptos_meta::MetaTags;

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
    set_page_csp();
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

/// A strict policy for rendered pages: scripts only from this origin or with this
/// response's nonce, WebAssembly compilation allowed, no framing, no inline styles.
fn set_page_csp() {
    use crate::server::{AppState, DeployEnv};
    use leptos::nonce::use_nonce;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let dev = use_context::<AppState>().is_some_and(|s| s.settings.env == DeployEnv::Dev);
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
