#![recursion_limit = "256"]
//! The staff app's browser entry: hydrates the server-rendered page.
//!
//! Release builds give the customer pages a bundle of their own (`customer-frontend`);
//! a development build (`cargo leptos watch --split`) has only this one, so it hydrates
//! those pages too, from a lazily loaded part that staff pages never download.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use app::pages::portal::root::CustomerRoute;
    console_error_panic_hook::set_once();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let customer_page = CustomerRoute::is_customer_path(&path);
    wasm_bindgen_futures::spawn_local(async move {
        if customer_page {
            // Marks the page hydrated itself, once the second of its two tasks is done.
            hydrate_customer_page().await;
        } else {
            // Staff pages are lazily loaded parts of this bundle: hydration waits until
            // the page's part has loaded, or it would meet the server's page where it
            // expects the placeholder of a page still loading.
            let root = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App);
            root.await.forget();
            app::mark_hydrated();
        }
    });
}

#[leptos::lazy]
async fn hydrate_customer_page() {
    app::pages::portal::mount::hydrate_customer_page().await;
}
