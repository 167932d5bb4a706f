//! The customer page behind a personal link (`/c/{token}`): the form, the review, the
//! thanks, and the expired and invalid pages. It is plain HTML forms that post to the
//! server first: everything works before and without WebAssembly. Once hydrated, the
//! fields check what is typed with the server's own rules.
//!
//! The page never changes anything itself; the server decides every step (see
//! `server::portal`) and renders the page with it (`root::CustomerPage`).

#[cfg(feature = "hydrate")]
pub mod mount;
pub mod preferences;
pub mod root;
pub mod text;
pub mod unavailable;

mod form;
mod link_states;
mod persons;
mod review;

use form::*;
use link_states::*;
use persons::*;
use review::*;

use crate::i18n::{Locale, td, td_string};
use datacheck_core::domain::FieldType;
use datacheck_core::rules::answer::{check_field_input, problem_for};
use datacheck_core::wire::{
    Answer, AnswerProblem, ChangeLine, FreshLinkOutcome, PersonAnswer, PortalField, PortalState,
    PortalStep, PortalView, SubscriptionChoice,
};
use leptos::either::{Either, EitherOf3, EitherOf4, EitherOf5};
use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use text::{locale, problem_text};

/// The customer page as the server decided it (see `root::CustomerPage`).
#[component]
pub fn PortalPage(state: PortalState) -> impl IntoView {
    let page = match state {
        PortalState::Open(v, step) => EitherOf5::A(view! { <PortalOpen view=*v step /> }),
        PortalState::Expired {
            language,
            company,
            fresh_link,
            sent,
        } => EitherOf5::B(view! { <PortalExpired language company fresh_link sent /> }),
        PortalState::Refused { language, company } => {
            EitherOf5::C(view! { <PortalRefused language company /> })
        }
        PortalState::Throttled => EitherOf5::D(view! { <PortalThrottled /> }),
        PortalState::Invalid => EitherOf5::E(view! { <PortalInvalid /> }),
    };
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        {page}
    }
}

/// The frame of every portal page: language, the company at the top, the footer.
#[component]
fn Frame<S, C>(
    l: Locale,
    company: Option<String>,
    #[prop(into)] title: String,
    /// The language switch; `()` for a page without one.
    switch: S,
    children: TypedChildren<C>,
) -> impl IntoView
where
    S: IntoView + 'static,
    C: IntoView + 'static,
{
    let children = children.into_inner();
    view! {
        <Html attr:lang=text::code(l) />
        <Title text=title />
        <div class="portal-page">
            <header class="portal-top">
                <div class="portal-top-inner">
                    {company.map(|c| view! { <p class="portal-company">{c}</p> })}
                    {switch}
                </div>
            </header>
            <main class="portal" id="main">{children()}</main>
            <footer class="portal-footer">
                <p>{td!(l, footer)}</p>
            </footer>
        </div>
    }
}

/// Links to the same page in the other language (for pages without a form).
fn switch_links(l: Locale, extra: &'static str) -> impl IntoView + use<> {
    let other = match l {
        Locale::nl => Locale::en,
        Locale::en => Locale::nl,
    };
    let href = format!("?lang={}{extra}", text::code(other));
    view! {
        <nav class="portal-lang" aria-label=td_string!(l, lang_switch)>
            <a href=href lang=text::code(other) hreflang=text::code(other)>{td_string!(other, lang_self)}</a>
        </nav>
    }
}

/// A button that posts the form and shows it again in the other language, keeping
/// what was typed.
fn switch_button(l: Locale) -> impl IntoView + use<> {
    let other = match l {
        Locale::nl => Locale::en,
        Locale::en => Locale::nl,
    };
    view! {
        <div class="portal-lang" role="group" aria-label=td_string!(l, lang_switch)>
            <button type="submit" form="portal-form" class="link-button" name="switch_lang"
                value=text::code(other) lang=text::code(other)>
                {td_string!(other, lang_self)}
            </button>
        </div>
    }
}

#[component]
fn PortalOpen(view: PortalView, step: PortalStep) -> impl IntoView {
    let l = locale(&view.language);
    let company = Some(view.company.clone());
    let (title, step) = match step {
        PortalStep::Form { answer, problems } => (
            td_string!(l, page_title),
            EitherOf3::A(view! { <FormStep view answer problems /> }),
        ),
        PortalStep::Review { answer, changes } => (
            td_string!(l, review_title),
            EitherOf3::B(view! { <ReviewStep view answer changes /> }),
        ),
        PortalStep::Done => (
            td_string!(l, done_title),
            EitherOf3::C(view! { <DoneStep view /> }),
        ),
    };
    // The form's steps post their language switch with what was typed; the thanks
    // page has no form and links to itself.
    let switch = match &step {
        EitherOf3::C(_) => Either::Right(switch_links(l, "")),
        _ => Either::Left(switch_button(l)),
    };
    view! {
        <Frame l company title=title.to_string() switch>
            {step}
        </Frame>
    }
}

/// The steering inputs every form of the page carries.
fn steering(view: &PortalView) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="key" value=view.submission_key.clone() />
        <input type="hidden" name="lang" value=view.language.clone() />
    }
}
