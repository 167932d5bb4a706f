//! The headers every answer carries: security headers, the page policy, and how long
//! browsers may keep what they get.

use app::shell::assets::Assets;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn security_headers(
    router: Router<super::WebState>,
    secure: bool,
    live_reload: bool,
) -> Router<super::WebState> {
    let mut router = router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Only the dev mailbox's mail view sets its own (SAMEORIGIN).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(super::page_policy::PagePolicy::new(live_reload)),
            super::page_policy::apply,
        ));
    if secure {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
}

/// How long browsers keep what they get. Hashed bundle files never change under their
/// name: a year, without asking again. Other files (unhashed names in development, the
/// icon) are asked about again each time. Pages and server-function answers carry
/// personal data: browsers must not store them. Customer pages also never tell the next
/// site where the visitor came from (the token is in the path).
pub async fn cache_control(
    State(assets): State<Arc<Assets>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_file = path.starts_with("/pkg/") || path == "/favicon.svg";
    let immutable = assets.is_immutable(path);
    let is_portal = path.starts_with("/c/") || path.starts_with("/p/");
    let mut res = next.run(req).await;
    if is_portal {
        res.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    let policy = match (is_file, immutable) {
        (_, true) if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED => {
            "public, max-age=31536000, immutable"
        }
        (true, _) => "no-cache",
        (false, _) => "no-store",
    };
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}
