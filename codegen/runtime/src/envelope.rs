//! Bodies documented one way and sent another: a list the spec gives as a bare array while the
//! API (and the spec's own examples) wrap it in an object, `{"results": […]}`. Where an overlay
//! says so (`x-codegen: {envelope: results}` on the response's media type), the decoder accepts
//! both shapes; nothing else is guessed. Other members of the envelope are skipped: they are the
//! envelope's, not the list's.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::error::Failure;
use crate::transport::RawResponse;

#[allow(dead_code)] // the stand-in crate has no operation with an envelope
impl RawResponse {
    /// The body decoded as JSON, bare or as the member `key` of an envelope object.
    pub fn json_enveloped<T: DeserializeOwned>(&self, key: &'static str) -> Result<T, Failure> {
        self.decoded(decode(&self.body, key))
    }
}

/// Decodes JSON like `drift::decode_json` (plainly, or in the recording pass through the tracked
/// decoder), accepting `T` or an object whose member `key` is `T`.
#[allow(dead_code)] // the stand-in crate has no operation with an envelope
fn decode<T: DeserializeOwned>(bytes: &[u8], key: &'static str) -> Result<T, serde_json::Error> {
    let seed = Enveloped::<T>::new(key);
    if !crate::drift::tracking() {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let value = seed.deserialize(&mut deserializer)?;
        deserializer.end()?;
        return Ok(value);
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    seed.deserialize(crate::tracked::Tracked::new(&value))
        .map_err(de::Error::custom)
}

/// `T` itself (a JSON array), or the member `key` of an object.
pub struct Enveloped<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Enveloped<T> {
    pub fn new(key: &'static str) -> Self {
        Enveloped {
            key,
            value: PhantomData,
        }
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Enveloped<T> {
    type Value = T;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Enveloped<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array, or an object with `{}`", self.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::deserialize(de::value::SeqAccessDeserializer::new(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.key && found.is_none() {
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        found.ok_or_else(|| de::Error::missing_field(self.key))
    }
}

#[cfg(test)]
mod tests {
    fn decode(json: &str) -> Result<Vec<u32>, serde_json::Error> {
        super::decode(json.as_bytes(), "results")
    }

    #[test]
    fn a_bare_array_or_the_member_of_an_envelope() {
        assert_eq!(decode("[1, 2]").unwrap(), [1, 2]);
        assert_eq!(
            decode(r#"{"total": 2, "results": [1, 2], "next": null}"#).unwrap(),
            [1, 2]
        );
        let missing = decode(r#"{"data": [1]}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `results`"), "{missing}");
        let wrong = decode(r#""text""#).unwrap_err().to_string();
        assert!(
            wrong.contains("an array, or an object with `results`"),
            "{wrong}"
        );
        assert!(decode(r#"{"results": [1, "x"]}"#).is_err());
    }
}
