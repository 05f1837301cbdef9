//! Reads JSON Schema (as found in OpenAPI documents) into a small model of Rust items.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use super::markdown;
use super::names::{singular, type_name};

/// A Rust type a field can have.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    I64,
    U64,
    F64,
    Bool,
    /// Any JSON value (a schema without a type).
    Json,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub wire: String,
    pub doc: Option<String>,
    /// The payload type, for unions.
    pub ty: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Struct(Vec<Field>),
    /// A string enum that keeps unknown values.
    Enum(Vec<Variant>),
    /// An internally tagged union that keeps unknown variants.
    Union {
        tag: String,
        variants: Vec<Variant>,
    },
    /// An untagged choice between scalar types.
    Scalars(Vec<Ty>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub doc: Option<String>,
    pub kind: Kind,
}

/// Turns schemas into items, naming inline types from their place in the tree.
pub struct Reader<'a> {
    /// The document `$ref`s resolve against.
    document: &'a Value,
    /// Names for inline types, by their path (`AiThread.messages[]`).
    renames: &'a BTreeMap<String, String>,
    /// Prefix of the file being read inside `document`; `$ref`s resolve below it.
    pub base: String,
    /// Discriminator properties to leave out of a named struct (it is a union variant).
    pub strip_tags: BTreeMap<String, String>,
    pub items: BTreeMap<String, Item>,
    /// Order in which items were first named, for stable output.
    pub order: Vec<String>,
}

