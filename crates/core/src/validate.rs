//! Input checks shared by every provider, run before any request is built.

use crate::error::{Error, Result};

/// The longest id accepted, in characters: far more than any id these APIs issue (RevCent
/// 20, ChatKit and TRTC under 100), few enough that pasted text never becomes a request.
pub const MAX_ID_CHARS: usize = 1024;

/// Checks that `value` can be placed in a URL path as one segment without escaping: not empty,
/// at most [`MAX_ID_CHARS`], ASCII, and none of `/ ? # % \`, whitespace or control
/// characters.
///
/// `label` names the value in the error (`"RevCent thread id"`).
pub fn path_segment(label: &str, value: &str) -> Result<()> {
    not_empty_or_too_long(label, value)?;
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "{label} `{value}` is a relative path segment"
        )));
    }
    if let Some(bad) = value.chars().find(|c| !is_path_safe(*c)) {
        return Err(Error::invalid_input(format!(
            "{label} {} contains {}, which is not allowed",
            quoted(value),
            describe_char(bad)
        )));
    }
    Ok(())
}

/// Checks a path-segment id that must be exactly `len` characters long (RevCent's 20).
pub fn fixed_length_id(label: &str, value: &str, len: usize) -> Result<()> {
    path_segment(label, value)?;
    let actual = value.chars().count();
    if actual != len {
        return Err(Error::invalid_input(format!(
            "{label} {} has {actual} characters; it must have exactly {len}",
            quoted(value)
        )));
    }
    Ok(())
}

/// Checks that a text value has between `min` and `max` characters.
pub fn length_between(label: &str, value: &str, min: usize, max: usize) -> Result<()> {
    let actual = value.chars().count();
    if actual < min || actual > max {
        return Err(Error::invalid_input(format!(
            "{label} has {actual} characters; it must have {min} to {max}"
        )));
    }
    Ok(())
}

/// Checks that a number lies in `[min, max]`.
pub fn in_range<T: PartialOrd + std::fmt::Display>(
    label: &str,
    value: T,
    min: T,
    max: T,
) -> Result<()> {
    if value < min || value > max {
        return Err(Error::invalid_input(format!(
            "{label} is {value}; it must be between {min} and {max}"
        )));
    }
    Ok(())
}

/// Checks an opaque id sent in a JSON body or a query (TRTC TaskId, cursors): not empty, at
/// most [`MAX_ID_CHARS`], printable ASCII (no whitespace, control or non-ASCII characters).
/// Path characters such as `/` are allowed: TRTC TaskIds are base64-like and never part of
/// a URL path.
pub fn opaque_id(label: &str, value: &str) -> Result<()> {
    not_empty_or_too_long(label, value)?;
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(Error::invalid_input(format!(
            "{label} {} contains {}, which is not allowed",
            quoted(value),
            describe_char(bad)
        )));
    }
    Ok(())
}

/// Checks the shape of a Tencent Cloud region name: lowercase words joined by `-`, the first
/// of two letters (`ap-singapore`, `na-siliconvalley`, `eu-frankfurt`). Whether an action
/// runs in that region is the provider's check.
pub fn region(region: &str) -> Result<()> {
    let mut parts = region.split('-');
    let area = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let well_formed = area.len() == 2
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "`{}` is not a Tencent Cloud region name such as ap-singapore",
            region.escape_debug()
        )))
    }
}

fn not_empty_or_too_long(label: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(format!("{label} is empty")));
    }
    // Bytes bound characters from above, so only long values are counted.
    if value.len() > MAX_ID_CHARS && value.chars().count() > MAX_ID_CHARS {
        return Err(Error::invalid_input(format!(
            "{label} {} has more than {MAX_ID_CHARS} characters",
            quoted(value)
        )));
    }
    Ok(())
}

fn is_path_safe(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '/' | '?' | '#' | '%' | '\\')
}

/// Quotes a user value for an error message, escaping control characters and cutting it short
/// so a huge or hostile input cannot flood the terminal.
fn quoted(value: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = value
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    format!("`{out}`")
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_whitespace() => format!("whitespace {:?}", c),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("non-ASCII character {c:?}"),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segment_refuses_what_would_change_the_url() {
        for bad in [
            "", ".", "..", "a/b", "../x", "a?b", "a#b", "%2F", "a b", "a\tb", "a\u{7}b", "é",
            "a\\b",
        ] {
            let err = path_segment("id", bad).unwrap_err();
            assert!(err.is_invalid_input(), "{bad:?} was accepted");
        }
        for good in ["cthr_abc123", "abcdefghij0123456789", "A-b.c~d_e"] {
            path_segment("id", good).unwrap();
        }
    }

    #[test]
    fn ids_are_bounded_in_length() {
        let longest = "a".repeat(MAX_ID_CHARS);
        path_segment("id", &longest).unwrap();
        opaque_id("id", &longest).unwrap();
        let too_long = format!("{longest}a");
        for check in [path_segment, opaque_id] {
            let err = check("id", &too_long).unwrap_err();
            assert!(err.to_string().contains("more than 1024"), "{err}");
            assert!(err.to_string().len() < 200, "{err}");
        }
    }

    #[test]
    fn opaque_ids_are_printable_ascii_and_may_hold_path_characters() {
        for good in [
            "SV1FR+XTtvzAjRxZZ+aof1DfJF00VSBBNE0zR9W-PEpgCPBmt402.",
            "a/b",
            "../x",
            "a?b",
        ] {
            opaque_id("TaskId", good).unwrap();
        }
        for bad in ["", "a b", "a\tb", "a\u{0}b", "é", "タスク", "a\u{a0}b"] {
            assert!(
                opaque_id("TaskId", bad).unwrap_err().is_invalid_input(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn fixed_length_counts_characters() {
        fixed_length_id("id", "abcdefghij0123456789", 20).unwrap();
        let err = fixed_length_id("id", "short", 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: id `short` has 5 characters; it must have exactly 20"
        );
    }

    #[test]
    fn errors_escape_and_shorten_hostile_values() {
        let long = format!("{}\n", "x".repeat(500));
        let msg = opaque_id("TaskId", &long).unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn ranges_are_inclusive() {
        in_range("limit", 1, 1, 25).unwrap();
        in_range("limit", 25, 1, 25).unwrap();
        assert!(in_range("limit", 26, 1, 25).is_err());
        assert!(in_range("limit", 0, 1, 25).is_err());
    }
}
