//! The query-string parameters that carry conditions: `conditions`,
//! `childConditions`, `customFieldConditions`, `orderBy` and `fields`.

use super::ast::{Comparison, Condition, Operator};
use super::error::ConditionError;
use super::field::validate_field_path;
use super::render::StringEscaping;
use super::value::Value;

/// Conditions on members of a child collection, for the `childConditions`
/// parameter, such as
/// `communicationItems/value like "x*" AND communicationItems/communicationType = "Email"`.
///
/// Every field path must name the collection and the member
/// (`collection/field`), otherwise rendering fails with
/// [`ConditionError::ChildFieldNotNested`].
///
/// ```
/// use psa_clients::connectwise::conditions::{field, ChildConditions};
///
/// let child = ChildConditions::new(
///     field("communicationItems/value").starts_with("john")
///         .and(field("communicationItems/communicationType").eq("Email")),
/// );
/// assert_eq!(
///     child.render().unwrap(),
///     r#"communicationItems/value like "john*" AND communicationItems/communicationType = "Email""#
/// );
/// assert!(ChildConditions::new(field("value").eq(1)).render().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildConditions(Condition);

impl ChildConditions {
    /// The query parameter name.
    pub const PARAM: &'static str = "childConditions";

    /// Wraps a condition on child-collection fields.
    pub fn new(condition: Condition) -> Self {
        Self(condition)
    }

    /// The wrapped condition.
    pub fn condition(&self) -> &Condition {
        &self.0
    }

    /// Renders with [`StringEscaping::Strict`].
    pub fn render(&self) -> Result<String, ConditionError> {
        self.render_with(StringEscaping::Strict)
    }

    /// Renders with the given escaping.
    pub fn render_with(&self, escaping: StringEscaping) -> Result<String, ConditionError> {
        check_nested(&self.0)?;
        self.0.render_with(escaping)
    }
}

fn check_nested(c: &Condition) -> Result<(), ConditionError> {
    match c {
        Condition::Compare(cmp) => {
            // Validate first so a malformed path is reported as such.
            validate_field_path(&cmp.field)?;
            if cmp.field.contains('/') {
                Ok(())
            } else {
                Err(ConditionError::ChildFieldNotNested {
                    path: cmp.field.clone(),
                })
            }
        }
        Condition::And(members) | Condition::Or(members) => {
            members.iter().try_for_each(check_nested)
        }
        Condition::Not(inner) => check_nested(inner),
    }
}

/// Starts a condition on the custom field with this caption, for the
/// `customFieldConditions` parameter.
///
/// ```
/// use psa_clients::connectwise::conditions::custom_field;
///
/// let c = custom_field("TomNumber").is_not_null();
/// assert_eq!(c.render().unwrap(), r#"caption = "TomNumber" AND value != null"#);
/// ```
pub fn custom_field(caption: impl Into<String>) -> CustomField {
    CustomField {
        selector: Comparison::new("caption", Operator::Eq, caption.into()),
    }
}

/// Starts a condition on the custom field with this id (`id = 7 AND value …`).
///
/// ```
/// use psa_clients::connectwise::conditions::custom_field_id;
///
/// let c = custom_field_id(7).eq("Gold");
/// assert_eq!(c.render().unwrap(), r#"id = 7 AND value = "Gold""#);
/// ```
pub fn custom_field_id(id: i64) -> CustomField {
    CustomField {
        selector: Comparison::new("id", Operator::Eq, id),
    }
}

/// A custom field waiting for a test of its value; see [`custom_field`].
///
/// ```
/// use psa_clients::connectwise::conditions::custom_field;
///
/// let c = custom_field("Tier").is_in(["Gold", "Silver"]);
/// assert_eq!(c.render().unwrap(), r#"caption = "Tier" AND value in ("Gold", "Silver")"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomField {
    selector: Comparison,
}

impl CustomField {
    fn value(self, op: Operator, value: impl Into<Value>) -> CustomFieldCondition {
        CustomFieldCondition(Condition::And(vec![
            Condition::Compare(self.selector),
            Condition::Compare(Comparison::new("value", op, value)),
        ]))
    }

    /// `value = v`
    pub fn eq(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Eq, value)
    }

    /// `value != v`
    pub fn ne(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Ne, value)
    }

    /// `value < v`
    pub fn lt(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Lt, value)
    }

    /// `value <= v`
    pub fn le(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Le, value)
    }

    /// `value > v`
    pub fn gt(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Gt, value)
    }

    /// `value >= v`
    pub fn ge(self, value: impl Into<Value>) -> CustomFieldCondition {
        self.value(Operator::Ge, value)
    }

    /// `value = null`
    pub fn is_null(self) -> CustomFieldCondition {
        self.value(Operator::Eq, Value::Null)
    }

    /// `value != null`
    pub fn is_not_null(self) -> CustomFieldCondition {
        self.value(Operator::Ne, Value::Null)
    }

    /// `value contains "text"`
    pub fn contains(self, text: impl Into<String>) -> CustomFieldCondition {
        self.value(Operator::Contains, Value::String(text.into()))
    }

    /// `value like "pattern"`
    pub fn like(self, pattern: super::LikePattern) -> CustomFieldCondition {
        self.value(Operator::Like, Value::Pattern(pattern))
    }

    /// `value in (…)`
    pub fn is_in<V: Into<Value>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> CustomFieldCondition {
        let list = values.into_iter().map(Into::into).collect();
        self.value(Operator::In, Value::List(list))
    }
}

