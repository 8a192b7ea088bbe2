//! Percentiles and the results table.
//!
//! Latencies are kept as plain sorted microsecond samples (at most a few tens of thousands per
//! run), so percentiles are exact nearest-rank values rather than histogram buckets. The table is
//! Markdown, so the same text is printed by `cargo xtask bench` and pasted into the README; each
//! figure stands beside its SPEC §7 budget with a verdict.

use std::fmt::Write as _;
use std::time::Duration;

/// Latency samples of one run, sorted once for percentiles.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    sorted_us: Vec<u64>,
}

impl Latencies {
    pub fn new(mut samples_us: Vec<u64>) -> Self {
        samples_us.sort_unstable();
        Latencies {
            sorted_us: samples_us,
        }
    }

    pub fn from_durations(samples: impl IntoIterator<Item = Duration>) -> Self {
        Latencies::new(
            samples
                .into_iter()
                .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.sorted_us.len()
    }

    /// The nearest-rank `p`-th percentile (0 < p ≤ 100) in microseconds; 0 with no samples.
    pub fn percentile_us(&self, p: f64) -> u64 {
        let n = self.sorted_us.len();
        if n == 0 {
            return 0;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.sorted_us[rank.clamp(1, n) - 1]
    }

    /// The percentile in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        self.percentile_us(p) as f64 / 1000.0
    }

    pub fn median_ms(&self) -> f64 {
        self.percentile_ms(50.0)
    }

    pub fn p99_ms(&self) -> f64 {
        self.percentile_ms(99.0)
    }
}

/// Whether a figure is within its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Meets,
    Misses,
    /// A figure without a budget, reported for context.
    Info,
}

impl Verdict {
    /// `Meets` when `ok`, else `Misses`.
    pub fn of(ok: bool) -> Self {
        if ok {
            Verdict::Meets
        } else {
            Verdict::Misses
        }
    }

    fn text(self) -> &'static str {
        match self {
            Verdict::Meets => "meets",
            Verdict::Misses => "**misses**",
            Verdict::Info => "—",
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub measured: String,
    pub budget: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn new(
        figure: impl Into<String>,
        measured: impl Into<String>,
        budget: impl Into<String>,
        verdict: Verdict,
    ) -> Self {
        Row {
            figure: figure.into(),
            measured: measured.into(),
            budget: budget.into(),
            verdict,
        }
    }
}

/// The figures of one back end.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// How many figures miss their budget.
    pub fn misses(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict == Verdict::Misses)
            .count()
    }

    /// The Markdown table.
    pub fn markdown(&self) -> String {
        let mut out = String::from("| figure | measured | budget (SPEC §7) | verdict |\n");
        out.push_str("|---|---|---|---|\n");
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                row.figure,
                row.measured,
                row.budget,
                row.verdict.text()
            );
        }
        out
    }
}

/// `1234.5` → `"1,234.5"` style thousands grouping for whole numbers: `1234` → `"1,234"`.
pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds with a sensible number of decimals.
pub fn ms(value: f64) -> String {
    if value.abs() < 10.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.1} ms")
    }
}

/// Bytes as decimal megabytes (the SPEC's unit), one decimal.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let l = Latencies::new((1..=100).rev().collect());
        assert_eq!(l.percentile_us(50.0), 50);
        assert_eq!(l.percentile_us(99.0), 99);
        assert_eq!(l.percentile_us(100.0), 100);
        assert_eq!(l.percentile_us(0.1), 1);
        let ten = Latencies::new(vec![10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]);
        assert_eq!(ten.percentile_us(50.0), 50);
        assert_eq!(
            ten.percentile_us(99.0),
            1000,
            "the slowest of ten is the p99"
        );
        assert_eq!(ten.percentile_us(90.0), 90);
    }

    #[test]
    fn no_samples_give_zero() {
        let l = Latencies::default();
        assert_eq!(l.percentile_us(99.0), 0);
        assert_eq!(l.len(), 0);
    }

    #[test]
    fn durations_become_microseconds() {
        let l = Latencies::from_durations([Duration::from_millis(2), Duration::from_micros(1500)]);
        assert_eq!(l.percentile_us(50.0), 1500);
        assert!((l.p99_ms() - 2.0).abs() < f64::EPSILON);
    }

    #[test]
    fn the_table_marks_misses_and_counts_them() {
        let mut report = Report::default();
        report.push(Row::new("a", "1 ms", "≤ 5 ms", Verdict::of(true)));
        report.push(Row::new("b", "9 ms", "≤ 5 ms", Verdict::of(false)));
        report.push(Row::new("c", "12 MB", "", Verdict::Info));
        let text = report.markdown();
        assert_eq!(report.misses(), 1);
        assert!(text.starts_with("| figure | measured | budget (SPEC §7) | verdict |\n|---|"));
        assert!(text.contains("| a | 1 ms | ≤ 5 ms | meets |"));
        assert!(text.contains("| b | 9 ms | ≤ 5 ms | **misses** |"));
        assert!(text.contains("| c | 12 MB |  | — |"));
    }

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(ms(0.456), "0.46 ms");
        assert_eq!(ms(47.26), "47.3 ms");
        assert_eq!(megabytes(12_345_678), "12.3 MB");
    }
}
