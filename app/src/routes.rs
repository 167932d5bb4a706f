//! The staff app's route table, and how its pages are split out of the first download.
//!
//! The landing page, "not found" and the staff shell are in the main module. Every other
//! page belongs to a group, and each group is one lazily loaded part of the staff bundle
//! (`cargo leptos build --split`). A page only loads its group when it is first shown,
//! and the server names the group's files in the page's `<head>` so the browser fetches
//! them alongside the main module. Groups, not one part per page: the splitter gives
//! every set of split points that share code a part of its own, and per-page points made
//! hundreds of tiny parts that took wasm-opt minutes to optimise.
//!
//! A route names its page with a [`LazyRoute`] type whose `view` asks its group for the
//! page (an argument of the group's one lazily loaded function). That keeps each page's
//! code reachable only from its group's part, which is what the splitter moves out.

use crate::pages;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, SsrMode, path};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text| format!("{text} · Datacheck") />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::Landing />
                <Route path=path!("/staff/login") view={Lazy::<SignIn>::new()} />
                <Route path=path!("/staff/password") view={Lazy::<ChooseOwnPassword>::new()} />
                <ParentRoute path=path!("/staff") view=pages::staff::StaffShell ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/staff/runs" /> } />
                    <Route path=path!("runs") view={Lazy::<Runs>::new()} />
                    <Route path=path!("runs/new") view={Lazy::<NewRun>::new()} />
                    <Route path=path!("runs/:id/edit") view={Lazy::<EditRun>::new()} />
                    <Route path=path!("runs/:id") view={Lazy::<Run>::new()} />
                    <Route path=path!("dev/mailbox") view={Lazy::<DevMailbox>::new()} />
                    <Route path=path!("dev/mailbox/:id") view={Lazy::<DevMail>::new()} />
                    <Route path=path!("mutations") view={Lazy::<Mutations>::new()} />
                    <Route path=path!("mutations/:id") view={Lazy::<Mutation>::new()} />
                    <Route path=path!("contacts") view={Lazy::<Contacts>::new()} />
                    <Route path=path!("contacts/import") view={Lazy::<Import>::new()} />
                    <Route path=path!("contacts/import/:id") view={Lazy::<ImportDetail>::new()} />
                    <Route path=path!("contacts/:id") view={Lazy::<Contact>::new()} />
                    <Route path=path!("fields") view={Lazy::<Fields>::new()} />
                    <Route path=path!("settings") view={Lazy::<Settings>::new()} />
                    <Route path=path!("admin/users") view={Lazy::<Users>::new()} />
                    <Route path=path!("admin/companies") view={Lazy::<Companies>::new()} />
                    <Route path=path!("admin/audit") view={Lazy::<Audit>::new()} />
                    <Route path=path!("admin/api-keys") view={Lazy::<ApiKeys>::new()} />
                    <Route path=path!("admin/subscriptions") view={Lazy::<SubscriptionTypes>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Declares a group: its pages (an enum), the one lazily loaded function that renders
/// them, and a route type per page.
macro_rules! group {
    ($group:ident, $pages:ident, $preload:ident { $($route:ident => $page:path),+ $(,)? }) => {
        #[derive(Clone, Copy)]
        enum $pages {
            $($route),+
        }

        #[leptos::lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => view! { <$page /> }.into_any()),+
            }
        }

        $(
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_: Self) -> AnyView {
                    #[cfg(feature = "ssr")]
                    crate::shell::preload_parts(stringify!($group));
                    $group($pages::$route).await
                }

                async fn preload() {
                    // Only the browser's build has parts to load.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )+
    };
}

group!(sign_in_pages, SignInPages, __preload_sign_in_pages {
    SignIn => pages::sign_in::SignInPage,
    ChooseOwnPassword => pages::sign_in::ChooseOwnPasswordPage,
});

// The list of runs is the page after sign-in: a group of its own keeps the run's page
// (funnel, progress, reminders) out of that first download.
group!(runs_list_pages, RunsListPages, __preload_runs_list_pages {
    Runs => pages::staff::runs::RunsPage,
});

group!(run_pages, RunPages, __preload_run_pages {
    Run => pages::staff::runs::RunPage,
});

group!(wizard_pages, WizardPages, __preload_wizard_pages {
    NewRun => pages::staff::wizard::NewRunPage,
    EditRun => pages::staff::wizard::EditRunPage,
});

group!(mutation_pages, MutationPages, __preload_mutation_pages {
    Mutations => pages::staff::mutations::MutationsPage,
    Mutation => pages::staff::mutations::MutationDetailPage,
});

group!(contact_pages, ContactPages, __preload_contact_pages {
    Contacts => pages::staff::contacts::ContactsPage,
    Contact => pages::staff::contacts::ContactPage,
    Import => pages::staff::import::ImportPage,
    ImportDetail => pages::staff::import::ImportDetailPage,
});

group!(setup_pages, SetupPages, __preload_setup_pages {
    Fields => pages::staff::fields::FieldsPage,
    Settings => pages::staff::settings::SettingsPage,
    Users => pages::staff::admin::UsersPage,
    Companies => pages::staff::admin::CompaniesPage,
    Audit => pages::staff::admin::AuditPage,
    ApiKeys => pages::staff::admin::ApiKeysPage,
    SubscriptionTypes => pages::staff::admin::SubscriptionTypesPage,
});

group!(mailbox_pages, MailboxPages, __preload_mailbox_pages {
    DevMailbox => pages::staff::dev_mailbox::DevMailboxPage,
    DevMail => pages::staff::dev_mailbox::DevMailPage,
});
