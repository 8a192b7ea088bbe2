//! `/admin/reports`: Usage & insights — password resets and account unlocks started, completed
//! and abandoned over the last 7 or 30 days (`GET /api/admin/reports/usage`), as totals, as bar
//! charts by day and by method (SVG drawn here), and, for screen readers and anyone who prefers
//! numbers, the same figures as tables under **Show the data as a table**. The charts are
//! `role="img"` with a text alternative that names the totals.

use super::reports::ReportNav;
use crate::api;
use crate::i18n::{at, catalog, AText};
use crate::ui::Loaded;
use leptos::prelude::*;
use sspr_api::reports::{FlowCounts, UsageDay, UsageReport};

/// The chart's drawing size (it scales with the page through `viewBox`).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const AXIS: f64 = 24.0;

#[component]
pub fn Usage() -> impl IntoView {
    let days = RwSignal::new(7u32);
    let report = LocalResource::new(move || api::usage(days.get()));
    let choose = move |n: u32| {
        view! {
            <button
                type="button"
                class="button button--secondary"
                aria-pressed=move || if days.get() == n { "true" } else { "false" }
                on:click=move |_| days.set(n)
            >
                {at(if n == 7 { |m| m.usage_7_days } else { |m| m.usage_30_days })}
            </button>
        }
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_report_usage)}</h1>
        <ReportNav/>
        <p>{at(|m| m.usage_intro)}</p>
        <div class="button-row" role="group" aria-label=at(|m| m.usage_period)>
            {choose(7)}
            {choose(30)}
        </div>
        <Loaded resource=report children=move |report: UsageReport| view! {
            <Totals report=report.clone()/>
            <DayChart id="resets" title=|m| m.usage_resets days=report.by_day.clone() pick=|d: &UsageDay| d.resets/>
            <DayChart id="unlocks" title=|m| m.usage_unlocks days=report.by_day.clone() pick=|d: &UsageDay| d.unlocks/>
            <MethodChart report=report.clone()/>
        }/>
    }
}

/// The period's totals.
#[component]
fn Totals(report: UsageReport) -> impl IntoView {
    let row = |label: AText, counts: FlowCounts, id: &'static str| {
        view! {
            <tr data-testid=id>
                <th scope="row">{at(label)}</th>
                <td>{counts.started}</td>
                <td>{counts.completed}</td>
                <td>{counts.abandoned}</td>
            </tr>
        }
    };
    view! {
        <h2>{at(|m| m.usage_totals)}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.usage_totals)>
            <table class="table">
                <caption class="visually-hidden">{at(|m| m.usage_totals)}</caption>
                <thead><tr>
                    <td></td>
                    <th scope="col">{at(|m| m.usage_started)}</th>
                    <th scope="col">{at(|m| m.usage_completed)}</th>
                    <th scope="col">{at(|m| m.usage_abandoned)}</th>
                </tr></thead>
                <tbody>
                    {row(|m| m.usage_resets, report.resets, "total-resets")}
                    {row(|m| m.usage_unlocks, report.unlocks, "total-unlocks")}
                </tbody>
            </table>
        </div>
    }
}

