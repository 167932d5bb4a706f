#![recursion_limit = "256"]
//! The customer pages' browser entry (`/c/{token}`, `/p/{token}`): hydrates their
//! router-less root, so this bundle holds only those pages, their checks and the server
//! functions they call, never the staff app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    wasm_bindgen_futures::spawn_local(app::pages::portal::mount::hydrate_customer_page());
}
