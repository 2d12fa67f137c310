//! What the models' serde code shares: property names read without copying, one declared
//! property at a time, and the properties the spec does not list.
//!
//! The models implement `Serialize` and `Deserialize` with [`model!`] rather than with
//! `#[serde(flatten)]`: flatten buffers every property of the object before deciding where it
//! goes, which makes decoding much slower and compiling much larger. One macro invocation per
//! struct (its fields, wire names, which are required, and the map of unlisted properties)
//! keeps the generated source small.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap};

/// A property name as read: borrowed from the input when it can be, so matching it against
/// the declared names allocates nothing.
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    pub fn into_string(self) -> String {
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
/// serde's derive has it). In drift's recording pass, the value's place is named `name`.
#[allow(dead_code)] // used when a model has fields
pub fn field<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
    tracking: bool,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    if tracking {
        crate::drift::name_next(name);
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Keeps a property the spec does not list, in the model's map.
#[allow(dead_code)] // used when a model is open
pub fn keep<'de, V, A, M>(kept: &mut M, key: Key<'de>, map: &mut A) -> Result<(), A::Error>
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
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// After an object: one that has none of the model's properties and others is most likely
/// another shape than the one documented (see [`DriftKind::NoDeclaredProperty`]).
///
/// [`DriftKind::NoDeclaredProperty`]: crate::DriftKind::NoDeclaredProperty
#[allow(dead_code)] // used when a model may hold undeclared properties
pub fn check_shape(declared: &[&str], matched: usize, others: usize) {
    if !declared.is_empty() && matched == 0 && others > 0 {
        crate::drift::no_declared_property();
    }
}

#[allow(dead_code)] // used when a model is open
/// Writes the kept properties after the declared ones. A kept property with a declared name is
/// left out: the declared field is what the caller set.
pub fn serialize_kept<'a, M, V>(
    map: &mut M,
    kept: impl IntoIterator<Item = (&'a String, &'a V)>,
    declared: &[&str],
) -> Result<(), M::Error>
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

