//! A deserializer over a parsed JSON value that keeps track of where it is, for the recording
//! pass of [`drift`]: it enters and leaves every map entry and array element, so
//! the models (and its own errors) note each departure with a pointer. Only bodies that departed
//! from the spec go through it: the plain decoder handles the rest.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::Value;

use crate::drift;

/// `value`, deserialized with the current place tracked.
pub struct Tracked<'a>(&'a Value);

impl<'a> Tracked<'a> {
    pub fn new(value: &'a Value) -> Self {
        Tracked(value)
    }
}

/// A decoding error of the recording pass; making one notes the departure where it happens.
#[derive(Debug)]
pub struct TrackError(String);

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrackError {}

impl de::Error for TrackError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        drift::type_mismatch();
        TrackError(message.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        drift::missing_required(field);
        TrackError(format!("missing field `{field}`"))
    }
}

impl<'de> Deserializer<'de> for Tracked<'de> {
    type Error = TrackError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TrackError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items {
                items: items.iter(),
            }),
            Value::Object(map) => visitor.visit_map(Entries {
                entries: map.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TrackError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TrackError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TrackError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other("a value that is not a string"),
                &visitor,
            )),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Items<'a> {
    items: std::slice::Iter<'a, Value>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = TrackError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TrackError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        drift::enter();
        let value = seed.deserialize(Tracked(item));
        drift::leave();
        value.map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = TrackError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TrackError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TrackError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| TrackError("a value without its key".to_owned()))?;
        drift::enter();
        let result = seed.deserialize(Tracked(value));
        drift::leave();
        result
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
