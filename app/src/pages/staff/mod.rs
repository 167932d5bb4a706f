//! The staff single-page app: the shell (navigation, signed-in user) and its sections.

pub mod admin;
pub mod consent;
pub mod contacts;
pub mod dev_mailbox;
pub mod fields;
pub mod import;
pub mod mutations;
pub mod run_reminders;
pub mod runs;
pub mod settings;
pub mod wizard;

use crate::components::icons;
use crate::server_fns::auth::{SignOut, current_user};
use datacheck_core::error::AppError;
use datacheck_core::wire::Me;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// The signed-in user, loaded once by the shell and read by every staff page.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

pub fn use_me() -> MeResource {
    expect_context::<MeResource>()
}

#[component]
pub fn StaffShell() -> impl IntoView {
    let me_res = Resource::new_blocking(|| (), |_| current_user());
    provide_context(MeResource(me_res));
    let sign_out = ServerAction::<SignOut>::new();
    let menu_open = RwSignal::new(false);
    let close_menu = move |_| menu_open.set(false);

    let nav_item = move |href: &'static str, label: &'static str, icon: fn() -> AnyView| {
        view! {
            <li>
                <A href=href on:click=close_menu>
                    {icon()}
                    <span>{label}</span>
                </A>
            </li>
        }
    };

    view! {
        <div class="staff-app">
            <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-hidden="true" tabindex="-1"
                prop:checked=move || menu_open.get()
                on:change=move |ev| menu_open.set(event_target_checked(&ev)) />
            <header class="topbar">
                <label for="nav-toggle" class="menu-button" aria-label="Menu">{icons::menu()}</label>
                <a class="brand" href="/staff/runs"><crate::components::BrandMark /></a>
            </header>
            <aside class="sidebar">
                <a class="brand sidebar-brand" href="/staff/runs"><crate::components::BrandMark /></a>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        {nav_item("/staff/runs", "Data checks", icons::send)}
                        {nav_item("/staff/mutations", "Mutations", icons::inbox)}
                        {nav_item("/staff/contacts", "Contacts", icons::users)}
                        {nav_item("/staff/fields", "Fields", icons::list)}
                        {nav_item("/staff/settings", "Settings", icons::settings)}
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                me_res.await.ok().flatten().filter(|m| m.dev_mailbox).map(|_| nav_item("/staff/dev/mailbox", "Dev mailbox", icons::inbox))
                            })}
                        </Suspense>
                    </ul>
                </nav>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me_res.await.ok().flatten().map(|me| view! {
                            <div class="user-box" data-testid="user-box">
                                <span class="avatar" aria-hidden="true">{me.initials()}</span>
                                <div class="user-text">
                                    <strong class="user-name">{me.display_name.clone()}</strong>
                                    <span class="user-meta">
                                        {me.role.label()}
                                        {(!me.is_admin()).then(|| format!(" · {}", me.companies.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")))}
                                    </span>
                                </div>
                                <ActionForm action=sign_out attr:class="sign-out-form">
                                    <button type="submit" class="icon-button" title="Sign out" aria-label="Sign out">
                                        {icons::sign_out()}
                                    </button>
                                </ActionForm>
                            </div>
                        })
                    })}
                </Suspense>
            </aside>
            <main class="content" id="main">
                // Only redirects: the page itself renders at once (resources created in an
                // async block would get ids that differ between server and browser).
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me_res.await {
                            Ok(Some(me)) if me.must_change_password => {
                                Some(view! { <Redirect path="/staff/password" /> })
                            }
                            Ok(None) | Err(AppError::Unauthenticated) => {
                                Some(view! { <Redirect path="/staff/login" /> })
                            }
                            _ => None,
                        }
                    })}
                </Suspense>
                <Outlet />
            </main>
        </div>
    }
}
