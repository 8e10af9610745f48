//! ConnectWise list parameters: `conditions`, `childConditions`, `customFieldConditions`, `orderBy`,
//! `fields`, `page`/`pageSize` with a `Link` header, and forward-only paging with `pageId`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::conditions::{self, Cond};
use crate::http::Req;
use crate::store::lookup;

/// The default page size.
pub const DEFAULT_PAGE_SIZE: usize = 25;
/// The largest page ConnectWise serves.
pub const MAX_PAGE_SIZE: usize = 1000;

/// A refused parameter: its name and why.
#[derive(Debug)]
pub struct ParamError {
    pub param: &'static str,
    pub message: String,
}

/// The parsed filters of a list call.
pub struct Filters {
    conditions: Option<Cond>,
    child: Option<Cond>,
    custom: Option<Cond>,
}

impl Filters {
    /// Reads and checks the three condition parameters; field names must be properties of the listed type
    /// (`known`, lowercase first path segments; empty means unknown type, anything goes).
    pub fn parse(req: &Req, known: &[String]) -> Result<Filters, ParamError> {
        let read = |param: &'static str| -> Result<Option<Cond>, ParamError> {
            let Some(text) = req.query_param(param).filter(|t| !t.trim().is_empty()) else {
                return Ok(None);
            };
            let cond = conditions::parse(text).map_err(|err| ParamError {
                param,
                message: err.to_string(),
            })?;
            Ok(Some(cond))
        };
        let filters = Filters {
            conditions: read("conditions")?,
            child: read("childConditions")?,
            custom: read("customFieldConditions")?,
        };
        if !known.is_empty() {
            for (param, cond) in [
                ("conditions", &filters.conditions),
                ("childConditions", &filters.child),
            ] {
                for field in cond.iter().flat_map(|c| c.fields()) {
                    let first = field
                        .split('/')
                        .next()
                        .unwrap_or(field)
                        .to_ascii_lowercase();
                    if !known.contains(&first) {
                        return Err(ParamError {
                            param,
                            message: format!("Unknown field '{field}'"),
                        });
                    }
                }
            }
        }
        Ok(filters)
    }

    /// True when `record` passes every filter.
    pub fn matches(&self, record: &Value) -> bool {
        if self.conditions.as_ref().is_some_and(|c| !c.matches(record)) {
            return false;
        }
        if self.child.as_ref().is_some_and(|c| !c.matches(record)) {
            return false;
        }
        if let Some(custom) = &self.custom {
            let items = record
                .get("customFields")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if !items.iter().any(|item| custom.matches(item)) {
                return false;
            }
        }
        true
    }
}

/// Sorts by `orderBy` (`name asc, id desc`); records without the field sort first.
pub fn order(records: &mut [&Value], order_by: Option<&str>) -> Result<(), ParamError> {
    let Some(order_by) = order_by.filter(|t| !t.trim().is_empty()) else {
        return Ok(());
    };
    let mut keys = Vec::new();
    for part in order_by.split(',') {
        let mut words = part.split_whitespace();
        let Some(field) = words.next() else { continue };
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(ParamError {
                    param: "orderBy",
                    message: format!("'{other}' is not a sort direction (asc or desc)"),
                })
            }
        };
        keys.push((field.to_owned(), descending));
    }
    records.sort_by(|a, b| {
        for (field, descending) in &keys {
            let ordering = compare(lookup(a, field), lookup(b, field));
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
    Ok(())
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(a)), Some(Value::String(b))) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Keeps only the `fields` (`id,name,board/name`) of a record.
pub fn project(record: &Value, fields: Option<&str>) -> Value {
    let Some(fields) = fields.filter(|t| !t.trim().is_empty()) else {
        return record.clone();
    };
    let mut out = Map::new();
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let parts: Vec<&str> = field.split('/').collect();
        copy_path(record, &mut out, &parts);
    }
    Value::Object(out)
}

fn copy_path(source: &Value, target: &mut Map<String, Value>, parts: &[&str]) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    let Some(object) = source.as_object() else {
        return;
    };
    let Some((key, value)) = object.iter().find(|(k, _)| k.eq_ignore_ascii_case(first)) else {
        return;
    };
    if rest.is_empty() {
        target.insert(key.clone(), value.clone());
        return;
    }
    let slot = target
        .entry(key.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(inner) = slot {
        copy_path(value, inner, rest);
    }
}

