//! What the models' serde code shares: property names read without copying, one declared
//! property at a time, and the properties the spec does not list.
//!
//! The models implement `Serialize` and `Deserialize` themselves (generated next to each
//! struct) rather than with `#[serde(flatten)]`: flatten buffers every property of the object
//! before deciding where it goes, which makes decoding much slower and compiling much larger.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap};

/// A property name as read: borrowed from the input when it can be, so matching it against
/// the declared names allocates nothing.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a declared property's value into its slot; a property given twice is an error (as
/// serde's derive has it).
#[allow(dead_code)] // used when a model has fields
pub(crate) fn field<'de, T: Deserialize<'de>, A: MapAccess<'de>>(slot: &mut Option<T>, map: &mut A, name: &'static str) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required property that did not come.
#[allow(dead_code)] // used when a model has required fields
pub(crate) fn missing<E: de::Error>(name: &'static str) -> E {
    E::missing_field(name)
}

/// Keeps a property the spec does not list, in the model's map.
#[allow(dead_code)] // used when a model is open
pub(crate) fn keep<'de, V, A, M>(kept: &mut M, key: Key<'de>, map: &mut A) -> Result<(), A::Error>
where
    V: Deserialize<'de>,
    A: MapAccess<'de>,
    M: Extend<(String, V)>,
{
    let value = map.next_value()?;
    kept.extend(std::iter::once((key.into_string(), value)));
    Ok(())
}

/// Skips a property of a closed model (`additionalProperties: false`).
#[allow(dead_code)] // used when a model is closed
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

#[allow(dead_code)] // used when a model is open
/// Writes the kept properties after the declared ones. A kept property with a declared name is
/// left out: the declared field is what the caller set.
pub(crate) fn serialize_kept<'a, M, V>(map: &mut M, kept: impl IntoIterator<Item = (&'a String, &'a V)>, declared: &[&str]) -> Result<(), M::Error>
where
    M: SerializeMap,
    V: Serialize + 'a,
{
    for (key, value) in kept {
        if !declared.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}
