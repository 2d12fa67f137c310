//! Bodies kept as bytes: responses without a schema or with a media type that is not JSON.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;

/// A response body kept exactly as received. `T` is the type the spec documents for it (if
/// any): [`parse`](RawBody::parse) decodes the body as JSON into it.
pub struct RawBody<T = serde_json::Value> {
    bytes: Bytes,
    content_type: Option<String>,
    documented: PhantomData<fn() -> T>,
}

impl<T> RawBody<T> {
    pub fn new(bytes: Bytes, content_type: Option<String>) -> Self {
        RawBody {
            bytes,
            content_type,
            documented: PhantomData,
        }
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The body as text, if it is UTF-8.
    pub fn text(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.bytes)
    }

    /// The `Content-Type` the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<T: DeserializeOwned> RawBody<T> {
    /// Decodes the body as JSON into the documented type.
    pub fn parse(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.bytes)
    }
}

// Written out rather than derived: a derive would require `T: Clone`/`T: PartialEq` for a
// `T` that is only documentation.
impl<T> Clone for RawBody<T> {
    fn clone(&self) -> Self {
        RawBody::new(self.bytes.clone(), self.content_type.clone())
    }
}

impl<T> PartialEq for RawBody<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && self.content_type == other.content_type
    }
}

impl<T> Eq for RawBody<T> {}

impl<T> fmt::Debug for RawBody<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawBody")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes)
            .finish()
    }
}
