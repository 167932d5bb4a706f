//! Hydrates the customer pages in two tasks rather than one.
//!
//! A phone's first visit compiles the bundle's functions as they are first called, so
//! hydrating is the longest task the page runs, and a task that long blocks a tap. Here
//! the first task builds the page's view (its components run, the page's state is read
//! back from the render) and the second, after the browser had its turn, walks the
//! server's HTML and attaches to it. What the page does is the same as `hydrate_body`.

use super::root::CustomerApp;
use hydration_context::HydrateSharedContext;
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos::tachys::dom::body;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::{PositionState, RenderHtml};
use std::sync::Arc;
use web_sys::wasm_bindgen::JsCast;

/// Hydrates the page's body, then marks it hydrated.
pub async fn hydrate_customer_page() {
    // Leptos' executor runs on wasm-bindgen's; an error only says it already does.
    _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new_root(Some(Arc::new(HydrateSharedContext::new())));
    let view = owner.with(|| CustomerApp().into_view());
    // A new task: the browser may paint and handle input in between.
    gloo_timers::future::TimeoutFuture::new(0).await;
    let mounted = owner.with(|| {
        let mounted = view.hydrate::<true>(
            &Cursor::new(body().unchecked_into()),
            &PositionState::default(),
        );
        if let Some(shared) = Owner::current_shared_context() {
            shared.hydration_complete();
        }
        mounted
    });
    // The page lives as long as the document: nothing unmounts it or cleans it up.
    std::mem::forget(mounted);
    std::mem::forget(owner);
    crate::mark_hydrated();
}
