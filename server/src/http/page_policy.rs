//! The Content-Security-Policy of every response, decided in one place.
//!
//! Each request gets a fresh nonce before it is handled ([`PageNonce`] in its
//! extensions); the page renderer writes it on the inline scripts it emits (the shell
//! reads it from the request). Once the response is made, an HTML page without a policy
//! of its own gets the page policy with that same nonce; anything else (API answers,
//! files, plain-text errors) gets a policy that allows nothing active.
//!
//! The header is set here rather than by the renderer through leptos' response options,
//! because a header set from inside rendering depends on the renderer running under the
//! request's own reactive owner; a staff page was once seen served with the fallback
//! policy, and so never hydrated.

use app::shell::PageNonce;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// What the policy allows beyond the fixed rules.
pub struct PagePolicy {
    /// cargo-leptos' live reload talks over a websocket on the reload port in development.
    live_reload: bool,
}

impl PagePolicy {
    pub fn new(live_reload: bool) -> PagePolicy {
        PagePolicy { live_reload }
    }

    /// Scripts only from this origin or with this response's nonce, WebAssembly
    /// compilation allowed, no framing, no inline styles.
    fn for_page(&self, nonce: &str) -> String {
        let connect = if self.live_reload {
            " ws://127.0.0.1:3001 ws://localhost:3001"
        } else {
            ""
        };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'{connect}; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'self'; object-src 'none'"
        )
    }
}

/// Everything that is not a page runs nothing and loads nothing.
const INERT: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub async fn apply(
    State(policy): State<Arc<PagePolicy>>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = PageNonce::fresh();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        return res;
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let value = if is_html {
        HeaderValue::from_str(&policy.for_page(nonce.as_str()))
            .unwrap_or(HeaderValue::from_static(INERT))
    } else {
        HeaderValue::from_static(INERT)
    };
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, value);
    res
}