/// Bars per day: completed (solid) under abandoned (lighter), together the flows started.
#[component]
fn DayChart(
    id: &'static str,
    title: AText,
    days: Vec<UsageDay>,
    pick: fn(&UsageDay) -> FlowCounts,
) -> impl IntoView {
    let counts: Vec<(String, FlowCounts)> =
        days.iter().map(|d| (d.date.clone(), pick(d))).collect();
    let max = counts
        .iter()
        .map(|(_, c)| c.started.max(c.completed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / counts.len().max(1) as f64;
    let bar = (slot * 0.6).max(2.0);
    let scale = (HEIGHT - AXIS) / max;
    let title_id = [id, "-chart-title"].concat();
    let desc_id = [id, "-chart-desc"].concat();
    let started: u64 = counts.iter().map(|(_, c)| c.started).sum();
    let completed: u64 = counts.iter().map(|(_, c)| c.completed).sum();
    let summary = move || {
        catalog()
            .usage_chart_summary
            .replace("{started}", &started.to_string())
            .replace("{completed}", &completed.to_string())
    };
    let every = if counts.len() > 10 { 5 } else { 1 };
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, (date, c))| {
            let x = i as f64 * slot + (slot - bar) / 2.0;
            let done = c.completed as f64 * scale;
            let left = c.abandoned as f64 * scale;
            let base = HEIGHT - AXIS;
            let last = i + 1 == counts.len();
            let label = (i % every == 0 || last).then(|| {
                // The first and last labels keep inside the drawing.
                let (at, anchor) = match (i, last) {
                    (0, _) => (x, "start"),
                    (_, true) => (x + bar, "end"),
                    _ => (x + bar / 2.0, "middle"),
                };
                view! {
                    <text x=at y=HEIGHT - 6.0 text-anchor=anchor class="chart__label">{date.get(5..).unwrap_or(date).to_owned()}</text>
                }
            });
            view! {
                <rect x=x y=base - done width=bar height=done class="chart__bar"/>
                <rect x=x y=base - done - left width=bar height=left class="chart__bar chart__bar--light"/>
                {label}
            }
        })
        .collect_view();
    let (heading_id, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <h2 id=heading_id>{at(title)}</h2>
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=title_id aria-describedby=described_by data-testid=[id, "-chart"].concat()>
            <desc id=desc_id>{summary}</desc>
            <line x1="0" y1=HEIGHT - AXIS x2=WIDTH y2=HEIGHT - AXIS class="chart__axis"/>
            {bars}
        </svg>
        <p class="chart__legend">
            <span class="chart__key"></span>{at(|m| m.usage_completed)}
            " "
            <span class="chart__key chart__key--light"></span>{at(|m| m.usage_abandoned)}
        </p>
        <details class="chart__data">
            <summary>{at(|m| m.usage_show_table)}</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label=at(title)>
                <table class="table" data-testid=[id, "-table"].concat()>
                    <caption>{at(title)}</caption>
                    <thead><tr>
                        <th scope="col">{at(|m| m.usage_day)}</th>
                        <th scope="col">{at(|m| m.usage_started)}</th>
                        <th scope="col">{at(|m| m.usage_completed)}</th>
                        <th scope="col">{at(|m| m.usage_abandoned)}</th>
                    </tr></thead>
                    <tbody>
                        {counts.into_iter().map(|(date, c)| view! {
                            <tr><th scope="row">{date}</th><td>{c.started}</td><td>{c.completed}</td><td>{c.abandoned}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

/// The name of a method the report counts.
fn method_text(method: &str) -> AText {
    match method {
        "email" => |m| m.kind_email,
        "authenticator_app" => |m| m.kind_app,
        "security_questions" => |m| m.kind_questions,
        _ => |m| m.method_other,
    }
}

/// One horizontal bar per method: proofs that succeeded.
#[component]
fn MethodChart(report: UsageReport) -> impl IntoView {
    let methods = report.by_method;
    let max = methods
        .iter()
        .map(|m| m.succeeded.max(m.failed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let row = 36.0;
    let height = row * methods.len() as f64 + 8.0;
    let label_width = 200.0;
    let scale = (WIDTH - label_width - 60.0) / max;
    let bars = methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let y = i as f64 * row + 8.0;
            let width = m.succeeded as f64 * scale;
            let text = method_text(&m.method);
            view! {
                <text x="0" y=y + 18.0 class="chart__label">{at(text)}</text>
                <rect x=label_width y=y width=width height="22" class="chart__bar"/>
                <text x=label_width + width + 6.0 y=y + 18.0 class="chart__label">{m.succeeded}</text>
            }
        })
        .collect_view();
    let succeeded: u64 = methods.iter().map(|m| m.succeeded).sum();
    let summary = move || {
        catalog()
            .usage_methods_summary
            .replace("{n}", &succeeded.to_string())
    };
    view! {
        <h2 id="methods-chart-title">{at(|m| m.usage_methods)}</h2>
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="methods-chart-title" aria-describedby="methods-chart-desc" data-testid="methods-chart">
            <desc id="methods-chart-desc">{summary}</desc>
            {bars}
        </svg>
        <details class="chart__data">
            <summary>{at(|m| m.usage_show_table)}</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.usage_methods)>
                <table class="table" data-testid="methods-table">
                    <caption>{at(|m| m.usage_methods)}</caption>
                    <thead><tr>
                        <th scope="col">{at(|m| m.col_method)}</th>
                        <th scope="col">{at(|m| m.usage_succeeded)}</th>
                        <th scope="col">{at(|m| m.usage_failed)}</th>
                    </tr></thead>
                    <tbody>
                        {methods.into_iter().map(|m| view! {
                            <tr><th scope="row">{at(method_text(&m.method))}</th><td>{m.succeeded}</td><td>{m.failed}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
