//! Shared widgets: page header, empty state, form messages, icons.

pub mod data_table;
pub mod icons;
pub mod run_widgets;

use datacheck_core::error::AppError;
use leptos::prelude::*;

/// The product mark: the check in a rounded square, then the name.
#[component]
pub fn BrandMark() -> impl IntoView {
    view! { <span class="brand-mark" aria-hidden="true">"✓"</span>"Datacheck" }
}

/// The title row of a page: heading, one-line description, and optional actions.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] description: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                {description.map(|d| view! { <p class="page-description">{d}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </header>
    }
}

/// What a section shows when there is nothing in it yet.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] body: String,
    icon: fn() -> AnyView,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="empty-state">
            <div class="empty-icon" aria-hidden="true">{icon()}</div>
            <h2>{title}</h2>
            <p>{body}</p>
            {children.map(|c| c())}
        </section>
    }
}

/// A message for a whole form (not tied to one field), announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| match &e {
            AppError::Invalid { field: Some(_), .. } => None,
            AppError::Fields(_) => Some(view! {
                <div class="alert alert-error" role="alert">"Some fields need attention: see the messages below."</div>
            }.into_any()),
            other => Some(view! {
                <div class="alert alert-error" role="alert">{other.to_string()}</div>
            }.into_any()),
        })
    }
}

/// The message under one input, when the last answer was about this field.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] name: String,
) -> impl IntoView {
    let id = format!("{name}-error");
    move || {
        error.get().and_then(|e| e.for_field(&name)).map(|m| {
            view! { <p class="field-error" id=id.clone() role="alert">{m}</p> }
        })
    }
}

/// The last error of a server action, as a signal the form widgets read.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// Owns what a `<Transition>` body builds for exactly as long as that body is on screen.
///
/// When a body's data reloads, Leptos disposes the body's signals, actions and derived
/// values at once, but keeps the old body on screen until the new data is there. A server
/// answer landing in that gap (a slow preview, a save, a reminder) wakes the old body's
/// views, which then read disposed values: a panic that leaves the page dead. Created at
/// page level, a `BodyOwner` builds each body under an owner of its own, a child of the
/// page's, that is dropped together with the body's DOM.
#[derive(Clone, Copy)]
pub struct BodyOwner(StoredValue<Owner>);

impl BodyOwner {
    /// Call where the page's own signals are made, outside the `<Transition>`.
    pub fn new() -> Self {
        Self(StoredValue::new(
            Owner::current().expect("a BodyOwner is made inside a component"),
        ))
    }

    /// Builds one body; call inside the `Suspend`, after its data has arrived.
    pub fn build<V: IntoView + 'static>(self, body: impl FnOnce() -> V) -> impl IntoView {
        let owner = self.0.with_value(Owner::child);
        let view = owner.with(body);
        // On the server the page is rendered once, with parts that may still stream in
        // after this closure is dropped: the request's owner keeps the body's.
        #[cfg(feature = "ssr")]
        StoredValue::new(owner.clone());
        // In the browser this closure is the only strong hold on the owner: it is dropped
        // with the view it stands in, and the owner's values with it.
        (view, move || {
            let _body = &owner;
        })
    }
}

impl Default for BodyOwner {
    fn default() -> Self {
        Self::new()
    }
}

/// Shown instead of a page the signed-in user may not open.
#[component]
pub fn NoAccess() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section class="empty-state" data-testid="no-access">
            <div class="empty-icon" aria-hidden="true">{icons::lock()}</div>
            <h2>"You do not have access to this page"</h2>
            <p>"Only admins manage staff users, companies and the audit log. Ask an admin if you need a change."</p>
            <a class="button" href="/staff/runs">"Back to data checks"</a>
        </section>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <div class="loading" aria-busy="true" aria-live="polite">"Loading…"</div> }
}
