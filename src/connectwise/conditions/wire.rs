//! The typed values become the parameters the generated list builders take.
//!
//! The generated ConnectWise setters for `conditions`, `childConditions`, `customFieldConditions`, `orderBy`
//! and `fields` take the opaque types of `psa_clients_runtime::query` (re-exported here), not strings, so text
//! built by hand from user input cannot reach them by accident. Every builder value converts, by value or by
//! reference, rendering with [`StringEscaping::Strict`]; `to_param_with` picks another escaping. A value
//! that cannot be rendered (an invalid field path, a `"` under strict escaping, an empty group) still
//! converts: it is kept with the reason, and the call fails at `send()` with `Error::InvalidRequest` naming the
//! parameter and the reason, before anything is sent. Hand-written text goes through the explicit
//! `raw_unchecked` constructors.
//!
//! ```
//! use psa_clients::connectwise::conditions::{field, ConditionsParam, Fields, FieldsParam};
//!
//! let open = field("closedFlag").eq(false);
//! assert_eq!(ConditionsParam::from(&open).as_str(), Some("closedFlag = false"));
//! assert_eq!(FieldsParam::from(Fields::new(["id", "summary"])).as_str(), Some("id,summary"));
//!
//! let invalid = ConditionsParam::from(field("board name").eq(1));
//! assert!(invalid.error().is_some_and(|reason| reason.contains("invalid field path")));
//! ```

use psa_clients_runtime::query::{
    ChildConditionsParam, ConditionsParam, CustomFieldConditionsParam, FieldsParam, OrderByParam,
};

use super::ast::Condition;
use super::params::{ChildConditions, CustomFieldCondition, Fields, OrderBy};
use super::render::StringEscaping;

/// `From<T>` and `From<&T>` for a wire type, rendering with the given expression.
macro_rules! into_param {
    ($value:ty => $param:ty, |$v:ident| $render:expr) => {
        impl From<&$value> for $param {
            fn from($v: &$value) -> Self {
                <$param>::from_rendered($render)
            }
        }

        impl From<$value> for $param {
            fn from(value: $value) -> Self {
                Self::from(&value)
            }
        }
    };
}

into_param!(Condition => ConditionsParam, |c| c.render());
into_param!(ChildConditions => ChildConditionsParam, |c| c.render());
into_param!(CustomFieldCondition => CustomFieldConditionsParam, |c| c.render());
into_param!(OrderBy => OrderByParam, |o| o.render());
into_param!(Fields => FieldsParam, |f| f.render());

impl Condition {
    /// The `conditions` parameter rendered with `escaping` (`ConditionsParam::from` uses
    /// [`StringEscaping::Strict`]).
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::{field, StringEscaping};
    ///
    /// let param = field("summary").eq(r#"say "hi""#).to_param_with(StringEscaping::Backslash);
    /// assert_eq!(param.as_str(), Some(r#"summary = "say \"hi\"""#));
    /// ```
    pub fn to_param_with(&self, escaping: StringEscaping) -> ConditionsParam {
        ConditionsParam::from_rendered(self.render_with(escaping))
    }
}

impl ChildConditions {
    /// The `childConditions` parameter rendered with `escaping` (`ChildConditionsParam::from` uses
    /// [`StringEscaping::Strict`]).
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::{field, ChildConditions, StringEscaping};
    ///
    /// let child = ChildConditions::new(field("communicationItems/value").eq("a\\b"));
    /// let param = child.to_param_with(StringEscaping::Backslash);
    /// assert_eq!(param.as_str(), Some(r#"communicationItems/value = "a\\b""#));
    /// ```
    pub fn to_param_with(&self, escaping: StringEscaping) -> ChildConditionsParam {
        ChildConditionsParam::from_rendered(self.render_with(escaping))
    }
}

