#![recursion_limit = "256"]
//! The staff app's browser entry: hydrates the server-rendered page.
//!
//! Release builds give the customer pages a bundle of their own (`customer-frontend`);
//! a development build (`cargo leptos watch`) has only this one, so it hydrates those
//! pages too.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use app::pages::portal::root::{CustomerApp, CustomerRoute};
    console_error_panic_hook::set_once();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if CustomerRoute::is_customer_path(&path) {
        leptos::mount::hydrate_body(CustomerApp);
    } else {
        leptos::mount::hydrate_body(app::App);
    }
    app::mark_hydrated();
}
