//! The customer page behind a personal link (`/c/{token}`). It renders on the server
//! and works without WebAssembly. This first version shows the person their data as
//! the run configured it; editing and confirming follow with the portal issue.

use crate::api::portal::open_portal;
use crate::model::{PortalState, PortalView};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let state = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        |token| async move { open_portal(token).await },
    );
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        <main class="portal">
            <Suspense fallback=|| ()>
                // Awaited, not read with `.get()`: the reactive read can leave a server
                // render waiting forever (leptos-rs/leptos#4578).
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(PortalState::Open(v)) => view! { <PortalOpen view=v /> }.into_any(),
                        Ok(PortalState::Expired) => view! { <PortalExpired /> }.into_any(),
                        Ok(PortalState::Invalid) | Err(_) => view! { <PortalInvalid /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn PortalOpen(view: PortalView) -> impl IntoView {
    let en = view.language == "en";
    let greeting = if en {
        format!("Hello {},", view.name)
    } else {
        format!("Beste {},", view.name)
    };
    let intro = if en {
        format!(
            "{} asks you to check the details below. This personal link works until {}.",
            view.company, view.valid_until
        )
    } else {
        format!(
            "{} vraagt u de gegevens hieronder na te kijken. Deze persoonlijke link werkt tot en met {}.",
            view.company, view.valid_until
        )
    };
    let empty = if en { "(empty)" } else { "(leeg)" };
    view! {
        <Title text=view.company.clone() />
        <header class="portal-header"><p class="portal-company">{view.company.clone()}</p></header>
        <section class="portal-card" data-testid="portal-open">
            <h1>{greeting}</h1>
            <p>{intro}</p>
            <dl class="portal-fields">
                {view.fields.into_iter().map(|f| view! {
                    <div class="portal-field" data-key=f.key.clone()>
                        <dt>{f.label}</dt>
                        <dd>{f.value.unwrap_or_else(|| empty.to_string())}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn PortalExpired() -> impl IntoView {
    view! {
        <Title text="Link expired" />
        <section class="portal-card" data-testid="portal-expired">
            <h1>"This link has expired"</h1>
            <p>"The link is no longer valid. If you still want to check your details, please contact the company that sent you the e-mail."</p>
            <p lang="nl">"Deze link is verlopen. Wilt u uw gegevens toch nakijken? Neem dan contact op met het bedrijf dat u de e-mail stuurde."</p>
        </section>
    }
}

#[component]
fn PortalInvalid() -> impl IntoView {
    view! {
        <Title text="Link not valid" />
        <section class="portal-card" data-testid="portal-invalid">
            <h1>"This link is not valid"</h1>
            <p>"Check that you opened the complete link from your e-mail."</p>
            <p lang="nl">"Controleer of u de volledige link uit uw e-mail hebt geopend."</p>
        </section>
    }
}
