//! The lasting preferences page (`/p/{token}`): subscriptions and e-marketing consent,
//! and "unsubscribe from everything". Plain HTML forms that post to the server, like
//! the customer page: it works before and without WebAssembly, and the page itself
//! never changes anything (see `server::preferences`).

use super::text::locale;
use super::{Frame, PortalInvalid, PortalThrottled, subscription_fieldsets, switch_links};
use crate::i18n::{td, td_string};
use datacheck_core::wire::{PreferencesSaved, PreferencesState, PreferencesView};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Meta;

/// The preferences page as the server decided it (see `root::CustomerPage`).
#[component]
pub fn PreferencesPage(state: PreferencesState) -> impl IntoView {
    let page = match state {
        PreferencesState::Open(v) => EitherOf3::A(view! { <PreferencesForm view=*v /> }),
        PreferencesState::Throttled => EitherOf3::B(view! { <PortalThrottled /> }),
        PreferencesState::Invalid => EitherOf3::C(view! { <PortalInvalid /> }),
    };
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        {page}
    }
}

#[component]
fn PreferencesForm(view: PreferencesView) -> impl IntoView {
    let l = locale(&view.language);
    let greeting = td_string!(l, prefs_greeting, name = view.name.clone());
    let intro = td_string!(l, prefs_intro, company = view.company.clone());
    let saved = view.saved.map(|s| {
        let (class, words) = match s {
            PreferencesSaved::Saved => ("portal-success", td_string!(l, prefs_saved)),
            PreferencesSaved::Nothing => ("portal-note", td_string!(l, prefs_nothing)),
            PreferencesSaved::UnsubscribedAll => ("portal-success", td_string!(l, prefs_all_done)),
        };
        view! { <p class=class role="status" data-testid="prefs-saved">{words}</p> }
    });
    let switch = switch_links(l, "");
    view! {
        <Frame l company=Some(view.company.clone()) title=td_string!(l, prefs_title).to_string() switch=switch>
            <section class="portal-card portal-intro" data-testid="prefs-open">
                <h1>{greeting}</h1>
                <p>{intro}</p>
                {saved}
            </section>
            <form method="post" action=view.action.clone() data-testid="prefs-form">
                <input type="hidden" name="key" value=view.submission_key.clone() />
                <input type="hidden" name="lang" value=view.language.clone() />
                <section class="portal-card" aria-labelledby="subs-h">
                    <h2 id="subs-h">{td!(l, section_subscriptions)}</h2>
                    {subscription_fieldsets(l, &view.company, view.types.clone(), &view.consent)}
                    <div class="portal-actions">
                        <button type="submit" name="intent" value="save" class="button button-primary portal-button" data-testid="prefs-save">
                            {td!(l, prefs_save)}
                        </button>
                    </div>
                </section>
            </form>
            <form method="post" action=view.action.clone() data-testid="prefs-all-form">
                <input type="hidden" name="key" value=view.submission_key.clone() />
                <input type="hidden" name="lang" value=view.language.clone() />
                <section class="portal-card" aria-labelledby="all-h">
                    <h2 id="all-h">{td!(l, prefs_all_title)}</h2>
                    <p>{td!(l, prefs_all_hint)}</p>
                    <div class="portal-actions">
                        <button type="submit" name="intent" value="unsubscribe_all" class="button portal-button" data-testid="prefs-unsubscribe-all">
                            {td!(l, prefs_all_button)}
                        </button>
                    </div>
                </section>
            </form>
        </Frame>
    }
}