/// `Serialize` and `Deserialize` for a model struct:
///
/// ```text
/// model!(Name { field: ("wire", required), other: ("other", optional) }, open(map_field));
/// ```
///
/// `nullable` is a required property whose value may be `null`: always written (as `null` when
/// `None`), and `None` when missing. `optional_nullable` is an optional one that may be `null`.
/// Declared properties are matched by wire name (borrowed keys), each at most once; a missing
/// required one is an error, a missing optional one is `None`, and so is a `null`, which is
/// drift for an `optional` property (the spec does not say it may be `null`). Optional fields
/// that are `None` are left out when encoding.
///
/// What happens to the other properties:
/// - `open map_field`: kept in that map field and written back after the declared ones (never
///   over them), each noted as drift (the spec does not say they may come);
/// - `additional map_field`: kept the same way, without drift (the spec says they may:
///   `additionalProperties`, or an overlay's `x-codegen: {open: true}`);
/// - nothing: skipped, each noted as drift (`additionalProperties: false`).
///
/// With `open` or nothing, an object that has none of the declared properties but others is
/// noted too.
#[macro_export]
#[doc(hidden)]
macro_rules! __model {
    // The invocation reads as a struct expression (and rustfmt lays it out as one): each field
    // with its name on the wire and its kind, then what becomes of unlisted properties.
    ($name:ident { $($field:ident: ($wire:literal, $kind:ident)),* $(,)? }, open($map:ident) $(,)?) => {
        $crate::model::model!(@impl $name { $($field: $wire $kind,)* } [open $map]);
    };
    ($name:ident { $($field:ident: ($wire:literal, $kind:ident)),* $(,)? }, additional($map:ident) $(,)?) => {
        $crate::model::model!(@impl $name { $($field: $wire $kind,)* } [additional $map]);
    };
    ($name:ident { $($field:ident: ($wire:literal, $kind:ident)),* $(,)? } $(,)?) => {
        $crate::model::model!(@impl $name { $($field: $wire $kind,)* } [closed]);
    };
    (@impl $name:ident { $($field:ident: $wire:literal $kind:ident,)* } [$mode:ident $($map:ident)?]) => {
        $crate::model::model!(@serialize_impl $name { $($field: $wire $kind,)* } [$($map)?]);

        // The serde code reads and writes every field, those the spec deprecates too.
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<_D: ::serde::Deserializer<'de>>(__deserializer: _D) -> ::core::result::Result<Self, _D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        __f.write_str(::core::concat!("an object (", ::core::stringify!($name), ")"))
                    }

                    #[allow(unused_mut, unused_variables)]
                    fn visit_map<_A: ::serde::de::MapAccess<'de>>(self, mut __map: _A) -> ::core::result::Result<$name, _A::Error> {
                        $( let mut $field = ::core::option::Option::None; )*
                        $( let mut $map = ::core::default::Default::default(); )?
                        let __tracking = $crate::drift::tracking();
                        let (mut __matched, mut __others) = (0usize, 0usize);
                        while let ::core::option::Option::Some(__key) = __map.next_key::<$crate::model::Key<'de>>()? {
                            match __key.as_str() {
                                $( $wire => {
                                    __matched += 1;
                                    $crate::model::field(&mut $field, &mut __map, $wire, __tracking)?
                                } )*
                                _ => {
                                    __others += 1;
                                    $crate::model::model!(@other $mode, __map, __key $(, $map)?)
                                }
                            }
                        }
                        $crate::model::model!(@shape $mode, [$($wire),*], __matched, __others);
                        ::core::result::Result::Ok($name {
                            $( $field: $crate::model::model!(@finish $kind, $field, $wire, _A), )*
                            $( $map, )?
                        })
                    }
                }

                ::serde::Deserializer::deserialize_map(__deserializer, __Visitor)
            }
        }
    };
    (@serialize_impl $name:ident { $($field:ident: $wire:literal $kind:ident,)* } [$($kept:ident)?]) => {
        #[allow(deprecated)]
        impl ::serde::Serialize for $name {
            fn serialize<_S: ::serde::Serializer>(&self, __serializer: _S) -> ::core::result::Result<_S::Ok, _S::Error> {
                #[allow(unused_mut)]
                let mut __map = ::serde::Serializer::serialize_map(__serializer, ::core::option::Option::None)?;
                $( $crate::model::model!(@serialize $kind, __map, self.$field, $wire); )*
                $crate::model::model!(@kept __map, self, [$($kept)?], [$($wire),*]);
                ::serde::ser::SerializeMap::end(__map)
            }
        }
    };
    (@kept $map:ident, $self:ident, [$kept:ident], [$($wire:literal),*]) => {
        $crate::model::serialize_kept(&mut $map, &$self.$kept, &[$($wire),*])?
    };
    (@kept $map:ident, $self:ident, [], [$($wire:literal),*]) => {};
    (@serialize nullable, $map:ident, $value:expr, $wire:literal) => {
        ::serde::ser::SerializeMap::serialize_entry(&mut $map, $wire, &$value)?
    };
    (@serialize required, $map:ident, $value:expr, $wire:literal) => {
        ::serde::ser::SerializeMap::serialize_entry(&mut $map, $wire, &$value)?
    };
    (@serialize optional, $map:ident, $value:expr, $wire:literal) => {
        if let ::core::option::Option::Some(__value) = &$value {
            ::serde::ser::SerializeMap::serialize_entry(&mut $map, $wire, __value)?;
        }
    };
    (@serialize optional_nullable, $map:ident, $value:expr, $wire:literal) => {
        $crate::model::model!(@serialize optional, $map, $value, $wire)
    };
    (@other open, $access:ident, $key:ident, $kept:ident) => {{
        $crate::drift::undeclared($key.as_str());
        $crate::model::keep(&mut $kept, $key, &mut $access)?
    }};
    (@other additional, $access:ident, $key:ident, $kept:ident) => {
        $crate::model::keep(&mut $kept, $key, &mut $access)?
    };
    (@other closed, $access:ident, $key:ident) => {{
        $crate::drift::undeclared($key.as_str());
        $crate::model::skip(&mut $access)?
    }};
    (@shape additional, [$($wire:literal),*], $matched:ident, $others:ident) => {};
    (@shape $mode:ident, [$($wire:literal),*], $matched:ident, $others:ident) => {
        $crate::model::check_shape(&[$($wire),*], $matched, $others)
    };
    // Required fields must come; optional ones (and required nullable ones, as with serde's
    // derive) are `None` when missing or `null`: their slot is `Option<Option<T>>`.
    (@finish required, $slot:ident, $wire:literal, $access:ident) => {
        $slot.ok_or_else(|| <$access::Error as ::serde::de::Error>::missing_field($wire))?
    };
    // An optional property the spec does not mark nullable: `null` reads as absent, and is
    // drift (a value of another type than the spec's).
    (@finish optional, $slot:ident, $wire:literal, $access:ident) => {{
        if let ::core::option::Option::Some(::core::option::Option::None) = &$slot {
            $crate::drift::null_not_allowed($wire);
        }
        $slot.flatten()
    }};
    (@finish nullable, $slot:ident, $wire:literal, $access:ident) => {
        $slot.flatten()
    };
    (@finish optional_nullable, $slot:ident, $wire:literal, $access:ident) => {
        $slot.flatten()
    };
}

#[doc(hidden)]
pub use __model as model;

#[cfg(test)]
mod tests {
    use super::model;
    use serde_json::json;

