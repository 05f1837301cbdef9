//! The results: one [`Row`] per figure, printed as one table and written as JSON, and the
//! quick mode's comparison with a committed summary.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Which way a ratio is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// A larger ratio is better (throughput).
    Higher,
    /// A smaller ratio is better (time, memory).
    Lower,
}

/// Our figure, the baseline's, and how they compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Ours.
    pub ours: f64,
    /// The baseline's.
    pub baseline: f64,
    /// `ours / baseline`.
    pub ratio: f64,
}

impl Figures {
    /// Two figures and their plain ratio.
    pub fn new(ours: f64, baseline: f64) -> Self {
        Self {
            ours,
            baseline,
            ratio: ours / baseline,
        }
    }
}

/// One figure: ours, the baseline measured next to it, their ratio, and the target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// A stable key, for comparing runs.
    pub id: String,
    /// What was measured.
    pub metric: String,
    /// The unit of `ours` and `baseline`.
    pub unit: String,
    /// Our figure.
    pub ours: f64,
    /// The baseline's figure, when there is one.
    pub baseline: Option<f64>,
    /// `ours / baseline`.
    pub ratio: Option<f64>,
    /// Which way the ratio is good.
    pub better: Better,
    /// The target, as text.
    pub target: String,
    /// Whether the target is met; `None` for figures that are only reported.
    pub met: Option<bool>,
    /// A correctness figure (errors, refused requests): quick mode fails when it is not met.
    pub invariant: bool,
    /// How it was measured.
    pub note: String,
}

impl Row {
    /// A figure compared with a baseline; `ratio_target` is the bound on the ratio, on the
    /// side [`Better`] says.
    pub fn ratio(
        id: &str,
        metric: impl Into<String>,
        unit: &str,
        figures: Figures,
        better: Better,
        ratio_target: f64,
    ) -> Self {
        let Figures {
            ours,
            baseline,
            ratio,
        } = figures;
        let (met, sign) = match better {
            Better::Higher => (ratio >= ratio_target, "≥"),
            Better::Lower => (ratio <= ratio_target, "≤"),
        };
        Self {
            id: id.into(),
            metric: metric.into(),
            unit: unit.into(),
            ours,
            baseline: Some(baseline),
            ratio: Some(ratio),
            better,
            target: format!("{sign} {ratio_target}×"),
            met: Some(met),
            invariant: false,
            note: String::new(),
        }
    }

    /// A figure with an absolute target.
    pub fn absolute(id: &str, metric: impl Into<String>, unit: &str, ours: f64) -> Self {
        Self {
            id: id.into(),
            metric: metric.into(),
            unit: unit.into(),
            ours,
            baseline: None,
            ratio: None,
            better: Better::Lower,
            target: "—".into(),
            met: None,
            invariant: false,
            note: String::new(),
        }
    }

    /// Sets the target text and whether it is met.
    pub fn target(mut self, target: impl Into<String>, met: bool) -> Self {
        self.target = target.into();
        self.met = Some(met);
        self
    }

    /// Drops the target: the figure is only reported.
    pub fn reported(mut self) -> Self {
        self.target = "—".into();
        self.met = None;
        self
    }

    /// Marks the figure as a correctness requirement.
    pub fn invariant(mut self) -> Self {
        self.invariant = true;
        self
    }

    /// Sets how it was measured.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }
}

/// A whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// `full` or `quick`.
    pub mode: String,
    /// When it ran, unix seconds.
    pub unix_time: i64,
    /// CPUs the machine offered.
    pub cpus: usize,
    /// Wall time of the run, seconds.
    pub seconds: f64,
    /// Every figure.
    pub rows: Vec<Row>,
}