/// A rendered-to-`customFieldConditions` test on one custom field.
///
/// ```
/// use psa_clients::connectwise::conditions::{custom_field, CustomFieldCondition};
///
/// let c = custom_field("Region").eq("North");
/// assert_eq!(CustomFieldCondition::PARAM, "customFieldConditions");
/// assert_eq!(c.render().unwrap(), r#"caption = "Region" AND value = "North""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFieldCondition(Condition);

impl CustomFieldCondition {
    /// The query parameter name.
    pub const PARAM: &'static str = "customFieldConditions";

    /// The condition (`caption = … AND value …`).
    pub fn condition(&self) -> &Condition {
        &self.0
    }

    /// Renders with [`StringEscaping::Strict`].
    pub fn render(&self) -> Result<String, ConditionError> {
        self.0.render()
    }

    /// Renders with the given escaping.
    pub fn render_with(&self, escaping: StringEscaping) -> Result<String, ConditionError> {
        self.0.render_with(escaping)
    }
}

/// Sort direction for [`OrderBy`].
///
/// ```
/// use psa_clients::connectwise::conditions::Direction;
/// assert_eq!(Direction::Desc.as_str(), "desc");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl Direction {
    /// `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }
}

/// The `orderBy` parameter: one or more `field asc|desc` keys.
///
/// ```
/// use psa_clients::connectwise::conditions::OrderBy;
///
/// let order = OrderBy::asc("priority/id").then_desc("dateEntered");
/// assert_eq!(order.render().unwrap(), "priority/id asc, dateEntered desc");
/// assert!(OrderBy::asc("id; drop").render().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderBy {
    keys: Vec<(String, Direction)>,
}

impl OrderBy {
    /// The query parameter name.
    pub const PARAM: &'static str = "orderBy";

    /// Sorts by `field`, ascending.
    pub fn asc(field: impl Into<String>) -> Self {
        Self::default().then(field, Direction::Asc)
    }

    /// Sorts by `field`, descending.
    pub fn desc(field: impl Into<String>) -> Self {
        Self::default().then(field, Direction::Desc)
    }

    /// Adds a further key.
    pub fn then(mut self, field: impl Into<String>, direction: Direction) -> Self {
        self.keys.push((field.into(), direction));
        self
    }

    /// Adds a further ascending key.
    pub fn then_asc(self, field: impl Into<String>) -> Self {
        self.then(field, Direction::Asc)
    }

    /// Adds a further descending key.
    pub fn then_desc(self, field: impl Into<String>) -> Self {
        self.then(field, Direction::Desc)
    }

    /// The keys in order.
    pub fn keys(&self) -> &[(String, Direction)] {
        &self.keys
    }

    /// `a asc, b desc`, after validating every field path.
    pub fn render(&self) -> Result<String, ConditionError> {
        if self.keys.is_empty() {
            return Err(ConditionError::EmptyFieldList { param: "orderBy" });
        }
        let mut parts = Vec::with_capacity(self.keys.len());
        for (field, dir) in &self.keys {
            validate_field_path(field)?;
            parts.push(format!("{field} {}", dir.as_str()));
        }
        Ok(parts.join(", "))
    }
}

/// The `fields` parameter: which fields the response should contain.
///
/// ```
/// use psa_clients::connectwise::conditions::Fields;
///
/// let fields = Fields::new(["id", "summary", "board/name"]);
/// assert_eq!(fields.render().unwrap(), "id,summary,board/name");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fields {
    paths: Vec<String>,
}

impl Fields {
    /// The query parameter name.
    pub const PARAM: &'static str = "fields";

    /// The given field paths, in order.
    pub fn new<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Self {
        Self {
            paths: paths.into_iter().map(Into::into).collect(),
        }
    }

    /// The paths.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Comma-separated paths, after validating each.
    pub fn render(&self) -> Result<String, ConditionError> {
        if self.paths.is_empty() {
            return Err(ConditionError::EmptyFieldList { param: "fields" });
        }
        for p in &self.paths {
            validate_field_path(p)?;
        }
        Ok(self.paths.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{field, parse};
    use super::*;

    #[test]
    fn child_conditions_render_and_parse_back() {
        let child = ChildConditions::new(
            field("communicationItems/value")
                .starts_with("x")
                .and(field("communicationItems/communicationType").eq("Email")),
        );
        let text = child.render().unwrap();
        assert_eq!(
            text,
            r#"communicationItems/value like "x*" AND communicationItems/communicationType = "Email""#
        );
        assert_eq!(parse(&text).unwrap(), child.condition().normalize());
    }

    #[test]
    fn child_conditions_need_nested_fields_everywhere() {
        let c = ChildConditions::new(!(field("items/a").eq(1).or(field("b").eq(2))));
        assert_eq!(
            c.render(),
            Err(ConditionError::ChildFieldNotNested { path: "b".into() })
        );
    }

    #[test]
    fn custom_field_by_caption_and_id() {
        assert_eq!(
            custom_field("TomNumber").ne("x").render().unwrap(),
            r#"caption = "TomNumber" AND value != "x""#
        );
        assert!(custom_field("bad\"caption").eq(1).render().is_err());
    }

    #[test]
    fn order_by_and_fields_validate() {
        assert_eq!(
            OrderBy::default().render(),
            Err(ConditionError::EmptyFieldList { param: "orderBy" })
        );
        assert_eq!(
            Fields::new(Vec::<String>::new()).render(),
            Err(ConditionError::EmptyFieldList { param: "fields" })
        );
        assert!(Fields::new(["id", "name,summary"]).render().is_err());
        assert_eq!(
            OrderBy::asc("a")
                .then(String::from("b/c"), Direction::Asc)
                .render()
                .unwrap(),
            "a asc, b/c asc"
        );
    }
}
