//! Component schemas (the generated types) and the inside of any two schemas at the same place.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use super::describe::{
    array_items, describe, enum_values, map_values, object_members, Members, SchemaView, MAX_DEPTH,
};
use super::{ChangeKind, Collector};

fn component_schemas(api: &OpenAPI) -> BTreeMap<&str, &ReferenceOr<Schema>> {
    api.components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .map(|(name, schema)| (name.as_str(), schema))
        .collect()
}

/// Removed, added and changed component schemas.
pub(super) fn diff_components(out: &mut Collector, old: &OpenAPI, new: &OpenAPI) {
    let old_schemas = component_schemas(old);
    let new_schemas = component_schemas(new);
    for (name, schema) in &old_schemas {
        if !new_schemas.contains_key(name) {
            out.breaking(
                ChangeKind::SchemaRemoved,
                *name,
                describe(SchemaView::of(schema)),
            );
        }
    }
    for (name, new_schema) in &new_schemas {
        let Some(old_schema) = old_schemas.get(name) else {
            out.non_breaking(
                ChangeKind::SchemaAdded,
                *name,
                describe(SchemaView::of(new_schema)),
            );
            continue;
        };
        let (old_view, new_view) = (SchemaView::of(old_schema), SchemaView::of(new_schema));
        let (old_text, new_text) = (describe(old_view), describe(new_view));
        if old_text != new_text {
            out.breaking(
                ChangeKind::SchemaTypeChanged,
                *name,
                format!("{old_text} → {new_text}"),
            );
        }
        diff_inside(out, name, old_view, new_view, 0);
    }
}

/// Changes below two schemas at the same place whose own descriptions were already compared: enum values,
/// object properties, array items and map values, recursively through inline schemas. Referenced schemas
/// are compared by name only; their insides are reported once, under the component's own name.
pub(super) fn diff_inside(
    out: &mut Collector,
    subject: &str,
    old: SchemaView<'_>,
    new: SchemaView<'_>,
    depth: usize,
) {
    let (Some(old), Some(new)) = (old.inline(), new.inline()) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    diff_enum(out, subject, old, new);
    if let (Some(old_members), Some(new_members)) = (object_members(old), object_members(new)) {
        diff_properties(out, subject, &old_members, &new_members, depth);
    }
    if let (Some(old_items), Some(new_items)) = (array_items(old), array_items(new)) {
        diff_element(out, &format!("{subject}[]"), old_items, new_items, depth);
    }
    if let (Some(old_values), Some(new_values)) = (map_values(old), map_values(new)) {
        diff_element(
            out,
            &format!("{subject}{{}}"),
            old_values,
            new_values,
            depth,
        );
    }
}

/// Array items and map values: their type is part of the container's description, so only their
/// insides remain to compare.
fn diff_element(
    out: &mut Collector,
    subject: &str,
    old: SchemaView<'_>,
    new: SchemaView<'_>,
    depth: usize,
) {
    if describe(old) == describe(new) {
        diff_inside(out, subject, old, new, depth + 1);
    }
}

fn diff_enum(out: &mut Collector, subject: &str, old: &Schema, new: &Schema) {
    // Gaining or losing enum-ness shows in the description (`string enum` vs `string`).
    let (Some(old_values), Some(new_values)) = (enum_values(old), enum_values(new)) else {
        return;
    };
    for value in old_values.difference(&new_values) {
        out.breaking(ChangeKind::EnumValueRemoved, subject, value.as_str());
    }
    for value in new_values.difference(&old_values) {
        out.non_breaking(
            ChangeKind::EnumValueAdded,
            subject,
            // Harmless for requests, but a response may now carry it: clients matching exhaustively need a
            // fallback for values they do not know.
            format!("{value} (forward-compat: older clients may receive it)"),
        );
    }
}

fn diff_properties(
    out: &mut Collector,
    subject: &str,
    old: &Members<'_>,
    new: &Members<'_>,
    depth: usize,
) {
    let names: BTreeSet<&str> = old
        .properties
        .keys()
        .chain(new.properties.keys())
        .copied()
        .collect();
    for name in names {
        let path = format!("{subject}.{name}");
        let old_required = old.required.contains(name);
        let new_required = new.required.contains(name);
        match (old.properties.get(name), new.properties.get(name)) {
            (Some(old_property), None) => {
                // Readers of a response lose data; writers would send a field the server ignores. Either way
                // the generated field disappears.
                out.breaking(ChangeKind::PropertyRemoved, path, describe(*old_property));
            }
            (None, Some(new_property)) => {
                let text = describe(*new_property);
                if new_required {
                    // Code that builds this type (a request body) must now set it.
                    out.breaking(ChangeKind::PropertyAdded, path, format!("required {text}"));
                } else {
                    out.non_breaking(ChangeKind::PropertyAdded, path, text);
                }
            }
            (Some(old_property), Some(new_property)) => {
                let (old_text, new_text) = (describe(*old_property), describe(*new_property));
                if old_text != new_text {
                    out.breaking(
                        ChangeKind::PropertyTypeChanged,
                        path.as_str(),
                        format!("{old_text} → {new_text}"),
                    );
                }
                // Both directions break someone: optional → required for whoever builds the value,
                // required → optional for whoever reads it. Both flip `T` and `Option<T>` in the generated
                // struct.
                if !old_required && new_required {
                    out.breaking(
                        ChangeKind::PropertyRequired,
                        path.as_str(),
                        "optional → required",
                    );
                } else if old_required && !new_required {
                    out.breaking(
                        ChangeKind::PropertyOptional,
                        path.as_str(),
                        "required → optional",
                    );
                }
                diff_inside(out, &path, *old_property, *new_property, depth + 1);
            }
            // `names` only holds names from one side or the other.
            (None, None) => {}
        }
    }
}