impl Summary {
    /// Reads a summary written by [`write`](Self::write).
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Writes it as pretty JSON, creating the folder.
    pub fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The table: metric, ours, baseline, ratio, target, met?
    pub fn table(&self) -> String {
        let header = ["metric", "ours", "baseline", "ratio", "target", "met?"].map(String::from);
        let mut lines = vec![header];
        for row in &self.rows {
            lines.push([
                row.metric.clone(),
                quantity(row.ours, &row.unit),
                row.baseline
                    .map_or_else(|| "—".into(), |b| quantity(b, &row.unit)),
                row.ratio.map_or_else(|| "—".into(), ratio),
                row.target.clone(),
                match row.met {
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => "—".into(),
                },
            ]);
        }
        let widths: Vec<usize> = (0..6)
            .map(|c| {
                lines
                    .iter()
                    .map(|l| l[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, width))| {
                    // Numbers align right, words left.
                    if (1..=3).contains(&c) {
                        format!("{cell:>width$}")
                    } else {
                        format!("{cell:<width$}")
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let _ = writeln!(out, "{}", rule.join("  "));
            }
        }
        out
    }

    /// The same table in Markdown, for the README.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| metric | ours | baseline | ratio | target | met? |\n|---|---:|---:|---:|---|---|\n",
        );
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                row.metric,
                quantity(row.ours, &row.unit),
                row.baseline
                    .map_or_else(|| "—".into(), |b| quantity(b, &row.unit)),
                row.ratio.map_or_else(|| "—".into(), ratio),
                row.target,
                match row.met {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "—",
                }
            );
        }
        out
    }

    /// What makes a quick run fail against `committed`: a ratio more than 2× worse than the
    /// committed one, or an unmet invariant.
    pub fn regressions(&self, committed: &Summary) -> Vec<String> {
        let mut found = Vec::new();
        for row in &self.rows {
            if row.invariant && row.met == Some(false) {
                found.push(format!(
                    "{}: {} {} (target {})",
                    row.metric,
                    quantity(row.ours, &row.unit),
                    row.unit,
                    row.target
                ));
            }
            let Some(ratio) = row.ratio else { continue };
            let Some(before) = committed
                .rows
                .iter()
                .find(|r| r.id == row.id)
                .and_then(|r| r.ratio)
            else {
                continue;
            };
            let worse = match row.better {
                Better::Higher => ratio < before / 2.0,
                Better::Lower => ratio > before * 2.0,
            };
            if worse {
                found.push(format!(
                    "{}: ratio {} against {} committed (more than 2× worse)",
                    row.metric,
                    self::ratio(ratio),
                    self::ratio(before)
                ));
            }
        }
        found
    }
}

/// A ratio with enough digits to see which side of a target it falls.
fn ratio(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.3}×")
    } else {
        format!("{value:.1}×")
    }
}

/// A figure with its unit, digits grouped.
pub fn quantity(value: f64, unit: &str) -> String {
    let number = if value.abs() >= 100.0 || value.fract() == 0.0 {
        group_thousands(value.round() as i64)
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(rows: Vec<Row>) -> Summary {
        Summary {
            mode: "full".into(),
            unix_time: 0,
            cpus: 2,
            seconds: 1.0,
            rows,
        }
    }

    #[test]
    fn quantities_group_digits() {
        assert_eq!(quantity(1_234_567.4, "req/s"), "1,234,567 req/s");
        assert_eq!(quantity(12.345, "MiB"), "12.3 MiB");
        assert_eq!(quantity(0.5, ""), "0.50");
        assert_eq!(quantity(0.0, ""), "0");
    }

    #[test]
    fn ratios_meet_targets_on_the_right_side() {
        let up = Row::ratio(
            "a",
            "a",
            "x",
            Figures::new(96.0, 100.0),
            Better::Higher,
            0.95,
        );
        assert_eq!((up.ratio, up.met), (Some(0.96), Some(true)));
        let down = Row::ratio(
            "b",
            "b",
            "x",
            Figures::new(140.0, 100.0),
            Better::Lower,
            1.3,
        );
        assert_eq!(down.met, Some(false));
        assert_eq!(down.target, "≤ 1.3×");
    }

    #[test]
    fn quick_runs_fail_on_a_ratio_twice_as_bad_or_a_broken_invariant() {
        let committed = summary(vec![
            Row::ratio(
                "up",
                "up",
                "x",
                Figures::new(100.0, 100.0),
                Better::Higher,
                0.9,
            ),
            Row::ratio(
                "down",
                "down",
                "x",
                Figures::new(1.2, 1.0),
                Better::Lower,
                1.3,
            ),
        ]);
        let fine = summary(vec![
            Row::ratio(
                "up",
                "up",
                "x",
                Figures::new(60.0, 100.0),
                Better::Higher,
                0.9,
            ),
            Row::ratio(
                "down",
                "down",
                "x",
                Figures::new(2.3, 1.0),
                Better::Lower,
                1.3,
            ),
            Row::absolute("new", "new", "", 0.0),
        ]);
        assert!(fine.regressions(&committed).is_empty());
        let worse = summary(vec![
            Row::ratio(
                "up",
                "up",
                "x",
                Figures::new(40.0, 100.0),
                Better::Higher,
                0.9,
            ),
            Row::ratio(
                "down",
                "down",
                "x",
                Figures::new(2.5, 1.0),
                Better::Lower,
                1.3,
            ),
            Row::absolute("errors", "errors", "", 3.0)
                .target("0", false)
                .invariant(),
        ]);
        assert_eq!(worse.regressions(&committed).len(), 3);
        assert!(worse.table().contains("NO"));
    }
}
