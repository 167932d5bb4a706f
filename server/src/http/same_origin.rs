//! Cross-site requests are refused (SPEC §8). A request that changes state must come
//! from one of our own pages: its `Origin` is the configured public origin or, when a
//! browser sends no `Origin`, its `Sec-Fetch-Site` is not another site. SameSite
//! cookies stay as defence in depth; they do not stop a sibling subdomain (same site),
//! older browsers or a cookie that loses the attribute.
//!
//! What counts as changing state: every method but GET, HEAD, OPTIONS and TRACE, every
//! server function whatever its method (signing in, too), and the staff exports, which
//! are plain links but write an audit entry. Two things are exempt: the DMS API, which a
//! bearer key authenticates and no cookie, and RFC 8058 one-click unsubscribe, which mail
//! providers post from their own servers. A request without either header (a script,
//! an old browser) passes: then there is no browser making it on a visitor's behalf, or
//! none that tells, and the session cookie's SameSite attribute is what is left.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The origins a state-changing request may come from.
#[derive(Clone, Debug)]
pub struct OwnOrigin {
    /// The public URL's origin, as a browser writes it in `Origin` (`https://host[:port]`).
    public: String,
    /// Development only: also the origin the browser reached us by (`http://` and the
    /// `Host` header), so `localhost` works beside `127.0.0.1`. Safe to accept, since a
    /// browser sends our cookies only to our host, but production holds to the public URL.
    host_too: bool,
}

impl OwnOrigin {
    /// `public_url` is checked at start-up (an http or https URL); one that does not
    /// parse matches no browser's `Origin`, so it fails closed.
    pub fn new(public_url: &str, dev: bool) -> Self {
        let public = url::Url::parse(public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| public_url.to_string());
        OwnOrigin {
            public,
            host_too: dev,
        }
    }
}

/// Why a request was refused, in the words of the 403 answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    ForeignOrigin,
    CrossSite,
}

/// Whether the request would change something (see the module's comment).
pub fn changes_state(method: &Method, path: &str) -> bool {
    if path.starts_with("/api/v1/") || (method == Method::POST && path.starts_with("/u/")) {
        return false;
    }
    let safe = matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    let is_server_fn = path.starts_with("/api/");
    let is_export = path == "/staff/mutations/export.csv"
        || (path.starts_with("/staff/contacts/") && path.ends_with("/export.json"));
    !safe || is_server_fn || is_export
}

/// The verdict on a request that changes state.
///
/// `Origin: null` is not refused outright: a browser also writes it for a form on one of
/// our own pages when that page's referrer policy is `no-referrer`, as the customer
/// pages' is (they keep the token in their address out of every `Referer`). Then
/// `Sec-Fetch-Site` decides, and only `same-origin` passes; an opaque origin without it
/// (an old browser, a sandboxed frame) is refused.
pub fn check(own: &OwnOrigin, headers: &HeaderMap) -> Result<(), Refusal> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or(""))
    {
        Some("null") if fetch_site == Some("same-origin") => Ok(()),
        Some("null") => Err(Refusal::ForeignOrigin),
        Some(origin) => {
            let by_host = own.host_too
                && headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .is_some_and(|host| origin.strip_prefix("http://") == Some(host));
            if origin == own.public || by_host {
                Ok(())
            } else {
                Err(Refusal::ForeignOrigin)
            }
        }
        None => match fetch_site {
            Some("cross-site" | "same-site") => Err(Refusal::CrossSite),
            _ => Ok(()),
        },
    }
}

