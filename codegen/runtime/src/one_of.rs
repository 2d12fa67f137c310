//! `Deserialize` for the `oneOf`/`anyOf` enums of `types`, written once rather than derived.
//!
//! serde's derive for untagged enums takes the first variant that decodes; with open models,
//! which decode any object, that is often the wrong one (its properties all end up in
//! `additional_properties`). Here each variant is tried in order from the parsed value, and the
//! first that decodes *without drift* wins; only when none does is the first one that decodes
//! taken, with its drift. What the variants that were tried and refused noted is forgotten.
//! (`Serialize` is still serde's derive: writing a variant needs no choice.)

/// Decodes `value` into `T`, through the decoder of the current pass (see [`drift`]).
///
/// [`drift`]: crate::drift
pub fn variant<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    if crate::drift::tracking() {
        T::deserialize(crate::tracked::Tracked::new(value)).map_err(|e| e.to_string())
    } else {
        T::deserialize(value).map_err(|e| e.to_string())
    }
}

/// `Deserialize` for a `oneOf` enum:
///
/// ```text
/// one_of!(Pet { Cat(Cat), Dog(Dog) });                          // untagged: the best fit
/// one_of!(Grant tag "grant_type" { "code" => Code(GrantCode) }); // by the tag's value
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! __one_of {
    ($name:ident { $($variant:ident($ty:ty)),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                // The first variant that decoded, with what it noted, in case none decodes clean.
                let mut fallback: ::core::option::Option<($name, (u32, ::std::vec::Vec<$crate::drift::Drift>))> = ::core::option::Option::None;
                $(
                    let mark = $crate::drift::mark();
                    match $crate::one_of::variant::<$ty>(&value) {
                        ::core::result::Result::Ok(decoded) if $crate::drift::clean_since(mark) => {
                            if let ::core::option::Option::Some((_, noted)) = fallback.take() {
                                ::core::mem::drop(noted);
                            }
                            return ::core::result::Result::Ok($name::$variant(decoded));
                        }
                        ::core::result::Result::Ok(decoded) => {
                            let noted = $crate::drift::take_since(mark);
                            if fallback.is_none() {
                                fallback = ::core::option::Option::Some(($name::$variant(decoded), noted));
                            }
                        }
                        ::core::result::Result::Err(_) => {
                            let _ = $crate::drift::take_since(mark);
                        }
                    }
                )*
                match fallback {
                    ::core::option::Option::Some((decoded, noted)) => {
                        $crate::drift::restore(noted);
                        ::core::result::Result::Ok(decoded)
                    }
                    ::core::option::Option::None => ::core::result::Result::Err(<D::Error as ::serde::de::Error>::custom(::core::concat!(
                        "data did not match any variant of ",
                        ::core::stringify!($name)
                    ))),
                }
            }
        }
    };
    ($name:ident tag $tag:literal { $($value:literal => $variant:ident($ty:ty)),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let mut value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = match value.as_object_mut().and_then(|object| object.remove($tag)) {
                    ::core::option::Option::Some(::serde_json::Value::String(tag)) => tag,
                    _ => return ::core::result::Result::Err(<D::Error as ::serde::de::Error>::missing_field($tag)),
                };
                match tag.as_str() {
                    $( $value => $crate::one_of::variant::<$ty>(&value)
                        .map($name::$variant)
                        .map_err(<D::Error as ::serde::de::Error>::custom), )*
                    _ => ::core::result::Result::Err(<D::Error as ::serde::de::Error>::unknown_variant(&tag, &[$($value),*])),
                }
            }
        }
    };
}

#[doc(hidden)]
pub use __one_of as one_of;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::drift::{DriftKind, decode_with_drift};

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Cat {
        meows: Option<bool>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }
    crate::model::model!(
        Cat {
            meows: ("meows", optional)
        },
        open(additional_properties)
    );

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Dog {
        barks: Option<i64>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }
    crate::model::model!(
        Dog {
            barks: ("barks", optional)
        },
        open(additional_properties)
    );

    #[derive(Debug, Clone, PartialEq)]
    enum Pet {
        Cat(Cat),
        Dog(Dog),
        Name(String),
    }
    crate::one_of::one_of!(Pet { Cat(Cat), Dog(Dog), Name(String) });

    #[derive(Debug, Clone, PartialEq)]
    enum Grant {
        Code(Cat),
        Refresh(Dog),
    }
    crate::one_of::one_of!(Grant tag "kind" { "code" => Code(Cat), "refresh" => Refresh(Dog) });

    fn decode<T: serde::de::DeserializeOwned>(
        value: serde_json::Value,
    ) -> (Result<T, serde_json::Error>, Vec<String>) {
        let (result, drift) = decode_with_drift::<T>(value.to_string().as_bytes());
        (result, drift.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_first_variant_that_fits_without_drift_wins_over_the_first_that_decodes() {
        // Both open models decode a dog; serde's untagged derive would call it a cat.
        let (pet, drift) = decode::<Pet>(json!({"barks": 3}));
        assert!(matches!(pet.unwrap(), Pet::Dog(Dog { barks: Some(3), .. })));
        assert!(
            drift.is_empty(),
            "the refused variant's drift is forgotten: {drift:?}"
        );
        let (pet, _) = decode::<Pet>(json!("Rex"));
        assert_eq!(pet.unwrap(), Pet::Name("Rex".into()));
    }

    #[test]
    fn with_no_clean_fit_the_first_that_decodes_is_taken_with_its_drift() {
        let (pet, drift) = decode::<Pet>(json!({"purrs": true}));
        assert!(
            matches!(pet.unwrap(), Pet::Cat(cat) if cat.additional_properties.contains_key("purrs"))
        );
        assert_eq!(
            drift,
            [
                "undeclared-property at /purrs",
                "no-declared-property (the body)"
            ]
        );
        let (pet, drift) = decode::<Pet>(json!(12));
        assert!(pet.is_err());
        assert_eq!(drift, ["type-mismatch (the body)"]);
    }

    #[test]
    fn a_tag_chooses_the_variant_and_is_not_an_undeclared_property() {
        let (grant, drift) = decode::<Grant>(json!({"kind": "refresh", "barks": 1}));
        assert!(matches!(
            grant.unwrap(),
            Grant::Refresh(Dog { barks: Some(1), .. })
        ));
        assert!(drift.is_empty(), "{drift:?}");
        let (grant, drift) = decode::<Grant>(json!({"kind": "other"}));
        assert!(
            grant
                .unwrap_err()
                .to_string()
                .contains("unknown variant `other`")
        );
        assert_eq!(drift, ["type-mismatch (the body)"]);
        assert_eq!(
            DriftKind::parse("type-mismatch"),
            Some(DriftKind::TypeMismatch)
        );
    }
}
