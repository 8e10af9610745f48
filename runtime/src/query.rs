//! The values ConnectWise's query-language parameters take on the generated list builders.
//!
//! `conditions`, `childConditions`, `customFieldConditions`, `orderBy` and `fields` are strings on the wire,
//! but a string built by hand from user input is an injection (`name = "` + input + `"`). The generated
//! setters therefore take these opaque types instead of `String`. They are made from the typed builders in
//! `psa_clients::connectwise::conditions` (which validate field paths and quote values), or, for text written
//! by hand, from an explicit and greppable [`raw_unchecked`](ConditionsParam::raw_unchecked).
//!
//! A builder value that cannot be rendered (an invalid field path, say) is kept with its error: the call then
//! fails at `send()` with `Error::InvalidRequest` naming the parameter and the reason, before anything is sent.

use std::fmt;

use serde::{Serialize, Serializer};

/// Rendered text, or why it could not be rendered.
#[derive(Clone, PartialEq, Eq)]
enum Rendered {
    Text(String),
    Invalid(String),
}

macro_rules! query_param {
    ($(#[$doc:meta])* $name:ident, $wire:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Rendered);

        impl $name {
            #[doc = concat!("Sends `text` as the `", $wire, "` parameter exactly as written.")]
            ///
            /// Nothing is checked or escaped: never put untrusted input into `text`. Prefer the typed builders
            /// of `psa_clients::connectwise::conditions`.
            pub fn raw_unchecked(text: impl Into<String>) -> Self {
                Self(Rendered::Text(text.into()))
            }

            /// The outcome of rendering a typed builder value; used by the builders' `From` impls.
            #[doc(hidden)]
            pub fn from_rendered<E: fmt::Display>(rendered: Result<String, E>) -> Self {
                Self(match rendered {
                    Ok(text) => Rendered::Text(text),
                    Err(error) => Rendered::Invalid(error.to_string()),
                })
            }

            /// The text sent on the wire, or `None` when the value could not be rendered.
            pub fn as_str(&self) -> Option<&str> {
                match &self.0 {
                    Rendered::Text(text) => Some(text),
                    Rendered::Invalid(_) => None,
                }
            }

            /// Why the value could not be rendered, if it could not.
            pub fn error(&self) -> Option<&str> {
                match &self.0 {
                    Rendered::Text(_) => None,
                    Rendered::Invalid(message) => Some(message),
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match &self.0 {
                    Rendered::Text(text) => f.debug_tuple(stringify!($name)).field(text).finish(),
                    Rendered::Invalid(message) => {
                        f.debug_struct(stringify!($name)).field("invalid", message).finish()
                    }
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match &self.0 {
                    Rendered::Text(text) => serializer.serialize_str(text),
                    Rendered::Invalid(message) => Err(serde::ser::Error::custom(format_args!(
                        concat!("`", $wire, "` could not be rendered: {}"),
                        message
                    ))),
                }
            }
        }
    };
}

query_param!(
    /// The `conditions` parameter: from a `Condition`, or [`ConditionsParam::raw_unchecked`].
    ConditionsParam,
    "conditions"
);
query_param!(
    /// The `childConditions` parameter: from `ChildConditions`, or [`ChildConditionsParam::raw_unchecked`].
    ChildConditionsParam,
    "childConditions"
);
query_param!(
    /// The `customFieldConditions` parameter: from a `CustomFieldCondition`, or
    /// [`CustomFieldConditionsParam::raw_unchecked`].
    CustomFieldConditionsParam,
    "customFieldConditions"
);
query_param!(
    /// The `orderBy` parameter: from `OrderBy`, or [`OrderByParam::raw_unchecked`].
    OrderByParam,
    "orderBy"
);
query_param!(
    /// The `fields` parameter: from `Fields`, or [`FieldsParam::raw_unchecked`].
    FieldsParam,
    "fields"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_serializes_as_itself_and_invalid_values_fail_with_the_reason() {
        let ok = ConditionsParam::raw_unchecked("id = 1");
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#""id = 1""#);
        assert_eq!(ok.as_str(), Some("id = 1"));
        let bad = OrderByParam::from_rendered::<&str>(Err("field path `a b` is invalid"));
        assert_eq!(bad.as_str(), None);
        let error = serde_json::to_string(&bad).unwrap_err().to_string();
        assert!(
            error.contains("`orderBy` could not be rendered: field path `a b` is invalid"),
            "{error}"
        );
        assert_eq!(format!("{bad:?}"), r#"OrderByParam { invalid: "field path `a b` is invalid" }"#);
    }
}
