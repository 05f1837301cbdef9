//! Writes the item model as Rust source.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use anyhow::{Context, Result};
use serde_json::Value;

use super::markdown;
use super::model::{Field, Item, Kind, Ty, Variant};
use super::names::{const_name, field_name, unraw, variant_name};

/// How one provider's models are written (see `Target` for what each option is for).
pub struct Options<'a> {
    pub own_new: &'a [&'a str],
    pub open_requests: bool,
    pub redacted_debug: Option<&'a str>,
}

/// Every generated model is `#[non_exhaustive]`, so a field or variant the spec adds later is
/// not a breaking change. Other crates build the structs with `Default` or `new` and the
/// `with_*` setters.
pub fn render(
    header: &str,
    items: &[&Item],
    actions: Option<&Value>,
    options: &Options<'_>,
) -> Result<String> {
    let by_name: BTreeMap<&str, &Item> = items.iter().map(|i| (i.name.as_str(), *i)).collect();
    let open = if options.open_requests {
        reached_by_requests(&by_name)
    } else {
        BTreeSet::new()
    };
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "//! {line}");
    }
    out.push_str("#![allow(clippy::large_enum_variant, clippy::too_many_arguments)]\n\n");
    out.push_str("use std::collections::BTreeMap;\n\nuse serde::{Deserialize, Serialize};\n\n");
    for item in items {
        match &item.kind {
            Kind::Struct(fields) => {
                let shape = StructShape {
                    open: open.contains(item.name.as_str()),
                    redacted_debug: options.redacted_debug,
                };
                render_struct(&mut out, item, fields, &by_name, &shape);
                render_constructors(
                    &mut out,
                    item,
                    fields,
                    !options.own_new.contains(&&*item.name),
                    shape.open,
                );
                if let Some(debug) = options.redacted_debug {
                    render_debug(&mut out, item, debug);
                }
            }
            Kind::Enum(variants) => render_enum(&mut out, item, variants),
            Kind::Union { tag, variants } => render_union(&mut out, item, tag, variants),
            Kind::Scalars(types) => render_scalars(&mut out, item, types),
        }
        out.push('\n');
    }
    if let Some(actions) = actions.and_then(Value::as_object) {
        render_actions(&mut out, actions)?;
    }
    if !out.contains("BTreeMap<") {
        out = out.replace("use std::collections::BTreeMap;\n\n", "");
    }
    Ok(out)
}

/// What a struct gets beyond its fields.
struct StructShape<'a> {
    /// An `extra_members` map for members the spec does not know.
    open: bool,
    /// A hand-written `Debug` instead of the derived one.
    redacted_debug: Option<&'a str>,
}

/// The structs named `*Request` and every struct their fields reach.
fn reached_by_requests<'a>(by_name: &BTreeMap<&'a str, &'a Item>) -> BTreeSet<&'a str> {
    let mut reached = BTreeSet::new();
    let mut todo: Vec<&str> = by_name
        .keys()
        .copied()
        .filter(|name| name.ends_with("Request"))
        .collect();
    while let Some(name) = todo.pop() {
        let Some((&name, item)) = by_name.get_key_value(name) else {
            continue;
        };
        let Kind::Struct(fields) = &item.kind else {
            continue;
        };
        if !reached.insert(name) {
            continue;
        }
        for field in fields {
            todo.extend(named_types(&field.ty));
        }
    }
    reached
}

/// The named types inside a field type (`Vec<AmbientSound>` → `AmbientSound`).
fn named_types(t: &Ty) -> Option<&str> {
    match t {
        Ty::Named(name) => Some(name),
        Ty::Vec(inner) | Ty::Map(inner) => named_types(inner),
        _ => None,
    }
}