/// The middleware: refuses with 403 before any handler runs, so nothing is written.
pub async fn guard(State(own): State<Arc<OwnOrigin>>, req: Request<Body>, next: Next) -> Response {
    if !changes_state(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    match check(&own, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => {
            tracing::warn!(?refusal, method = %req.method(), "cross-site request refused");
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Refused: this request came from another site. Datacheck accepts changes \
                 only from its own pages; open the page again and retry from there.\n",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_public_origin_is_written_as_browsers_write_it() {
        let own = OwnOrigin::new("https://check.example.nl:443/", false);
        assert!(check(&own, &headers(&[("origin", "https://check.example.nl")])).is_ok());
        let own = OwnOrigin::new("http://127.0.0.1:3000", false);
        assert!(check(&own, &headers(&[("origin", "http://127.0.0.1:3000")])).is_ok());
    }

    #[test]
    fn foreign_and_opaque_origins_are_refused() {
        let own = OwnOrigin::new("https://check.example.nl", false);
        for origin in [
            "https://evil.example",
            "null",
            "http://check.example.nl",
            "https://shop.check.example.nl",
            "https://check.example.nl:8443",
        ] {
            let h =
                HeaderMap::from_iter([(header::ORIGIN, HeaderValue::from_str(origin).unwrap())]);
            assert_eq!(check(&own, &h), Err(Refusal::ForeignOrigin), "{origin}");
        }
    }

    #[test]
    fn an_opaque_origin_passes_only_from_our_own_no_referrer_pages() {
        let own = OwnOrigin::new("https://check.example.nl", false);
        let ours = [("origin", "null"), ("sec-fetch-site", "same-origin")];
        assert!(check(&own, &headers(&ours)).is_ok());
        for site in ["cross-site", "same-site", "none"] {
            let h = headers(&[("origin", "null"), ("sec-fetch-site", site)]);
            assert_eq!(check(&own, &h), Err(Refusal::ForeignOrigin), "{site}");
        }
        assert_eq!(
            check(&own, &headers(&[("origin", "null")])),
            Err(Refusal::ForeignOrigin)
        );
    }

    #[test]
    fn without_an_origin_the_fetch_site_decides() {
        let own = OwnOrigin::new("https://check.example.nl", false);
        assert_eq!(
            check(&own, &headers(&[("sec-fetch-site", "cross-site")])),
            Err(Refusal::CrossSite)
        );
        assert_eq!(
            check(&own, &headers(&[("sec-fetch-site", "same-site")])),
            Err(Refusal::CrossSite)
        );
        assert!(check(&own, &headers(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(check(&own, &headers(&[("sec-fetch-site", "none")])).is_ok());
        assert!(check(&own, &HeaderMap::new()).is_ok());
    }

    #[test]
    fn the_host_counts_in_development_only() {
        let pairs = [
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000"),
        ];
        let dev = OwnOrigin::new("http://127.0.0.1:3000", true);
        assert!(check(&dev, &headers(&pairs)).is_ok());
        let prod = OwnOrigin::new("http://127.0.0.1:3000", false);
        assert_eq!(check(&prod, &headers(&pairs)), Err(Refusal::ForeignOrigin));
        // Even in development, another site's page does not become ours by naming our host.
        let forged = [
            ("origin", "http://evil.example"),
            ("host", "localhost:3000"),
        ];
        assert_eq!(check(&dev, &headers(&forged)), Err(Refusal::ForeignOrigin));
    }

    #[test]
    fn what_changes_state() {
        assert!(changes_state(&Method::POST, "/c/token"));
        assert!(changes_state(&Method::POST, "/staff/contacts/import"));
        assert!(changes_state(&Method::GET, "/api/auth/current_user"));
        assert!(changes_state(&Method::POST, "/api/admin/create_company"));
        assert!(changes_state(&Method::GET, "/staff/mutations/export.csv"));
        assert!(changes_state(
            &Method::GET,
            "/staff/contacts/12/export.json"
        ));
        assert!(changes_state(&Method::DELETE, "/anything"));
        assert!(!changes_state(&Method::GET, "/staff/runs"));
        assert!(!changes_state(&Method::GET, "/c/token"));
        assert!(!changes_state(&Method::POST, "/api/v1/mutations/processed"));
        assert!(!changes_state(&Method::POST, "/u/token"));
    }
}
