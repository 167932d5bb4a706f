//! The customer page while the database cannot be reached (503). After a form post it
//! holds what was posted, field for field, in a form that posts it again unchanged:
//! pressing the button once the database is back sends the same answer, with the same
//! submission key, so it is saved once whichever attempt gets through.

use super::Frame;
use super::text::locale;
use crate::i18n::{Locale, td, td_string};
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// The language the posted form was in; `None` (a GET) shows both.
    pub language: Option<String>,
    /// The posted form's fields, to post again; empty after a GET.
    pub kept: Vec<(String, String)>,
}

#[component]
pub fn UnavailablePage(page: Unavailable) -> impl IntoView {
    match page.language.as_deref() {
        Some(language) => Either::Left(one_language(locale(language), page.kept)),
        None => Either::Right(both_languages()),
    }
}

fn one_language(l: Locale, kept: Vec<(String, String)>) -> impl IntoView {
    let title = td_string!(l, unavailable_title).to_string();
    let heading = title.clone();
    let text = if kept.is_empty() {
        td_string!(l, unavailable_text)
    } else {
        td_string!(l, unavailable_kept_text)
    };
    let retry = if kept.is_empty() {
        Either::Left(view! {
            <a class="button portal-button" href="">{td!(l, btn_retry)}</a>
        })
    } else {
        // No action: the form posts to the address it was posted to.
        Either::Right(view! {
            <form method="post" class="portal-kept" data-testid="portal-kept">
                {kept
                    .into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                    .collect_view()}
                <button type="submit" class="button button-primary portal-button">{td!(l, btn_send_again)}</button>
            </form>
        })
    };
    view! {
        <Frame l company=None title switch=()>
            <section class="portal-card" data-testid="portal-unavailable" role="alert">
                <h1>{heading}</h1>
                <p>{text}</p>
                {retry}
            </section>
        </Frame>
    }
}

fn both_languages() -> impl IntoView {
    let (dutch, english) = (Locale::nl, Locale::en);
    view! {
        <Frame l=dutch company=None title=td_string!(english, unavailable_title).to_string() switch=()>
            <section class="portal-card" data-testid="portal-unavailable" role="alert">
                <h1>{td!(dutch, unavailable_title)}</h1>
                <p>{td!(dutch, unavailable_text)}</p>
                <h2 lang="en">{td!(english, unavailable_title)}</h2>
                <p lang="en">{td!(english, unavailable_text)}</p>
                <a class="button portal-button" href="">{td!(dutch, btn_retry)}" / "<span lang="en">{td!(english, btn_retry)}</span></a>
            </section>
        </Frame>
    }
}