fn render_struct(
    out: &mut String,
    item: &Item,
    fields: &[Field],
    by_name: &BTreeMap<&str, &Item>,
    shape: &StructShape<'_>,
) {
    doc(
        out,
        item.doc.as_deref(),
        &format!("The `{}` object.", item.name),
    );
    let default = if defaultable(item, by_name) {
        ", Default"
    } else {
        ""
    };
    let debug = if shape.redacted_debug.is_some() {
        ""
    } else {
        "Debug, "
    };
    let _ = writeln!(
        out,
        "#[derive({debug}Clone, PartialEq{default}, Serialize, Deserialize)]\n#[non_exhaustive]"
    );
    let _ = writeln!(out, "pub struct {} {{", item.name);
    for field in fields {
        doc(
            out,
            field.doc.as_deref(),
            &format!("Wire field `{}` (not described by the spec).", field.wire),
        );
        let name = field_name(&field.wire);
        let mut attrs = Vec::new();
        if unraw(&name) != field.wire {
            attrs.push(format!("rename = \"{}\"", field.wire));
        }
        match (field.required, field.nullable) {
            (true, false) => {}
            (true, true) => attrs.push("default".into()),
            (false, false) => {
                attrs.push("default".into());
                attrs.push("skip_serializing_if = \"Option::is_none\"".into());
            }
            (false, true) => {
                attrs.push("default".into());
                attrs.push("skip_serializing_if = \"Option::is_none\"".into());
                attrs.push("with = \"aithreads_core::wire::double_option\"".into());
            }
        }
        if !attrs.is_empty() {
            let _ = writeln!(out, "#[serde({})]", attrs.join(", "));
        }
        let _ = writeln!(out, "pub {name}: {},", field_ty(field));
    }
    if shape.open {
        out.push_str(
            "/// Members the spec does not describe (yet), sent as they are next to the typed ones;\n\
             /// on the way in, members this version does not know.\n\
             #[serde(flatten, skip_serializing_if = \"BTreeMap::is_empty\")]\n\
             pub extra_members: BTreeMap<String, serde_json::Value>,\n",
        );
    }
    out.push_str("}\n\n");
}

/// `Debug` through the crate's redacting formatter, so no secret member is ever printed.
fn render_debug(out: &mut String, item: &Item, debug: &str) {
    let _ = writeln!(
        out,
        "\nimpl std::fmt::Debug for {name} {{\n\
         /// The members as JSON, with secrets (`UserSig`, API keys, ...) redacted.\n\
         fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{ {debug}(self, \"{name}\", f) }}\n\
         }}\n",
        name = item.name
    );
}

/// The field's Rust type: required fields hold the value, optional ones an `Option` (two for
/// optional and nullable: absent, `null`, or a value).
fn field_ty(field: &Field) -> String {
    let ty = ty(&field.ty);
    match (field.required, field.nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => format!("Option<{ty}>"),
        (false, true) => format!("Option<Option<{ty}>>"),
    }
}

/// `new` with the required fields (when there are any, and `new` is not hand-written) and a
/// `with_*` setter per other field: the ways to build a `#[non_exhaustive]` struct outside its
/// crate.
fn render_constructors(out: &mut String, item: &Item, fields: &[Field], new: bool, open: bool) {
    let required = |f: &&Field| f.required && !f.nullable;
    let mut methods = String::new();
    if new && fields.iter().any(|f| required(&f)) {
        let params: Vec<String> = fields
            .iter()
            .filter(required)
            .map(|f| format!("{}: {}", field_name(&f.wire), param_ty(&f.ty)))
            .collect();
        let mut values: Vec<String> = fields
            .iter()
            .map(|f| {
                let name = field_name(&f.wire);
                match (required(&f), f.ty == Ty::String) {
                    (true, true) => format!("{name}: {name}.into()"),
                    (true, false) => name,
                    (false, _) => format!("{name}: None"),
                }
            })
            .collect();
        if open {
            values.push("extra_members: BTreeMap::new()".to_owned());
        }
        let _ = writeln!(
            methods,
            "/// Builds a `{}` from its required fields; the optional ones start empty.\n\
             pub fn new({}) -> Self {{ Self {{ {} }} }}\n",
            item.name,
            params.join(", "),
            values.join(", ")
        );
    }
    for field in fields.iter().filter(|f| !required(f)) {
        let name = field_name(&field.wire);
        let (param, value) = match (field.required, field.nullable) {
            (false, true) => (format!("Option<{}>", ty(&field.ty)), "value".to_owned()),
            _ if field.ty == Ty::String => {
                ("impl Into<String>".to_owned(), "value.into()".to_owned())
            }
            _ => (ty(&field.ty), "value".to_owned()),
        };
        let absent = if field.nullable && !field.required {
            " (`Some(None)` sends `null`)"
        } else {
            ""
        };
        let _ = writeln!(
            methods,
            "/// Sets `{}`{absent}.\n\
             pub fn with_{}(mut self, value: {param}) -> Self {{ self.{name} = Some({value}); self }}\n",
            field.wire,
            unraw(&name),
        );
    }
    if open {
        methods.push_str(
            "/// Adds a member the spec does not describe (yet); it is sent as given. A name the\n\
             /// spec does describe is refused before sending: set the typed field instead.\n\
             pub fn with_extra_member(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self { self.extra_members.insert(name.into(), value.into()); self }\n\n",
        );
    }
    if !methods.is_empty() {
        let _ = writeln!(out, "impl {} {{\n{methods}}}", item.name);
    }
}

