#![recursion_limit = "256"]
//! The browser entry: hydrates the server-rendered page, then marks `<body>` with
//! `data-hydrated` so browser tests (and people's first clicks) know the page is live.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
