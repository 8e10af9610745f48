//! Models shaped like the generated ones (lean `Deserialize`, `extra`, an open enum), for the drift tests.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::de::{take, Key};
use crate::lenient::{keep, set, set_list, Shape};
use crate::Extra;

/// What `lean-deserialize` writes for a lenient model: `lenient::set` for fields it can read leniently
/// (`lenient::set_list` for lists, `as List of <element shape>`),
/// `de::set` for the rest (enums), `lenient::keep` for unknown keys, and `lenient::expected` after the last key
/// for the fields listed after `expects` (the document's `required` list and the `always_present` data).
macro_rules! lean_model {
    ($name:ident { $($field:ident: $ty:ty = $wire:literal $(as $shape:ident $(of $element:ident)?)?),* $(,)? }
        $(expects { $($expected:ident = $expected_wire:literal),* })?) => {
        #[derive(Debug, Default, PartialEq, Serialize)]
        pub(crate) struct $name {
            $(
                #[serde(rename = $wire, skip_serializing_if = "Option::is_none")]
                pub(crate) $field: Option<$ty>,
            )*
            #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
            pub(crate) extra: Extra,
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(stringify!($name))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $(let mut $field = None;)*
                        let mut extra = Extra::default();
                        while let Some(key) = map.next_key::<Key<'de>>()? {
                            match key.as_str() {
                                $($wire => lean_model!(@read $field, map, $wire, extra $(, $shape $(, $element)?)?),)*
                                other => keep(&mut map, other, &mut extra)?,
                            }
                        }
                        $($(crate::lenient::expected(&$expected, $expected_wire, &extra)?;)*)?
                        Ok($name { $($field: take($field, $wire)?,)* extra })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), &[$($wire),*], V)
            }
        }
    };
    (@read $field:ident, $map:ident, $wire:literal, $extra:ident, List, $element:ident) => {
        set_list(&mut $field, &mut $map, $wire, Some(Shape::$element), &mut $extra)?
    };
    (@read $field:ident, $map:ident, $wire:literal, $extra:ident, $shape:ident) => {
        set(&mut $field, &mut $map, $wire, Shape::$shape, &mut $extra)?
    };
    (@read $field:ident, $map:ident, $wire:literal, $extra:ident) => {
        crate::de::set(&mut $field, &mut $map, $wire)?
    };
}

lean_model!(Page {
    items: Vec<Ticket> = "items" as List of Object,
});

lean_model!(Ticket {
    id: i64 = "id" as Scalar,
    summary: String = "summary" as Scalar,
    status: Status = "status",
    company: Company = "company" as Object,
    tags: Vec<String> = "tags" as List of Scalar,
    rates: std::collections::BTreeMap<String, Company> = "rates" as Object,
    password: String = "password" as Scalar,
});

lean_model!(Company {
    id: i64 = "id" as Scalar,
    name: String = "name" as Scalar,
} expects { id = "id" });

/// What `open-enums` writes: a string enum whose last, untagged variant keeps values the document does not list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Status {
    New,
    Closed,
    #[serde(
        untagged,
        deserialize_with = "crate::lenient::unknown_variant::<Status, _>"
    )]
    Unknown(String),
}