/// The parameter type for a value of `t`: strings take anything that turns into a `String`.
fn param_ty(t: &Ty) -> String {
    match t {
        Ty::String => "impl Into<String>".to_owned(),
        other => ty(other),
    }
}

fn render_enum(out: &mut String, item: &Item, variants: &[Variant]) {
    out.push_str("aithreads_core::open_enum! {\n");
    doc_indented(
        out,
        "    ",
        item.doc.as_deref(),
        &format!("The `{}` values.", item.name),
    );
    let _ = writeln!(out, "    #[non_exhaustive]\n    pub enum {} {{", item.name);
    for variant in variants {
        let _ = writeln!(out, "        /// `{}`.", variant.wire);
        let _ = writeln!(
            out,
            "        {} = \"{}\",",
            variant_name(&variant.wire),
            variant.wire
        );
    }
    out.push_str("    }\n}\n");
}

fn render_union(out: &mut String, item: &Item, tag: &str, variants: &[Variant]) {
    out.push_str("aithreads_core::tagged_union! {\n");
    doc_indented(
        out,
        "    ",
        item.doc.as_deref(),
        &format!("One of the `{}` variants, by `{tag}`.", item.name),
    );
    let _ = writeln!(
        out,
        "    #[non_exhaustive]\n    pub enum {} (tag = \"{tag}\") {{",
        item.name
    );
    for variant in variants {
        let _ = writeln!(out, "        /// `{tag}: \"{}\"`.", variant.wire);
        let name = variant_name(variant.wire.rsplit('.').next().unwrap_or_default());
        let payload = variant.ty.as_deref().unwrap_or_default();
        let _ = writeln!(out, "        {name}({payload}) = \"{}\",", variant.wire);
    }
    out.push_str("    }\n}\n");
}

fn render_scalars(out: &mut String, item: &Item, types: &[Ty]) {
    doc(
        out,
        item.doc.as_deref(),
        &format!("A `{}`: one of several scalar types.", item.name),
    );
    out.push_str(
        "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[serde(untagged)]\n#[non_exhaustive]\n",
    );
    let _ = writeln!(out, "pub enum {} {{", item.name);
    for t in types {
        let name = match t {
            Ty::String => "String",
            Ty::I64 => "Integer",
            Ty::U64 => "Unsigned",
            Ty::F64 => "Number",
            Ty::Bool => "Boolean",
            _ => "Other",
        };
        let _ = writeln!(
            out,
            "/// A {} value.\n{name}({}),",
            name.to_lowercase(),
            ty(t)
        );
    }
    out.push_str("}\n");
}