    /// A model as the generator writes one: required, optional and nullable fields, and the
    /// map of properties the spec does not list.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Open {
        id: String,
        name: Option<String>,
        parent: Option<String>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }

    model!(
        Open {
            id: ("id", required),
            name: ("display-name", optional),
            parent: ("parent", nullable)
        },
        additional(additional_properties)
    );

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Reported {
        id: Option<String>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }

    model!(
        Reported {
            id: ("id", optional)
        },
        open(additional_properties)
    );

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Closed {
        id: Option<i64>,
    }

    model!(Closed {
        id: ("id", optional)
    });

    #[test]
    fn declared_properties_go_to_fields_and_the_others_to_the_map_and_back() {
        let json = json!({"id": "u1", "display-name": "Ann", "parent": null, "tenant_x": [1, 2]});
        let open: Open = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(open.id, "u1");
        assert_eq!(open.name.as_deref(), Some("Ann"));
        assert_eq!(open.parent, None);
        assert_eq!(open.additional_properties["tenant_x"], json!([1, 2]));
        // Written back: declared first, then the kept ones; a required nullable is always written.
        assert_eq!(serde_json::to_value(&open).unwrap(), json);
    }

    #[test]
    fn a_kept_property_never_overwrites_a_declared_one() {
        let mut open = Open {
            id: "u1".into(),
            ..Open::default()
        };
        open.additional_properties
            .insert("id".into(), json!("forged"));
        open.additional_properties.insert("extra".into(), json!(1));
        assert_eq!(
            serde_json::to_string(&open).unwrap(),
            r#"{"id":"u1","parent":null,"extra":1}"#
        );
    }

    #[test]
    fn missing_required_and_duplicate_properties_are_errors() {
        let missing = serde_json::from_str::<Open>(r#"{"display-name":"Ann"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        let twice = serde_json::from_str::<Open>(r#"{"id":"a","id":"b"}"#).unwrap_err();
        assert!(
            twice.to_string().contains("duplicate field `id`"),
            "{twice}"
        );
        let not_an_object = serde_json::from_str::<Open>("[1]").unwrap_err();
        assert!(
            not_an_object.to_string().contains("an object (Open)"),
            "{not_an_object}"
        );
    }

    #[test]
    fn a_closed_model_skips_what_it_does_not_declare_and_leaves_out_unset_fields() {
        let closed: Closed = serde_json::from_str(r#"{"id": 7, "other": {"deep": [1]}}"#).unwrap();
        assert_eq!(closed, Closed { id: Some(7) });
        assert_eq!(serde_json::to_string(&Closed::default()).unwrap(), "{}");
    }

    fn drift_of<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Vec<String> {
        let (result, drift) = crate::decode_with_drift::<T>(value.to_string().as_bytes());
        let _ = result;
        drift.iter().map(ToString::to_string).collect()
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Page {
        results: Option<Vec<Reported>>,
        by_id: Option<std::collections::BTreeMap<String, Reported>>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }

    model!(
        Page {
            results: ("results", optional),
            by_id: ("by_id", optional)
        },
        open(additional_properties)
    );

    #[test]
    fn what_the_spec_does_not_declare_is_drift_unless_it_says_it_may_come() {
        assert!(drift_of::<Reported>(json!({"id": "a"})).is_empty());
        assert_eq!(
            drift_of::<Reported>(json!({"id": "a", "extra": 1})),
            ["undeclared-property at /extra"]
        );
        // Extras the spec expects (`additional`) are not drift; a closed model's are.
        assert!(drift_of::<Open>(json!({"id": "a", "tenant_x": 1})).is_empty());
        assert_eq!(
            drift_of::<Closed>(json!({"id": 1, "x": 2})),
            ["undeclared-property at /x"]
        );
    }

    #[test]
    fn a_body_that_shares_no_property_with_its_schema_is_drift_of_its_own() {
        // The `create_user` case: `{"data": {…}}` where the schema says `{results}`.
        let drift = drift_of::<Page>(json!({"data": {"id": "u1"}}));
        assert_eq!(
            drift,
            [
                "undeclared-property at /data",
                "no-declared-property (the body)"
            ]
        );
        let (page, _) = crate::decode_with_drift::<Page>(br#"{"data":{"id":"u1"}}"#);
        assert!(
            page.unwrap().additional_properties.contains_key("data"),
            "nothing is lost"
        );
    }

    #[test]
    fn pointers_name_properties_and_star_elements_and_map_entries() {
        let drift = drift_of::<Page>(json!({
            "results": [{"id": "a"}, {"id": "b", "secret-name": 1}, {"id": "c", "secret-name": 2}],
            "by_id": {"user@example.com": {"id": "d", "nested": true}}
        }));
        // One place for the two elements; the map key (data) is never in a pointer.
        assert_eq!(
            drift,
            [
                "undeclared-property at /by_id/*/nested",
                "undeclared-property at /results/*/secret-name"
            ]
        );
    }

    #[test]
    fn missing_and_mistyped_values_are_drift_with_the_failure() {
        let (result, drift) =
            crate::decode_with_drift::<Page>(br#"{"results":[{"id":"a"},{"id":7}]}"#);
        assert!(result.is_err());
        assert_eq!(
            drift.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["type-mismatch at /results/*/id"]
        );
        let drift = drift_of::<Open>(json!({"display-name": "x"}));
        assert_eq!(drift, ["missing-required at /id"]);
    }
}
