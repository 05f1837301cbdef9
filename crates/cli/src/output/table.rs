//! Tables for people: aligned columns that fit the terminal's width, one line per row.
//!
//! The layout is worked out from the first rows (up to [`LAYOUT_ROWS`], or fewer when the
//! output pauses), then every later row is printed at once in it, so a table of a million
//! rows streams in bounded memory. A [`Fit::Never`] column (the reference) is never cut or
//! wrapped, so a reference can always be copied; the others give way when the table is too
//! wide: shortened with `…` down to a useful width ([`Fit::Shorten`]), then left out, the
//! most expendable first. Essential columns (the status, the result) are never left out: a
//! row too wide for the terminal overflows rather than lose them.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Rows held back to lay the table out, at most.
pub const LAYOUT_ROWS: usize = 100;
/// Spaces between columns.
const GAP: usize = 2;
/// The narrowest a shortened column gets: below this it says too little to keep.
const MIN_SHORTENED: usize = 16;

/// How a column gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never shortened or left out (the reference).
    Never,
    /// Shown whole or left out (a time: cut, it would mislead).
    Whole,
    /// Shortened with `…`, or left out.
    Shorten,
}

/// A column: its header, how it gives way, and how expendable it is (lower goes first;
/// `None`: essential, never left out).
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub fit: Fit,
    pub expendable: Option<u8>,
}

/// A table being written.
pub struct Table {
    columns: Vec<Column>,
    /// The width the table must fit in.
    width: usize,
    /// Rows waiting for the layout.
    pending: Vec<Vec<String>>,
    /// Each column's width (`None`: left out), once laid out.
    widths: Option<Vec<Option<usize>>>,
}

impl Table {
    /// A table of `columns`, to fit in `width` terminal columns.
    pub fn new(columns: Vec<Column>, width: usize) -> Self {
        Self {
            columns,
            width,
            pending: Vec::new(),
            widths: None,
        }
    }

    /// Adds a row (one cell per column), printing it now if the layout is known.
    pub fn row(&mut self, cells: Vec<String>, out: &mut impl Write) -> io::Result<()> {
        match &self.widths {
            Some(widths) => write_row(out, &cells, widths, &self.columns),
            None => {
                self.pending.push(cells);
                if self.pending.len() >= LAYOUT_ROWS {
                    self.lay_out(out)?;
                }
                Ok(())
            }
        }
    }

    /// Lays the table out from the rows so far, if not done yet, and prints them.
    pub fn lay_out(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.widths.is_some() || self.pending.is_empty() {
            return Ok(());
        }
        let widths = layout(&self.columns, &self.pending, self.width);
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.clone()).collect();
        write_row(out, &headers, &widths, &self.columns)?;
        for row in self.pending.drain(..) {
            write_row(out, &row, &widths, &self.columns)?;
        }
        self.widths = Some(widths);
        Ok(())
    }
}