impl<'a> Reader<'a> {
    pub fn new(document: &'a Value, renames: &'a BTreeMap<String, String>) -> Self {
        let mut strip_tags = BTreeMap::new();
        find_union_variants(document, &mut strip_tags);
        Self {
            document,
            renames,
            base: String::new(),
            strip_tags,
            items: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    /// Reads the schema at `pointer` as the item `name`.
    pub fn root(&mut self, pointer: &str, name: &str) -> Result<()> {
        let name = &type_name(name);
        let schema = self
            .document
            .pointer(pointer)
            .with_context(|| format!("no schema at {pointer}"))?;
        self.named(name, schema)
            .with_context(|| format!("reading {pointer} as {name}"))
    }

    /// Reads an OpenAPI `parameters` array as a struct with one field per parameter.
    pub fn parameters(&mut self, pointer: &str, name: &str) -> Result<()> {
        let name = &type_name(name);
        let parameters = self
            .document
            .pointer(pointer)
            .and_then(Value::as_array)
            .with_context(|| format!("no parameters at {pointer}"))?
            .clone();
        self.order.push(name.to_owned());
        let mut fields = Vec::new();
        for parameter in &parameters {
            let wire = parameter
                .get("name")
                .and_then(Value::as_str)
                .context("parameter without a name")?;
            let schema = parameter
                .get("schema")
                .context("parameter without a schema")?;
            let (ty, nullable) = self.ty(&format!("{name}.{wire}"), name, wire, schema)?;
            fields.push(Field {
                wire: wire.to_owned(),
                ty,
                required: parameter
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                nullable,
                doc: describe(parameter)?,
            });
        }
        self.items.insert(
            name.to_owned(),
            Item {
                name: name.to_owned(),
                doc: Some(format!(
                    "The query parameters of `{}`.",
                    pointer
                        .split('/')
                        .nth(1)
                        .unwrap_or_default()
                        .trim_end_matches(".json")
                )),
                kind: Kind::Struct(fields),
            },
        );
        Ok(())
    }

    /// Reads a referenced schema (`#/components/schemas/X`) once, as item `X`.
    fn reference(&mut self, reference: &str) -> Result<String> {
        let pointer = reference
            .strip_prefix('#')
            .with_context(|| format!("only local references are supported: {reference}"))?;
        let name = type_name(pointer.rsplit('/').next().unwrap_or_default());
        if !self.items.contains_key(&name) && !self.order.contains(&name) {
            self.root(&format!("{}{pointer}", self.base), &name)?;
        }
        Ok(name)
    }

    fn named(&mut self, name: &str, schema: &Value) -> Result<()> {
        if self.order.iter().any(|n| n == name) {
            // A second schema under the same name must describe the same type.
            let before = self.items.get(name).cloned();
            let kind = self.kind(name, schema)?;
            if let Some(before) = before
                && !same_shape(&before.kind, &kind)
            {
                bail!("two different schemas are both named {name}");
            }
            return Ok(());
        }
        self.order.push(name.to_owned());
        let kind = self.kind(name, schema)?;
        let doc = describe(schema)?;
        self.items.insert(
            name.to_owned(),
            Item {
                name: name.to_owned(),
                doc,
                kind,
            },
        );
        Ok(())
    }

    fn kind(&mut self, name: &str, schema: &Value) -> Result<Kind> {
        let schema = object(schema)?;
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // OpenAPI composition of objects: one object with the union of the properties.
            let mut fields = Vec::new();
            for part in parts {
                let part = self.resolve(part)?;
                if let Kind::Struct(more) = self.kind(name, &part)? {
                    fields.extend(more);
                } else {
                    bail!("allOf of a non-object in {name}");
                }
            }
            return Ok(Kind::Struct(fields));
        }
        if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
            return self.one_of(name, schema, choices);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let variants = values
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(|wire| Variant {
                            wire: wire.to_owned(),
                            doc: None,
                            ty: None,
                        })
                        .context("only string enums are supported")
                })
                .collect::<Result<_>>()?;
            return Ok(Kind::Enum(variants));
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let strip = self.strip_tags.get(name).cloned();
        let mut fields = Vec::new();
        for (wire, property) in properties.into_iter().flatten() {
            if strip.as_deref() == Some(wire.as_str()) {
                continue;
            }
            let (ty, nullable) = self.ty(&format!("{name}.{wire}"), name, wire, property)?;
            fields.push(Field {
                wire: wire.clone(),
                ty,
                required: required.contains(&wire.as_str()),
                nullable,
                doc: describe(property)?,
            });
        }
        Ok(Kind::Struct(fields))
    }

    fn one_of(
        &mut self,
        name: &str,
        schema: &Map<String, Value>,
        choices: &[Value],
    ) -> Result<Kind> {
        if let Some(tag) = schema.pointer_str("discriminator", "propertyName") {
            let mut variants = Vec::new();
            for choice in choices {
                let reference = choice
                    .get("$ref")
                    .and_then(Value::as_str)
                    .context("a discriminated oneOf must list $refs")?;
                let target = self.resolve(choice)?;
                let wire = target
                    .pointer(&format!("/properties/{tag}/enum/0"))
                    .and_then(Value::as_str)
                    .with_context(|| format!("{reference} has no constant `{tag}`"))?
                    .to_owned();
                let ty = type_name(reference.rsplit('/').next().unwrap_or_default());
                self.reference(reference)?;
                variants.push(Variant {
                    wire,
                    doc: describe(&target)?,
                    ty: Some(ty),
                });
            }
            return Ok(Kind::Union {
                tag: tag.to_owned(),
                variants,
            });
        }
        let mut scalars = Vec::new();
        for choice in choices {
            match scalar(choice) {
                Some(ty) => scalars.push(ty),
                None => bail!("{name}: oneOf without a discriminator must list scalar types"),
            }
        }
        Ok(Kind::Scalars(scalars))
    }

    /// The type of a property, and whether it may be `null`.
    fn ty(&mut self, path: &str, parent: &str, wire: &str, schema: &Value) -> Result<(Ty, bool)> {
        let map = object(schema)?;
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return Ok((Ty::Named(self.reference(reference)?), false));
        }
        if let Some(choices) = map.get("anyOf").and_then(Value::as_array) {
            let (nulls, others): (Vec<&Value>, Vec<&Value>) = choices
                .iter()
                .partition(|c| c.get("type").and_then(Value::as_str) == Some("null"));
            if nulls.len() == 1 && others.len() == 1 {
                let (ty, _) = self.ty(path, parent, wire, others[0])?;
                return Ok((ty, true));
            }
            bail!("{path}: anyOf is only supported as `T or null`");
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let nullable = types.contains(&"null");
        let main = types.iter().copied().find(|t| *t != "null");
        let is_const = map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.len() == 1);
        let inline_name = || {
            type_name(
                self.renames
                    .get(path)
                    .map_or(&format!("{parent}_{wire}"), |name| name),
            )
        };
        let ty = match main {
            _ if map.contains_key("oneOf")
                || (map.contains_key("enum") && !is_const)
                || map.contains_key("allOf") =>
            {
                let name = inline_name();
                self.named(&name, schema)?;
                Ty::Named(name)
            }
            Some("object") | None if map.contains_key("properties") => {
                let name = inline_name();
                self.named(&name, schema)?;
                Ty::Named(name)
            }
            Some("object") => match map.get("additionalProperties") {
                Some(Value::Object(values)) => {
                    let (ty, _) = self.ty(
                        &format!("{path}{{}}"),
                        parent,
                        &format!("{wire}_value"),
                        &Value::Object(values.clone()),
                    )?;
                    Ty::Map(Box::new(ty))
                }
                _ => Ty::Map(Box::new(Ty::Json)),
            },
            Some("array") => {
                let items = map
                    .get("items")
                    .with_context(|| format!("{path}: array without items"))?;
                let (ty, _) = self.ty(&format!("{path}[]"), parent, &singular(wire), items)?;
                Ty::Vec(Box::new(ty))
            }
            Some(_) => {
                scalar(schema).with_context(|| format!("{path}: unsupported type {main:?}"))?
            }
            None => Ty::Json,
        };
        Ok((ty, nullable))
    }

    fn resolve(&self, schema: &Value) -> Result<Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self
                .document
                .pointer(&format!(
                    "{}{}",
                    self.base,
                    reference.trim_start_matches('#')
                ))
                .cloned()
                .with_context(|| format!("unresolved reference {reference}")),
            None => Ok(schema.clone()),
        }
    }
}

