//! Inline SVG icons (stroke style, 24px grid): no icon font, no extra request.

use leptos::prelude::*;

fn svg(paths: &'static [&'static str]) -> AnyView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
            stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
            {paths.iter().map(|d| view! { <path d=*d /> }).collect_view()}
        </svg>
    }
    .into_any()
}

pub fn send() -> AnyView {
    svg(&["M22 2 11 13", "M22 2l-7 20-4-9-9-4 20-7z"])
}
pub fn inbox() -> AnyView {
    svg(&[
        "M22 12h-6l-2 3h-4l-2-3H2",
        "M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z",
    ])
}
pub fn users() -> AnyView {
    svg(&[
        "M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2",
        "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
        "M23 21v-2a4 4 0 0 0-3-3.87",
        "M16 3.13a4 4 0 0 1 0 7.75",
    ])
}
pub fn list() -> AnyView {
    svg(&[
        "M8 6h13",
        "M8 12h13",
        "M8 18h13",
        "M3 6h.01",
        "M3 12h.01",
        "M3 18h.01",
    ])
}
pub fn settings() -> AnyView {
    svg(&[
        "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        "M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 1 1-2.83 2.83l-.06-.06a1.65 1.65 0 0 0-1.82-.33 1.65 1.65 0 0 0-1 1.51V21a2 2 0 1 1-4 0v-.09A1.65 1.65 0 0 0 9 19.4a1.65 1.65 0 0 0-1.82.33l-.06.06a2 2 0 1 1-2.83-2.83l.06-.06A1.65 1.65 0 0 0 4.68 15a1.65 1.65 0 0 0-1.51-1H3a2 2 0 1 1 0-4h.09A1.65 1.65 0 0 0 4.6 9a1.65 1.65 0 0 0-.33-1.82l-.06-.06a2 2 0 1 1 2.83-2.83l.06.06A1.65 1.65 0 0 0 9 4.68a1.65 1.65 0 0 0 1-1.51V3a2 2 0 1 1 4 0v.09a1.65 1.65 0 0 0 1 1.51 1.65 1.65 0 0 0 1.82-.33l.06-.06a2 2 0 1 1 2.83 2.83l-.06.06A1.65 1.65 0 0 0 19.4 9a1.65 1.65 0 0 0 1.51 1H21a2 2 0 1 1 0 4h-.09a1.65 1.65 0 0 0-1.51 1z",
    ])
}
pub fn lock() -> AnyView {
    svg(&["M5 11h14v10H5z", "M8 11V7a4 4 0 0 1 8 0v4"])
}
pub fn building() -> AnyView {
    svg(&[
        "M3 21h18",
        "M5 21V7l7-4 7 4v14",
        "M9 9h.01",
        "M15 9h.01",
        "M9 13h.01",
        "M15 13h.01",
        "M10 21v-4h4v4",
    ])
}
pub fn history() -> AnyView {
    svg(&["M3 12a9 9 0 1 0 3-6.7L3 8", "M3 3v5h5", "M12 7v5l3 2"])
}
pub fn check_circle() -> AnyView {
    svg(&["M22 11.08V12a10 10 0 1 1-5.93-9.14", "M22 4 12 14.01l-3-3"])
}
pub fn sign_out() -> AnyView {
    svg(&[
        "M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4",
        "M16 17l5-5-5-5",
        "M21 12H9",
    ])
}
pub fn menu() -> AnyView {
    svg(&["M3 12h18", "M3 6h18", "M3 18h18"])
}
pub fn upload() -> AnyView {
    svg(&[
        "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4",
        "M17 8l-5-5-5 5",
        "M12 3v12",
    ])
}
pub fn check() -> AnyView {
    svg(&["M20 6 9 17l-5-5"])
}
pub fn download() -> AnyView {
    svg(&[
        "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4",
        "M7 10l5 5 5-5",
        "M12 15V3",
    ])
}
/// A warning triangle, for things a reviewer should look at twice.
pub fn alert() -> AnyView {
    svg(&[
        "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
        "M12 9v4",
        "M12 17h.01",
    ])
}
pub fn arrow_up() -> AnyView {
    svg(&["M12 19V5", "M5 12l7-7 7 7"])
}
pub fn arrow_down() -> AnyView {
    svg(&["M12 5v14", "M19 12l-7 7-7-7"])
}