/// Column widths: each column's widest cell; while even the narrowest widths overflow,
/// the most expendable column (rightmost among equals) is left out; then, if the row can
/// fit, shortenable columns give up width, rightmost first, until it does.
fn layout(columns: &[Column], rows: &[Vec<String>], width: usize) -> Vec<Option<usize>> {
    let mut natural: Vec<usize> = columns.iter().map(|c| c.header.width()).collect();
    for row in rows {
        for (w, cell) in natural.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let floor: Vec<usize> = columns
        .iter()
        .zip(&natural)
        .map(|(column, &w)| match column.fit {
            Fit::Never | Fit::Whole => w,
            Fit::Shorten => w.min(MIN_SHORTENED),
        })
        .collect();
    let mut shown: Vec<bool> = vec![true; columns.len()];
    let total = |widths: &[usize], shown: &[bool]| {
        let visible: Vec<usize> = (0..widths.len())
            .filter(|&i| shown[i])
            .map(|i| widths[i])
            .collect();
        visible.iter().sum::<usize>() + GAP * visible.len().saturating_sub(1)
    };
    while total(&floor, &shown) > width {
        let expendable = (0..columns.len())
            .filter(|&i| shown[i])
            .filter_map(|i| {
                columns[i]
                    .expendable
                    .map(|rank| (rank, std::cmp::Reverse(i)))
            })
            .min();
        match expendable {
            Some((_, std::cmp::Reverse(i))) => shown[i] = false,
            None => break,
        }
    }
    let mut widths = natural;
    if total(&floor, &shown) > width {
        // Nothing makes the row fit (the reference alone is too wide): shortening the rest
        // would only hide more.
        return widths
            .into_iter()
            .zip(shown)
            .map(|(w, shown)| shown.then_some(w))
            .collect();
    }
    for i in (0..columns.len()).rev() {
        let excess = total(&widths, &shown).saturating_sub(width);
        if excess == 0 {
            break;
        }
        if shown[i] {
            widths[i] -= excess.min(widths[i] - floor[i]);
        }
    }
    widths
        .into_iter()
        .zip(shown)
        .map(|(w, shown)| shown.then_some(w))
        .collect()
}

fn write_row(
    out: &mut impl Write,
    cells: &[String],
    widths: &[Option<usize>],
    columns: &[Column],
) -> io::Result<()> {
    let mut line = String::new();
    for ((cell, width), column) in cells.iter().zip(widths).zip(columns) {
        let Some(width) = *width else {
            continue;
        };
        if !line.is_empty() {
            line.extend(std::iter::repeat_n(' ', GAP));
        }
        let shown = match column.fit {
            Fit::Never => cell.clone(),
            Fit::Whole | Fit::Shorten => fit(cell, width),
        };
        let pad = width.saturating_sub(shown.width());
        line.push_str(&shown);
        line.extend(std::iter::repeat_n(' ', pad));
    }
    writeln!(out, "{}", line.trim_end())
}

/// `text` cut to `width` display columns, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<Column> {
        [
            ("REF", Fit::Never, None),
            ("STATUS", Fit::Shorten, None),
            ("CREATED", Fit::Whole, Some(3)),
            ("ABOUT", Fit::Shorten, Some(0)),
        ]
        .map(|(header, fit, expendable)| Column {
            header: header.into(),
            fit,
            expendable,
        })
        .to_vec()
    }

    fn render(width: usize, rows: &[&[&str]]) -> String {
        let mut table = Table::new(columns(), width);
        let mut out = Vec::new();
        for row in rows {
            table
                .row(row.iter().map(|c| c.to_string()).collect(), &mut out)
                .unwrap();
        }
        table.lay_out(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const REF: &str = "chatkit:cthr_0123456789abcdef0123456789abcdef";
    const TIME: &str = "2026-11-23 12:00:00";
    const ABOUT: &str = "a long title that goes on and on about nothing at all";

    #[test]
    fn a_wide_enough_table_shows_everything_whole() {
        let shown = render(200, &[&[REF, "running", TIME, ABOUT]]);
        assert!(shown.contains(ABOUT) && shown.contains(TIME), "{shown}");
    }

    #[test]
    fn shortenable_columns_give_way_first_then_the_expendable_go() {
        // 45 + 9 + 19 + 53 + gaps: ABOUT is shortened to fit 100.
        let shown = render(
            100,
            &[
                &[REF, "running", TIME, ABOUT],
                &["chatkit:c", "completed", TIME, "x"],
            ],
        );
        for line in shown.lines() {
            assert!(line.width() <= 100, "{line:?} is {} wide", line.width());
        }
        assert!(shown.contains("a long title that go…"), "{shown}");
        assert!(
            shown.contains(TIME) && shown.contains("completed"),
            "{shown}"
        );
        // At 80 even a shortened ABOUT does not fit: it goes, the time stays whole.
        let shown = render(80, &[&[REF, "running", TIME, ABOUT]]);
        assert!(!shown.contains("ABOUT") && shown.contains(TIME), "{shown}");
        // At 60 the time goes too; the reference never does.
        let shown = render(60, &[&[REF, "running", TIME, ABOUT]]);
        assert_eq!(
            shown.lines().nth(1),
            Some(format!("{REF}  running").as_str()),
            "{shown}"
        );
    }

    #[test]
    fn a_width_too_small_for_the_reference_overflows_instead_of_cutting_it() {
        let shown = render(20, &[&[REF, "running", TIME, ABOUT]]);
        assert_eq!(
            shown.lines().nth(1),
            Some(format!("{REF}  running").as_str()),
            "the essential status stays whole: {shown}"
        );
        let long = render(20, &[&[REF, "a status longer than ten", TIME, ABOUT]]);
        assert!(long.contains("a status longer than ten"), "{long}");
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(fit("日本語のタイトル", 7), "日本語…");
        assert_eq!(fit("short", 10), "short");
    }

    #[test]
    fn later_rows_stream_in_the_first_rows_layout() {
        let mut table = Table::new(columns(), 200);
        let mut out = Vec::new();
        for i in 0..LAYOUT_ROWS {
            let row = [format!("r{i}"), "1".into(), "t".into(), "a".into()];
            table.row(row.to_vec(), &mut out).unwrap();
        }
        assert_eq!(
            String::from_utf8_lossy(&out).lines().count(),
            LAYOUT_ROWS + 1
        );
        let late = ["late-and-long".into(), "2".into(), "t".into(), "a".into()];
        table.row(late.to_vec(), &mut out).unwrap();
        assert!(String::from_utf8_lossy(&out).ends_with("late-and-long  2       t        a\n"));
    }
}
