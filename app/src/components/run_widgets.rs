//! Widgets of the run pages: the wizard's stepper, the small response chart, the
//! sending progress bar and the funnel.

use crate::components::data_table::count;
use datacheck_core::wire::{Funnel, RunProgress};
use leptos::prelude::*;

pub const STEPS: [&str; 5] = [
    "Configuration",
    "Recipients",
    "E-mail",
    "Data fields",
    "Send",
];

/// The five wizard steps. A step can be opened once the steps before it are saved.
#[component]
pub fn Stepper(run: Option<i64>, current: usize, steps_done: usize) -> impl IntoView {
    view! {
        <nav aria-label="Steps of the data check" class="stepper-nav">
            <ol class="stepper">
                {STEPS.iter().enumerate().map(|(i, label)| {
                    let n = i + 1;
                    let done = n <= steps_done;
                    let reachable = run.is_some() && n <= steps_done + 1;
                    let class = if n == current { "step step-current" } else if done { "step step-done" } else { "step" };
                    let marker = if done && n != current { "✓".to_string() } else { n.to_string() };
                    let inner = view! {
                        <span class="step-marker" aria-hidden="true">{marker}</span>
                        <span class="step-label">{*label}</span>
                        {done.then(|| view! { <span class="visually-hidden">" (saved)"</span> })}
                    };
                    view! {
                        <li class=class aria-current=(n == current).then_some("step")>
                            {match (reachable && n != current, run) {
                                (true, Some(id)) => view! { <a href=format!("/staff/runs/{id}/edit?step={n}")>{inner}</a> }.into_any(),
                                _ => view! { <span>{inner}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
            // Where the markers stand alone (narrow screens), the current step in words;
            // hidden elsewhere, where each step shows its label.
            <p class="stepper-caption" aria-hidden="true">
                {format!("Step {current} of {}: ", STEPS.len())}
                <strong>{STEPS.get(current.saturating_sub(1)).copied().unwrap_or_default()}</strong>
            </p>
        </nav>
    }
}

/// Responses per day as small bars; an SVG with a text alternative.
#[component]
pub fn ResponseChart(per_day: Vec<i64>, #[prop(optional)] large: bool) -> impl IntoView {
    let (w, h) = if large { (420.0, 96.0) } else { (112.0, 28.0) };
    let max = per_day.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = per_day.len().max(1) as f64;
    let gap = if large { 4.0 } else { 2.0 };
    let bar_w = ((w - gap * (n - 1.0)) / n).max(1.0);
    let total: i64 = per_day.iter().sum();
    let label = if per_day.is_empty() {
        "Not sent yet".to_string()
    } else {
        format!(
            "{} responses over {} day(s): {}",
            count(total),
            per_day.len(),
            per_day
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    view! {
        <svg class=if large { "chart chart-large" } else { "chart" } viewBox=format!("0 0 {w} {h}")
            width=w.to_string() height=h.to_string() role="img" aria-label=label.clone()>
            <title>{label.clone()}</title>
            <line x1="0" y1=(h - 0.5).to_string() x2=w.to_string() y2=(h - 0.5).to_string() class="chart-axis" />
            {per_day.iter().enumerate().map(|(i, v)| {
                let bh = if *v == 0 { 0.0 } else { ((*v as f64) / max * (h - 2.0)).max(2.0) };
                view! {
                    <rect class="chart-bar" x=(i as f64 * (bar_w + gap)).to_string() y=(h - 1.0 - bh).to_string()
                        width=bar_w.to_string() height=bh.to_string() rx="1" />
                }
            }).collect_view()}
        </svg>
    }
}

/// Queued / sent / failed as one stacked bar with its numbers. Drawn in SVG: the
/// page's Content-Security-Policy allows no inline styles.
#[component]
pub fn SendProgress(progress: RunProgress) -> impl IntoView {
    let total = progress.total().max(1) as f64;
    let share = |n: i64| n as f64 * 100.0 / total;
    let done = progress.sent + progress.failed + progress.cancelled;
    let parts = [
        ("progress-sent", share(progress.sent)),
        ("progress-failed", share(progress.failed)),
        ("progress-cancelled", share(progress.cancelled)),
    ];
    let mut x = 0.0;
    let rects: Vec<_> = parts
        .into_iter()
        .map(|(class, w)| {
            let r = (class, x, w);
            x += w;
            r
        })
        .collect();
    view! {
        <div class="send-progress" data-testid="send-progress">
            <svg class="progress-track" width="100%" height="14" role="progressbar" aria-label="Mails handled"
                aria-valuemin="0" aria-valuemax=progress.total().to_string() aria-valuenow=done.to_string()>
                <rect class="progress-bg" x="0" y="0" width="100%" height="14" rx="7" />
                {rects.into_iter().map(|(class, x, w)| view! {
                    <rect class=class x=format!("{x:.2}%") y="0" width=format!("{w:.2}%") height="14" />
                }).collect_view()}
            </svg>
            <p class="progress-legend" aria-live="polite">
                <span class="legend legend-queued">{format!("{} queued", count(progress.queued))}</span>
                <span class="legend legend-sent">{format!("{} sent", count(progress.sent))}</span>
                <span class="legend legend-failed">{format!("{} failed", count(progress.failed))}</span>
                {(progress.cancelled > 0).then(|| view! {
                    <span class="legend legend-cancelled">{format!("{} not sent (cancelled)", count(progress.cancelled))}</span>
                })}
            </p>
        </div>
    }
}

/// Sent → failed → opened → responded, each as a share of the recipients.
#[component]
pub fn FunnelView(funnel: Funnel) -> impl IntoView {
    let base = funnel.recipients.max(1) as f64;
    let share = |n: i64| format!("{:.0}%", n as f64 * 100.0 / base);
    let steps = [
        ("Recipients", funnel.recipients, None),
        ("Mail sent", funnel.sent, None),
        ("Failed or bounced", funnel.failed, Some("stat-bad")),
        ("Page opened", funnel.opened, None),
        ("Responded", funnel.responded, None),
    ];
    view! {
        <div class="funnel" data-testid="funnel">
            {steps.into_iter().map(|(label, n, class)| view! {
                <div class=format!("funnel-step {}", class.unwrap_or(""))>
                    <span class="funnel-label">{label}</span>
                    <span class="funnel-number" data-testid=format!("funnel-{}", label.to_lowercase().replace(' ', "-"))>{count(n)}</span>
                    <span class="funnel-share">{share(n)}</span>
                    <svg class="funnel-bar" width="100%" height="6" aria-hidden="true">
                        <rect class="funnel-bar-bg" width="100%" height="6" rx="3" />
                        <rect class="funnel-bar-fill" width=share(n) height="6" rx="3" />
                    </svg>
                </div>
            }).collect_view()}
            <p class="muted small">{format!("{} changed their data, {} confirmed it unchanged.", count(funnel.changed), count(funnel.unchanged))}</p>
        </div>
    }
}
