//! The conversions every string enum of `types` has, written once rather than per enum. A value
//! the spec does not list is kept (in the fallback variant) and noted as drift.

/// Implements, for a string enum whose listed variants carry no data and whose `fallback`
/// variant holds a `String`: `as_str`, `is_known`, `From<&str>`, `From<String>`, `FromStr`,
/// `Display`, `Serialize` and `Deserialize`. Listed variants map to their wire values; any other
/// value goes to the fallback variant and comes back out unchanged.
#[macro_export]
#[doc(hidden)]
macro_rules! __string_enum {
    ($name:ident { $($variant:ident: $wire:literal),* $(,)? }, fallback($fallback:ident)) => {
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

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::$fallback(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match <$name as ::core::convert::From<&str>>::from(value.as_str()) {
                    $name::$fallback(_) => $name::$fallback(value),
                    known => known,
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            // Not `Self::Err`: a variant may be called `Err`.
            fn from_str(value: &str) -> ::core::result::Result<Self, ::core::convert::Infallible> {
                ::core::result::Result::Ok(<$name as ::core::convert::From<&str>>::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value: $name = $crate::string_enum::deserialize(deserializer)?;
                if !value.is_known() {
                    $crate::drift::unknown_enum_value();
                }
                ::core::result::Result::Ok(value)
            }
        }
    };
}

#[doc(hidden)]
pub use __string_enum as string_enum;

/// Deserialises a string enum from a string, borrowing the text when the input allows: a value
/// the spec lists costs no allocation (`Cow<str>`'s own impl would always allocate).
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(std::marker::PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Text<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Text(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Colour {
        Red,
        DarkBlue,
        Unknown(String),
    }

    crate::string_enum::string_enum!(
        Colour {
            Red: "red",
            DarkBlue: "dark-blue"
        },
        fallback(Unknown)
    );

    #[test]
    fn listed_values_map_to_variants_and_others_are_kept() {
        assert_eq!(
            serde_json::from_str::<Colour>(r#""dark-blue""#).unwrap(),
            Colour::DarkBlue
        );
        let other: Colour = serde_json::from_str(r#""mauve""#).unwrap();
        assert_eq!(other, Colour::Unknown("mauve".into()));
        assert!(!other.is_known() && Colour::Red.is_known());
        assert_eq!(serde_json::to_string(&other).unwrap(), r#""mauve""#);
        assert_eq!("red".parse::<Colour>().unwrap().to_string(), "red");
        assert_eq!(Colour::from(String::from("dark-blue")), Colour::DarkBlue);
        assert!(serde_json::from_str::<Colour>("3").is_err());
    }

    #[test]
    fn a_value_the_spec_does_not_list_is_drift() {
        let (colour, drift) = crate::decode_with_drift::<Vec<Colour>>(br#"["red","mauve"]"#);
        assert_eq!(colour.unwrap()[1], Colour::Unknown("mauve".into()));
        assert_eq!(
            drift.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["unknown-enum-value at /*"]
        );
    }
}
