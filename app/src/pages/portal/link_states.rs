//! What a link that does not open shows: expired (with a fresh link), refused, unknown, or throttled.

use super::*;

#[component]
pub(super) fn PortalExpired(
    language: String,
    company: Option<String>,
    fresh_link: bool,
    sent: Option<FreshLinkOutcome>,
) -> impl IntoView {
    let l = locale(&language);
    let body = match sent {
        Some(FreshLinkOutcome::Sent) => EitherOf4::A(view! {
            <p class="portal-success" role="status" data-testid="portal-fresh-sent">{td!(l, fresh_sent)}</p>
        }),
        Some(FreshLinkOutcome::TooSoon) => EitherOf4::B(view! {
            <p class="portal-alert" role="status" data-testid="portal-fresh-too-soon">{td!(l, fresh_too_soon)}</p>
        }),
        _ if fresh_link => EitherOf4::C(view! {
            <p>{td!(l, expired_fresh)}</p>
            <form method="post" data-testid="portal-fresh-form">
                <input type="hidden" name="lang" value=language.clone() />
                <button type="submit" name="intent" value="fresh_link" class="button button-primary portal-button" data-testid="portal-fresh">
                    {td!(l, btn_fresh)}
                </button>
            </form>
        }),
        _ => EitherOf4::D(view! { <p>{td!(l, expired_closed)}</p> }),
    };
    view! {
        <Frame l company=company title=td_string!(l, expired_title).to_string() switch=switch_links(l, "")>
            <section class="portal-card" data-testid="portal-expired">
                <h1>{td!(l, expired_title)}</h1>
                <p>{td!(l, expired_text)}</p>
                {body}
            </section>
        </Frame>
    }
}

#[component]
pub(super) fn PortalRefused(language: String, company: Option<String>) -> impl IntoView {
    let l = locale(&language);
    view! {
        <Frame l company=company title=td_string!(l, refused_title).to_string() switch=()>
            <section class="portal-card" data-testid="portal-refused">
                <h1>{td!(l, refused_title)}</h1>
                <p>{td!(l, refused_text)}</p>
                <a class="button portal-button" href="?">{td!(l, btn_back)}</a>
            </section>
        </Frame>
    }
}

/// Nothing is known about an invalid link, not even its language: both are shown.
#[component]
pub(super) fn PortalInvalid() -> impl IntoView {
    bilingual(
        "portal-invalid",
        [
            td_string!(Locale::nl, invalid_title),
            td_string!(Locale::nl, invalid_text),
        ],
        [
            td_string!(Locale::en, invalid_title),
            td_string!(Locale::en, invalid_text),
        ],
    )
}

#[component]
pub(super) fn PortalThrottled() -> impl IntoView {
    bilingual(
        "portal-throttled",
        [
            td_string!(Locale::nl, throttled_title),
            td_string!(Locale::nl, throttled_text),
        ],
        [
            td_string!(Locale::en, throttled_title),
            td_string!(Locale::en, throttled_text),
        ],
    )
}

/// A page in Dutch, then English: a title and a sentence in each.
pub(super) fn bilingual(
    testid: &'static str,
    nl: [&'static str; 2],
    en: [&'static str; 2],
) -> impl IntoView {
    view! {
        <Frame l=Locale::nl company=None title=en[0].to_string() switch=()>
            <section class="portal-card" data-testid=testid>
                <h1>{nl[0]}</h1>
                <p>{nl[1]}</p>
                <h2 lang="en">{en[0]}</h2>
                <p lang="en">{en[1]}</p>
            </section>
        </Frame>
    }
}
