//! The lasting preferences page (`/p/{token}`): subscriptions and e-marketing consent,
//! and "unsubscribe from everything". Plain HTML forms that post to the server, like
//! the customer page: it works before and without WebAssembly, and the page itself
//! never changes anything (see `server::preferences`).

use super::text::locale;
use super::{Frame, PortalInvalid, PortalThrottled, subscription_fieldsets, switch_links};
use crate::api::portal::open_preferences;
use crate::i18n::{td, td_string};
use crate::model::{PreferencesSaved, PreferencesState, PreferencesView};
use leptos::prelude::*;
use leptos_meta::Meta;

/// What a POST to the page led to (an invalid or throttled link), handed to the
/// render by the server.
#[derive(Clone, Debug)]
pub struct PreferencesPosted(pub PreferencesState);

/// The preferences page of `token`; `lang` and `saved` come from its address.
#[component]
pub fn PreferencesPage(
    token: String,
    lang: Option<String>,
    saved: Option<String>,
) -> impl IntoView {
    let posted = use_context::<PreferencesPosted>();
    let state = Resource::new_blocking(
        move || (token.clone(), lang.clone(), saved.clone()),
        move |(token, lang, saved)| {
            let posted = posted.clone();
            async move {
                match posted {
                    Some(PreferencesPosted(s)) => Ok(s),
                    None => open_preferences(token, lang, saved).await,
                }
            }
        },
    );
    view! {
        <Meta name="robots" content="noindex, nofollow" />
        <Meta name="referrer" content="no-referrer" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(PreferencesState::Open(v)) => view! { <PreferencesForm view=*v /> }.into_any(),
                    Ok(PreferencesState::Throttled) => view! { <PortalThrottled /> }.into_any(),
                    Ok(PreferencesState::Invalid) | Err(_) => view! { <PortalInvalid /> }.into_any(),
                }
            })}
        </Suspense>
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
