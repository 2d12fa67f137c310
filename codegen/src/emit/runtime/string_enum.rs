//! The conversions every string enum of `types` has, written once rather than per enum.

/// Implements, for a string enum whose listed variants carry no data and whose `fallback`
/// variant holds a `String`: `as_str`, `is_known`, `From<&str>`, `From<String>`, `FromStr`,
/// `Display`, `Serialize` and `Deserialize`. Listed variants map to their wire values; any other
/// value goes to the fallback variant and comes back out unchanged.
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? } fallback $fallback:ident) => {
        impl $name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::$fallback(value) => value,
                }
            }

            /// Whether the value is one the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::$fallback(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::$fallback(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match $name::from(value.as_str()) {
                    $name::$fallback(_) => $name::$fallback(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Borrowed when the input allows: a listed value costs no allocation.
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(match value {
                    std::borrow::Cow::Borrowed(value) => $name::from(value),
                    std::borrow::Cow::Owned(value) => $name::from(value),
                })
            }
        }
    };
}

pub(crate) use string_enum;
