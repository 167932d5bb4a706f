//! Pages: the public landing, staff sign-in, and the staff app (`staff`).

pub mod portal;
pub mod sign_in;
pub mod staff;

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <Title text="Welcome" />
        <main class="auth-page">
            <div class="auth-card">
                <div class="brand brand-large"><crate::components::BrandMark /></div>
                <p class="lead">"Customers check and correct their own data through a personal link. Staff review every change before it reaches the DMS."</p>
                <p class="muted">"Customers: open the personal link from your e-mail to check your details."</p>
                <a class="button button-primary button-block" href="/staff/login">"Staff sign-in"</a>
            </div>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="auth-page">
            <div class="auth-card">
                <h1>"Page not found"</h1>
                <p class="muted">"The address may be mistyped, or the page has moved."</p>
                <a class="button" href="/">"Go to the start page"</a>
            </div>
        </main>
    }
}
