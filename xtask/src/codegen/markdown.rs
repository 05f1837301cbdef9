//! Spec descriptions → Markdown for doc comments.
//!
//! Some specs write HTML in their descriptions (TRTC's `LLMConfig` and `TTSConfig` show a JSON
//! example as `<pre>` with `<br>` line breaks and `&emsp;` indents). rustdoc would render that
//! HTML raw, or warn about it, so it becomes Markdown here. Only the small set of tags below is
//! understood; any other tag fails codegen, so a spec update that brings new HTML is noticed
//! instead of leaking into the docs. Text that merely looks like a tag (`Vec<T>`, `a < b`) is
//! left as text.
//!
//! Crates like htmd parse full HTML with html5ever; for these few tags that is a heavy build
//! for xtask, and htmd turns `<pre>` with `<br>` into an indented block, which rustdoc would
//! compile as a Rust doctest.

use anyhow::{Result, bail};

/// Converts `text` (plain text with some HTML) to Markdown. Fenced code blocks start and end
/// with a line of three backticks.
pub fn from_html(text: &str) -> Result<String> {
    let mut out = String::new();
    let mut pre = false;
    let mut links: Vec<String> = Vec::new();
    let mut lists: Vec<Option<u32>> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some((tag, after)) = tag(rest) {
            match (tag.name.as_str(), tag.closing) {
                ("br", _) => out.push('\n'),
                ("pre", false) => {
                    pre = true;
                    out.push_str("\n```text\n");
                }
                ("pre", true) => {
                    pre = false;
                    out.push_str("\n```\n");
                }
                ("p", _) => out.push_str("\n\n"),
                ("code", _) if !pre => out.push('`'),
                ("b" | "strong", _) => out.push_str("**"),
                ("i" | "em", _) => out.push('*'),
                ("a", false) => {
                    links.push(tag.href.unwrap_or_default());
                    out.push('[');
                }
                ("a", true) => {
                    let href = links.pop().unwrap_or_default();
                    out.push_str(&format!("]({href})"));
                }
                ("ul", false) => lists.push(None),
                ("ol", false) => lists.push(Some(0)),
                ("ul" | "ol", true) => {
                    lists.pop();
                    out.push('\n');
                }
                ("li", false) => {
                    let marker = match lists.last_mut() {
                        Some(Some(n)) => {
                            *n += 1;
                            format!("{n}. ")
                        }
                        _ => "- ".to_owned(),
                    };
                    out.push('\n');
                    out.push_str(&marker);
                }
                ("li", true) => {}
                _ => bail!("unsupported HTML tag <{}> in a spec description", tag.name),
            }
            rest = after;
        } else if let Some((decoded, after)) = entity(rest) {
            out.push_str(decoded);
            rest = after;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(tidy(&out))
}

/// An HTML tag at the start of some text.
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
}

/// The tag at the start of `text`, if it starts with one, and the text after it. A tag is
/// `<name ...>` or `</name>` with an ASCII letter first, as in HTML.
fn tag(text: &str) -> Option<(Tag, &str)> {
    let inner = text.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(inner) => (true, inner),
        None => (false, inner),
    };
    let end = inner.find('>')?;
    let body = inner[..end].trim_end_matches('/').trim();
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let (name, attributes) = body.split_at(name_len);
    let starts_like_html = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && (attributes.is_empty() || attributes.starts_with(char::is_whitespace));
    // A lone capital is a type parameter (`Vec<T>`), not a tag.
    if !starts_like_html || (name.len() == 1 && name.starts_with(|c: char| c.is_uppercase())) {
        return None;
    }
    let href = attribute(attributes, "href");
    let tag = Tag {
        name: name.to_ascii_lowercase(),
        closing,
        href,
    };
    Some((tag, &inner[end + 1..]))
}

/// The value of a quoted attribute.
fn attribute(attributes: &str, key: &str) -> Option<String> {
    let at = attributes.find(&format!("{key}="))? + key.len() + 1;
    let value = &attributes[at..];
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].to_owned())
}

/// The character entity at the start of `text`, decoded, and the text after it.
fn entity(text: &str) -> Option<(&'static str, &str)> {
    const ENTITIES: [(&str, &str); 9] = [
        ("&emsp;", "  "),
        ("&ensp;", " "),
        ("&nbsp;", " "),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
    ];
    ENTITIES
        .iter()
        .find_map(|(name, value)| text.strip_prefix(name).map(|rest| (*value, rest)))
}

/// Trims trailing spaces, drops blank lines around code fences and dedents code blocks, so the
/// doc comment carries no stray whitespace.
fn tidy(markdown: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut code: Option<Vec<String>> = None;
    for line in markdown.lines() {
        let line = line.trim_end();
        match (&mut code, line == "```text" || line == "```") {
            (None, true) => {
                lines.push(line.to_owned());
                code = Some(Vec::new());
            }
            (Some(block), true) => {
                lines.extend(dedent(block));
                lines.push(line.to_owned());
                code = None;
            }
            // A sentence's full stop after its example block (TRTC writes `</pre>.`).
            (None, false) if line.trim() == "." && lines.last().is_some_and(|l| l == "```") => {}
            (Some(block), false) => block.push(line.to_owned()),
            (None, false) => lines.push(line.trim_start().to_owned()),
        }
    }
    if let Some(block) = code {
        lines.extend(dedent(&block));
        lines.push("```".to_owned());
    }
    let text = lines.join("\n");
    text.trim().to_owned()
}

/// The lines of a code block without blank lines at either end and without the indent they
/// all share.
fn dedent(block: &[String]) -> Vec<String> {
    let first = block.iter().position(|l| !l.trim().is_empty());
    let last = block.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let block = &block[first..=last];
    let indent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    block
        .iter()
        .map(|l| l.get(indent..).unwrap_or_default().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::from_html;

    #[test]
    fn plain_text_stays_as_it_is() {
        let text = "A `Vec<T>` of ids, where a < b and [0.5-2.0] holds.";
        assert_eq!(from_html(text).unwrap(), text);
    }

    #[test]
    fn pre_with_line_breaks_becomes_a_fenced_text_block() {
        // The shape of TRTC's LLMConfig description.
        let html = "example: <pre> { <br> &emsp;  \"LLMType\": \"openai\", <br> &emsp;  \
                    \"History\": 10<br> &emsp;} </pre>.";
        assert_eq!(
            from_html(html).unwrap(),
            "example:\n```text\n{\n    \"LLMType\": \"openai\",\n    \"History\": 10\n  }\n```"
        );
    }

    #[test]
    fn inline_tags_become_markdown() {
        assert_eq!(
            from_html("Use <code>id</code>, <b>not</b> <i>name</i>; see <a href=\"https://x.y/z\">the docs</a>.<br>Next line.")
                .unwrap(),
            "Use `id`, **not** *name*; see [the docs](https://x.y/z).\nNext line."
        );
        assert_eq!(from_html("a &amp; b &lt;c&gt;").unwrap(), "a & b <c>");
    }

    #[test]
    fn lists_become_markdown_lists() {
        assert_eq!(
            from_html("Either:<ul><li>one</li><li>two</li></ul>Or:<ol><li>a</li><li>b</li></ol>")
                .unwrap(),
            "Either:\n- one\n- two\nOr:\n1. a\n2. b"
        );
    }

    #[test]
    fn unknown_tags_fail_loudly() {
        let error = from_html("x<sup>2</sup>").unwrap_err();
        assert!(error.to_string().contains("<sup>"), "{error}");
    }
}