/// Metadata the TRTC spec keeps per action (`x-actions`): idempotency, error codes, and per
/// site the documented regions and request limit.
fn render_actions(out: &mut String, actions: &serde_json::Map<String, Value>) -> Result<()> {
    out.push_str(
        "/// What the spec says about one API action: whether it may be repeated, its\n\
         /// action-specific error codes, and what each site's documentation says about it.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         #[non_exhaustive]\n\
         pub struct ActionSpec {\n\
         /// The action name sent in `X-TC-Action`.\npub name: &'static str,\n\
         /// Whether repeating the request is harmless.\npub idempotent: bool,\n\
         /// Action-specific error codes.\npub error_codes: &'static [&'static str],\n\
         /// The international site (`trtc.intl.tencentcloudapi.com`).\npub international: SiteSpec,\n\
         /// The China site (`trtc.tencentcloudapi.com`).\npub china: SiteSpec,\n\
         }\n\n\
         /// What one site's documentation says about an action.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         #[non_exhaustive]\n\
         pub struct SiteSpec {\n\
         /// The regions the documentation lists (empty when no page was found). The server\n\
         /// decides; the list explains a refusal.\npub regions: &'static [&'static str],\n\
         /// The documented request limit.\npub rate_limit_per_second: u32,\n\
         /// Where the documentation says so.\npub source: &'static str,\n\
         }\n\n",
    );
    for (name, action) in actions {
        let strings = |value: &Value, key: &str| -> String {
            value
                .get(key)
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .filter_map(Value::as_str)
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        let site = |key: &str| -> Result<String> {
            let site = action
                .pointer(&format!("/sites/{key}"))
                .with_context(|| format!("x-actions.{name} has no site `{key}`"))?;
            Ok(format!(
                "SiteSpec {{ regions: &[{}], rate_limit_per_second: {}, source: {:?} }}",
                strings(site, "regions"),
                site.get("rate_limit_per_second")
                    .and_then(Value::as_u64)
                    .with_context(|| format!("x-actions.{name}.sites.{key} has no rate limit"))?,
                site.get("source")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ))
        };
        let description = action
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let description = markdown::from_html(description)?;
        doc(out, Some(&description), name);
        let _ = writeln!(
            out,
            "pub const {}: ActionSpec = ActionSpec {{ name: {name:?}, idempotent: {}, error_codes: &[{}], international: {}, china: {} }};\n",
            const_name(name),
            action
                .get("idempotent")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            strings(action, "error_codes"),
            site("international")?,
            site("china")?,
        );
    }
    Ok(())
}

fn ty(t: &Ty) -> String {
    match t {
        Ty::String => "String".into(),
        Ty::I64 => "i64".into(),
        Ty::U64 => "u64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Vec(inner) => format!("Vec<{}>", ty(inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty(inner)),
        Ty::Named(name) => name.clone(),
    }
}

/// Whether `#[derive(Default)]` compiles for the struct: every field is optional, a
/// container, a scalar, or a struct that is itself defaultable.
fn defaultable(item: &Item, by_name: &BTreeMap<&str, &Item>) -> bool {
    let Kind::Struct(fields) = &item.kind else {
        return false;
    };
    fields.iter().all(|f| {
        !f.required
            || f.nullable
            || match &f.ty {
                Ty::Named(name) => by_name
                    .get(name.as_str())
                    .is_some_and(|i| defaultable(i, by_name)),
                _ => true,
            }
    })
}

/// Writes a doc comment, escaped for rustdoc: brackets are not links, angle brackets are not
/// HTML, and bare URLs become autolinks.
fn doc(out: &mut String, text: Option<&str>, fallback: &str) {
    doc_indented(out, "", text, fallback);
}

fn doc_indented(out: &mut String, indent: &str, text: Option<&str>, fallback: &str) {
    let text = text.unwrap_or(fallback);
    // Every line of the spec's text becomes its own paragraph: the specs break lines where
    // they mean it, and a lone line starting with `-` must not continue a markdown list.
    // Lines of a fenced code block stay as they are.
    let mut fenced = false;
    let mut first = true;
    for line in text.lines() {
        let fence = line.trim() == "```" || line.trim().starts_with("```");
        if fenced {
            let _ = writeln!(out, "{}", format!("{indent}/// {line}").trim_end());
            fenced = !fence;
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !first {
            let _ = writeln!(out, "{indent}///");
        }
        first = false;
        if fence {
            fenced = true;
            let _ = writeln!(out, "{indent}/// {line}");
        } else {
            let _ = writeln!(out, "{indent}/// {}", rustdoc_safe(line));
        }
    }
}

/// Escapes one line of spec text for rustdoc: brackets that are not a markdown link are
/// escaped (so they are not read as intra-doc links), angle brackets become entities (not
/// HTML), and bare URLs become autolinks. Code spans (`` `...` ``) stay as they are.
fn rustdoc_safe(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    // Brackets of `[text](url)` links stay as they are.
    let mut keep = vec![false; chars.len()];
    let mut open = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '[' => open.push(i),
            ']' => {
                if let Some(start) = open.pop()
                    && chars.get(i + 1) == Some(&'(')
                {
                    keep[start] = true;
                    keep[i] = true;
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    let mut code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            code = !code;
        }
        if code || c == '`' {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().take(8).collect();
        let in_link = i > 0 && chars[i - 1] == '(';
        if (rest.starts_with("https://") || rest.starts_with("http://")) && !in_link {
            let end = (i..chars.len())
                .find(|&j| {
                    chars[j].is_whitespace() || matches!(chars[j], '"' | '\'' | '<' | '>' | '`')
                })
                .unwrap_or(chars.len());
            let mut url: String = chars[i..end].iter().collect();
            let trailing = url.len() - url.trim_end_matches(['.', ',', ')', ';', ':']).len();
            let tail = url.split_off(url.len() - trailing);
            out.push_str(&format!("<{url}>{tail}"));
            i = end;
            continue;
        }
        match c {
            '[' | ']' if !keep[i] => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}
