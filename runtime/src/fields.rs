//! Typed field paths, generated from the vendor documents' schemas.
//!
//! For every ConnectWise and Autotask model the generator emits `Model::fields()`, returning a value with one
//! method per property: scalar properties give a [`FieldPath`], properties holding another model (or a list of
//! them) give that model's field set, prefixed. So `Ticket::fields().board().name()` is the path `board/name`,
//! and a misspelled field does not compile. Paths use the wire names the APIs expect (`companyID`, not
//! `company_id`) and convert into the `String` the query builders take.

use std::borrow::Cow;
use std::fmt;

/// A path to a field as the vendor's query language spells it: `summary`, `board/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FieldPath(Cow<'static, str>);

impl FieldPath {
    /// The empty path: the model itself.
    pub const fn root() -> Self {
        Self(Cow::Borrowed(""))
    }

    /// `self/name`, or `name` at the root.
    pub fn child(&self, name: &'static str) -> Self {
        if self.0.is_empty() {
            Self(Cow::Borrowed(name))
        } else {
            Self(Cow::Owned(format!("{}/{name}", self.0)))
        }
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<FieldPath> for String {
    fn from(path: FieldPath) -> Self {
        path.0.into_owned()
    }
}

impl AsRef<str> for FieldPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::FieldPath;

    #[test]
    fn children_join_with_slashes_and_the_root_adds_nothing() {
        let board = FieldPath::root().child("board");
        assert_eq!(board.as_str(), "board");
        assert_eq!(String::from(board.child("name")), "board/name");
        assert_eq!(FieldPath::root().to_string(), "");
    }
}
