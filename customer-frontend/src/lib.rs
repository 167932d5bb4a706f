#![recursion_limit = "256"]
//! The customer pages' browser entry (`/c/{token}`, `/p/{token}`): hydrates their
//! router-less root, so this bundle holds only those pages, their checks and the server
//! functions they call, never the staff app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(app::pages::portal::root::CustomerApp);
    app::mark_hydrated();
}