/// Which page to serve.
pub enum Paging {
    /// `page`/`pageSize`.
    Numbered { page: usize, size: usize },
    /// `pagination-type: forward-only`, after `pageId` (an id).
    ForwardOnly { after: Option<i64>, size: usize },
}

/// Reads `page`, `pageSize`, `pageId` and the `pagination-type` header.
pub fn paging(req: &Req) -> Result<Paging, ParamError> {
    let number = |param: &'static str| -> Result<Option<i64>, ParamError> {
        req.query_param(param)
            .map(|text| {
                text.trim().parse::<i64>().map_err(|_| ParamError {
                    param,
                    message: format!("'{text}' is not a number"),
                })
            })
            .transpose()
    };
    let size = number("pageSize")?
        .map(|size| usize::try_from(size.max(1)).unwrap_or(1).min(MAX_PAGE_SIZE))
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let forward = req
        .header("pagination-type")
        .is_some_and(|value| value.eq_ignore_ascii_case("forward-only"));
    if forward {
        return Ok(Paging::ForwardOnly {
            after: number("pageId")?,
            size,
        });
    }
    let page = number("page")?
        .map(|page| usize::try_from(page.max(1)).unwrap_or(1))
        .unwrap_or(1);
    Ok(Paging::Numbered { page, size })
}

/// One page of `records` and the `Link` header for it.
pub fn page<'a>(
    records: Vec<&'a Value>,
    paging: &Paging,
    req: &Req,
    self_url: &str,
) -> (Vec<&'a Value>, Option<String>) {
    match *paging {
        Paging::Numbered { page, size } => {
            let total = records.len();
            let last = total.div_ceil(size).max(1);
            let items: Vec<&Value> = records
                .into_iter()
                .skip((page - 1) * size)
                .take(size)
                .collect();
            let link = |n: usize, rel: &str| {
                format!(
                    "<{}>; rel=\"{rel}\"",
                    url_with(
                        req,
                        self_url,
                        &[("pageSize", size.to_string()), ("page", n.to_string())]
                    )
                )
            };
            let mut links = Vec::new();
            if page > 1 {
                links.push(link(page - 1, "prev"));
                links.push(link(1, "first"));
            }
            if page < last {
                links.push(link(page + 1, "next"));
                links.push(link(last, "last"));
            }
            (items, (!links.is_empty()).then(|| links.join(", ")))
        }
        Paging::ForwardOnly { after, size } => {
            let mut records = records;
            records.sort_by_key(|r| r.get("id").and_then(Value::as_i64).unwrap_or_default());
            let remaining: Vec<&Value> = records
                .into_iter()
                .filter(|r| {
                    after.is_none_or(|after| {
                        r.get("id").and_then(Value::as_i64).unwrap_or_default() > after
                    })
                })
                .collect();
            let more = remaining.len() > size;
            let items: Vec<&Value> = remaining.into_iter().take(size).collect();
            let link = more
                .then(|| {
                    items
                        .last()
                        .and_then(|r| r.get("id"))
                        .and_then(Value::as_i64)
                })
                .flatten()
                .map(|last_id| {
                    format!(
                        "<{}>; rel=\"next\"",
                        url_with(
                            req,
                            self_url,
                            &[
                                ("pageSize", size.to_string()),
                                ("pageId", last_id.to_string())
                            ]
                        )
                    )
                });
            (items, link)
        }
    }
}

/// `self_url` with the request's query, `set` replacing parameters of the same name and coming last, in order.
/// ConnectWise writes `…?pageSize=1000&page=2` (the page last; clients such as pyconnectwise find the page number
/// by matching `page=(\d+)>` and stop after the first page otherwise).
fn url_with(req: &Req, self_url: &str, set: &[(&str, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &req.query {
        if !set.iter().any(|(name, _)| key.eq_ignore_ascii_case(name))
            && !key.eq_ignore_ascii_case("page")
        {
            serializer.append_pair(key, value);
        }
    }
    for (key, value) in set {
        serializer.append_pair(key, value);
    }
    format!("{self_url}?{}", serializer.finish())
}