impl CustomFieldCondition {
    /// The `customFieldConditions` parameter rendered with `escaping` (`CustomFieldConditionsParam::from`
    /// uses [`StringEscaping::Strict`]).
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::{custom_field, StringEscaping};
    ///
    /// let param = custom_field("Note").eq("\"quoted\"").to_param_with(StringEscaping::Backslash);
    /// assert_eq!(param.as_str(), Some(r#"caption = "Note" AND value = "\"quoted\"""#));
    /// ```
    pub fn to_param_with(&self, escaping: StringEscaping) -> CustomFieldConditionsParam {
        CustomFieldConditionsParam::from_rendered(self.render_with(escaping))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{custom_field, field, ChildConditions, Condition, Fields, OrderBy};
    use super::*;

    /// The shape of a generated setter: `conditions<V: TryInto<ConditionsParam>>(value: V)`.
    fn setter<P, V>(value: V) -> P
    where
        V: TryInto<P>,
        V::Error: std::fmt::Debug,
    {
        value
            .try_into()
            .expect("conversions into the wire types cannot fail")
    }

    #[test]
    fn a_condition_is_a_conditions_param_by_value_and_by_reference() {
        let open = field("board/name")
            .eq("Help Desk")
            .and(field("closedFlag").eq(false));
        let by_ref: ConditionsParam = setter(&open);
        let by_value: ConditionsParam = setter(open.clone());
        let want = r#"board/name = "Help Desk" AND closedFlag = false"#;
        assert_eq!(by_ref.as_str(), Some(want));
        assert_eq!(by_value, by_ref);
        assert_eq!(serde_json::to_value(&by_value).unwrap(), want);
        // The escape hatch stays available, and spelled out.
        let raw: ConditionsParam = setter(ConditionsParam::raw_unchecked("id = 1"));
        assert_eq!(raw.as_str(), Some("id = 1"));
    }

    #[test]
    fn an_invalid_condition_is_an_invalid_param_that_names_the_reason() {
        let param = ConditionsParam::from(field("board name").eq(1));
        assert_eq!(param.as_str(), None);
        let reason = param.error().expect("invalid");
        assert!(
            reason.contains(r#"invalid field path "board name""#) && reason.contains("' '"),
            "{reason}"
        );
        // Sending it fails before anything is sent, with the parameter and the reason.
        let error = serde_json::to_string(&param).unwrap_err().to_string();
        assert!(
            error.contains("`conditions` could not be rendered: invalid field path"),
            "{error}"
        );
        // Strict escaping is the default: a quote in a value is refused, not guessed at.
        let quoted = ConditionsParam::from(&field("summary").eq("say \"hi\""));
        assert!(
            quoted.error().is_some_and(|e| e.contains("'\"'")),
            "{quoted:?}"
        );
        let backslash = field("summary")
            .eq("say \"hi\"")
            .to_param_with(StringEscaping::Backslash);
        assert_eq!(backslash.as_str(), Some(r#"summary = "say \"hi\"""#));
        let empty = ConditionsParam::from(Condition::any([]));
        assert!(empty.error().is_some_and(|e| e.contains("empty OR group")));
    }

    #[test]
    fn child_conditions_are_a_child_conditions_param() {
        let child = ChildConditions::new(
            field("communicationItems/value")
                .starts_with("john")
                .and(field("communicationItems/communicationType").eq("Email")),
        );
        let param: ChildConditionsParam = setter(&child);
        assert_eq!(
            param.as_str(),
            Some(
                r#"communicationItems/value like "john*" AND communicationItems/communicationType = "Email""#
            )
        );
        assert_eq!(ChildConditionsParam::from(child.clone()), param);
        let flat = ChildConditionsParam::from(ChildConditions::new(field("value").eq(1)));
        assert!(
            flat.error()
                .is_some_and(|e| e.contains("must name a collection")),
            "{flat:?}"
        );
        let error = serde_json::to_string(&flat).unwrap_err().to_string();
        assert!(
            error.contains("`childConditions` could not be rendered"),
            "{error}"
        );
    }

    #[test]
    fn a_custom_field_condition_is_a_custom_field_conditions_param() {
        let tier = custom_field("Tier").eq("Gold");
        let param: CustomFieldConditionsParam = setter(&tier);
        assert_eq!(
            param.as_str(),
            Some(r#"caption = "Tier" AND value = "Gold""#)
        );
        assert_eq!(CustomFieldConditionsParam::from(tier), param);
        let bad = CustomFieldConditionsParam::from(custom_field("bad\"caption").eq(1));
        assert!(bad.error().is_some(), "{bad:?}");
        let error = serde_json::to_string(&bad).unwrap_err().to_string();
        assert!(
            error.contains("`customFieldConditions` could not be rendered"),
            "{error}"
        );
    }

    #[test]
    fn order_by_is_an_order_by_param() {
        let order = OrderBy::asc("priority/id").then_desc("dateEntered");
        let param: OrderByParam = setter(&order);
        assert_eq!(param.as_str(), Some("priority/id asc, dateEntered desc"));
        assert_eq!(OrderByParam::from(order), param);
        let bad = OrderByParam::from(OrderBy::asc("id; drop table"));
        assert!(
            bad.error()
                .is_some_and(|e| e.contains(r#"invalid field path "id; drop table""#)),
            "{bad:?}"
        );
        let empty = OrderByParam::from(OrderBy::default());
        assert_eq!(empty.error(), Some("orderBy needs at least one field"));
    }

    #[test]
    fn fields_are_a_fields_param() {
        let fields = Fields::new(["id", "summary", "board/name"]);
        let param: FieldsParam = setter(&fields);
        assert_eq!(param.as_str(), Some("id,summary,board/name"));
        assert_eq!(FieldsParam::from(fields), param);
        let bad = FieldsParam::from(Fields::new(["id", "name,summary"]));
        assert!(
            bad.error()
                .is_some_and(|e| e.contains(r#"invalid field path "name,summary""#)),
            "{bad:?}"
        );
        let error = serde_json::to_string(&bad).unwrap_err().to_string();
        assert!(error.contains("`fields` could not be rendered"), "{error}");
    }
}
