//! The pieces of the generated models' `Deserialize` impls.
//!
//! serde's derive writes, for every struct, a field enum with its own `Deserialize` impl, identifier visitors
//! for integers, strings and bytes, and both a sequence and a map visitor. For the thousands of models of
//! the vendor documents that expansion was most of a generated crate's build time (BMS: 37 s of 55 s). The code
//! generator emits a smaller impl instead (only a map visitor, one `match` on the key) that calls these
//! helpers, and keeps the derive's behaviour: wire names and aliases, a duplicate key is an error, a missing
//! key reads as `None` for `Option` fields and is a "missing field" error otherwise, unknown keys are skipped
//! unless the model denies them.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// An object key, borrowed from the input when the format allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v)))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        std::str::from_utf8(v)
            .map(|s| Key(Cow::Borrowed(s)))
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(v), &self))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        std::str::from_utf8(v)
            .map(|s| Key(Cow::Owned(s.to_owned())))
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(v), &self))
    }
}

/// Reads the value of field `name` into `slot`; a second value for the same field is an error.
pub fn set<'de, T, A>(slot: &mut Option<T>, map: &mut A, name: &'static str) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    // The field's name on the drift path, for what its value holds (an unknown enum value, a nested model's
    // unknown keys); nothing when drift is off.
    let mark = crate::drift::collect::enter(crate::drift::collect::Segment::Field(name));
    let value = map.next_value();
    crate::drift::collect::leave(mark);
    *slot = Some(value?);
    Ok(())
}

/// The value of field `name`, or what serde's derive gives for a missing one: `None` for `Option` fields
/// (any type that deserializes through `deserialize_option`), a "missing field" error otherwise.
pub fn take<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: Deserialize<'de>,
    E: de::Error,
{
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(MissingField {
            name,
            error: PhantomData,
        }),
    }
}

/// Stands in for an absent field: `None` to whoever asks for an option, an error to anyone else.
struct MissingField<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Skips the value of a key the model does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error, MapDeserializer};

    #[derive(Debug, PartialEq)]
    struct Model {
        id: Option<i64>,
        name: String,
    }

    impl<'de> Deserialize<'de> for Model {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Model;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Model")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Model, A::Error> {
                    let mut id = None;
                    let mut name = None;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "id" | "Id" => set(&mut id, &mut map, "id")?,
                            "name" => set(&mut name, &mut map, "name")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Model {
                        id: take(id, "id")?,
                        name: take(name, "name")?,
                    })
                }
            }
            deserializer.deserialize_struct("Model", &["id", "name"], V)
        }
    }

    fn decode(json: &str) -> Result<Model, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn aliases_missing_options_and_unknown_keys() {
        assert_eq!(
            decode(r#"{"Id": 7, "name": "a", "other": [1, {"x": 2}]}"#),
            Ok(Model {
                id: Some(7),
                name: "a".into()
            })
        );
        assert_eq!(
            decode(r#"{"name": "b"}"#),
            Ok(Model {
                id: None,
                name: "b".into()
            })
        );
    }

    #[test]
    fn missing_required_and_duplicate_keys_are_serdes_errors() {
        let missing = decode(r#"{"id": 1}"#).unwrap_err();
        assert!(missing.starts_with("missing field `name`"), "{missing}");
        let duplicate = decode(r#"{"id": 1, "Id": 2, "name": "x"}"#).unwrap_err();
        assert!(duplicate.starts_with("duplicate field `id`"), "{duplicate}");
        let wrong = decode(r#"{"id": "1", "name": "x"}"#).unwrap_err();
        assert!(wrong.starts_with("invalid type: string \"1\""), "{wrong}");
    }

    #[test]
    fn escaped_keys_are_owned_and_still_match() {
        assert_eq!(
            decode(r#"{"na\u006de": "c"}"#).map(|m| m.name),
            Ok("c".into())
        );
    }

    #[test]
    fn keys_from_other_formats() {
        let map = MapDeserializer::<_, Error>::new(vec![("name", "d")].into_iter());
        assert_eq!(Model::deserialize(map).map(|m| m.name), Ok("d".into()));
    }
}