/// Records, for every schema that is a variant of a discriminated union, the tag property to
/// leave out of its struct (the union writes it).
fn find_union_variants(value: &Value, found: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let (Some(tag), Some(Value::Array(choices))) = (
                map.pointer_str("discriminator", "propertyName"),
                map.get("oneOf"),
            ) {
                for reference in choices
                    .iter()
                    .filter_map(|c| c.get("$ref").and_then(Value::as_str))
                {
                    let name = type_name(reference.rsplit('/').next().unwrap_or_default());
                    found.insert(name, tag.to_owned());
                }
            }
            map.values().for_each(|v| find_union_variants(v, found));
        }
        Value::Array(values) => values.iter().for_each(|v| find_union_variants(v, found)),
        _ => {}
    }
}

fn scalar(schema: &Value) -> Option<Ty> {
    let map = schema.as_object()?;
    Some(match map.get("type")?.as_str()? {
        "string" => Ty::String,
        "integer" if map.get("format").and_then(Value::as_str) == Some("uint64") => Ty::U64,
        "integer" => Ty::I64,
        "number" => Ty::F64,
        "boolean" => Ty::Bool,
        _ => return None,
    })
}

fn object(schema: &Value) -> Result<&Map<String, Value>> {
    schema.as_object().context("a schema must be an object")
}

trait PointerStr {
    fn pointer_str(&self, outer: &str, inner: &str) -> Option<&str>;
}

impl PointerStr for Map<String, Value> {
    fn pointer_str(&self, outer: &str, inner: &str) -> Option<&str> {
        self.get(outer)?.get(inner)?.as_str()
    }
}

/// The doc text of a schema: its title and description, as Markdown.
fn describe(schema: &Value) -> Result<Option<String>> {
    let text = |key| {
        schema
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let doc = match (text("title"), text("description")) {
        (Some(title), Some(description)) if !description.starts_with(title) => {
            format!("{title}.\n\n{description}")
        }
        (_, Some(description)) => description.to_owned(),
        (Some(title), None) => format!("{title}."),
        (None, None) => return Ok(None),
    };
    markdown::from_html(&doc).map(Some)
}

/// Whether two kinds describe the same wire shape (docs aside).
fn same_shape(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::Struct(x), Kind::Struct(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|(f, g)| {
                    f.wire == g.wire
                        && f.ty == g.ty
                        && f.required == g.required
                        && f.nullable == g.nullable
                })
        }
        (Kind::Enum(x), Kind::Enum(y)) => x.iter().map(|v| &v.wire).eq(y.iter().map(|v| &v.wire)),
        _ => a == b,
    }
}
