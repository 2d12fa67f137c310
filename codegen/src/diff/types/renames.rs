//! Removals and additions that are probably one type renamed.
//!
//! A spec that renames a schema (`grant` → `user-grant`), or an operation whose inline types are
//! named after it, shows in the IR as one type removed and one added. Read as two changes, the
//! report would tell users to drop code and write new code, when the edit they make is the name.
//! A removed and an added type are paired when they are the same kind of type at the same place:
//! the same spec pointer, or what the same field of a type, or the same operation, holds in both
//! versions (which reads the same with the one name in place of the other). Only pairs that are unambiguous both ways
//! count, and the report still says "probably": a name is all that moved, as far as it can tell.
//!
//! Linear in the size of the two APIs: places are looked up by pointer and by field, never by
//! trying every removed type against every added one.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{field_type, type_kind};
use crate::diff::operations;
use crate::ir::{Api, TypeDef, TypeKind};
use crate::names;

/// A removed type and the added one that probably replaces it.
pub(crate) struct Rename<'a> {
    pub from: &'a TypeDef,
    pub to: &'a TypeDef,
    /// Where both stand, for the report: "at `#/paths/…`", "as the type of `types::X::y`".
    pub place: String,
}

pub(super) fn find<'a>(
    old: &'a Api,
    new: &'a Api,
    removed: &[&'a TypeDef],
    added: &[&'a TypeDef],
) -> Vec<Rename<'a>> {
    let removed_by_name: HashMap<&str, &'a TypeDef> = removed
        .iter()
        .copied()
        .map(|t| (t.name.as_str(), t))
        .collect();
    let added_by_name: HashMap<&str, &'a TypeDef> = added
        .iter()
        .copied()
        .map(|t| (t.name.as_str(), t))
        .collect();
    // (old name, new name) → the first place they were seen together.
    let mut pairs: BTreeMap<(&'a str, &'a str), String> = BTreeMap::new();

    let added_by_pointer: HashMap<&str, &'a TypeDef> = added
        .iter()
        .copied()
        .map(|t| (t.pointer.as_str(), t))
        .collect();
    for &o in removed {
        if let Some(n) = added_by_pointer.get(o.pointer.as_str()) {
            pairs
                .entry((o.name.as_str(), n.name.as_str()))
                .or_insert_with(|| format!("at `{}`", o.pointer));
        }
    }

    // The same place in both versions, and the type it holds in each: the fields of each
    // struct in both, and what each operation in both returns.
    let mut places: Vec<Place> = Vec::new();
    let new_by_name: HashMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for s in &old.types {
        if let Some(n) = new_by_name.get(s.name.as_str()) {
            fields(old, s, new, n, &mut places);
        }
    }
    let new_operations: HashMap<_, _> = new
        .operations
        .iter()
        .map(|op| ((op.method, op.path.as_str()), op))
        .collect();
    for o in &old.operations {
        if let Some(n) = new_operations.get(&(o.method, o.path.as_str())) {
            places.push(Place {
                label: format!("as what `{}` returns", operations::call(new, n)),
                before: operations::success_type(old, o),
                after: operations::success_type(new, n),
            });
        }
    }

    // A struct renamed moves the types inline in it too (`GrantExpiryState` with `Grant`): its
    // fields are places as well, until no new rename turns up.
    let mut compared: HashSet<&str> = HashSet::new();
    loop {
        for place in places.drain(..) {
            if place.before == place.after {
                continue;
            }
            let gone = names_in(&place.before, &removed_by_name);
            let came = names_in(&place.after, &added_by_name);
            if let ([from], [to]) = (gone.as_slice(), came.as_slice())
                && replace_name(&place.before, from, to) == place.after
            {
                pairs.entry((from, to)).or_insert(place.label);
            }
        }
        let renames = unambiguous(&pairs, &removed_by_name, &added_by_name);
        for rename in &renames {
            if compared.insert(&rename.from.name) {
                fields(old, rename.from, new, rename.to, &mut places);
            }
        }
        if places.is_empty() {
            return renames;
        }
    }
}

/// A place in both versions: how the report names it, and the type it holds in each.
struct Place {
    label: String,
    before: String,
    after: String,
}

/// The fields of `o` and `n` (one struct in two versions) as places.
fn fields(old: &Api, o: &TypeDef, new: &Api, n: &TypeDef, out: &mut Vec<Place>) {
    let (TypeKind::Struct(a), TypeKind::Struct(b)) = (&o.kind, &n.kind) else {
        return;
    };
    for f in &a.fields {
        if let Some(g) = b.fields.iter().find(|g| g.wire_name == f.wire_name) {
            out.push(Place {
                label: format!(
                    "as the type of `types::{}::{}`",
                    n.name,
                    names::unraw(&g.rust_name)
                ),
                before: field_type(old, f),
                after: field_type(new, g),
            });
        }
    }
}

/// The pairs that are unambiguous both ways, of the same kind of type.
fn unambiguous<'a>(
    pairs: &BTreeMap<(&'a str, &'a str), String>,
    removed_by_name: &HashMap<&str, &'a TypeDef>,
    added_by_name: &HashMap<&str, &'a TypeDef>,
) -> Vec<Rename<'a>> {
    let mut from_count: HashMap<&str, usize> = HashMap::new();
    let mut to_count: HashMap<&str, usize> = HashMap::new();
    for (from, to) in pairs.keys() {
        *from_count.entry(from).or_default() += 1;
        *to_count.entry(to).or_default() += 1;
    }
    pairs
        .iter()
        .filter(|((from, to), _)| from_count[from] == 1 && to_count[to] == 1)
        .map(|((from, to), place)| Rename {
            from: removed_by_name[from],
            to: added_by_name[to],
            place: place.clone(),
        })
        .filter(|rename| type_kind(rename.from) == type_kind(rename.to))
        .filter(|rename| rename.place.starts_with("at `") || alike(rename.from, rename.to))
        .collect()
}

/// Whether two types found at the same place are the same type, as far as their wire shape
/// tells: at least half of the smaller one's properties (or values, or variants) are the
/// other's too. A place alone would call an unrelated replacement (`LegacyOwner` → `Account`)
/// a rename; a pointer is the same place in the spec, and needs no more.
fn alike(a: &TypeDef, b: &TypeDef) -> bool {
    let shared = |x: Vec<&str>, y: Vec<&str>| {
        if x.is_empty() || y.is_empty() {
            return x.is_empty() && y.is_empty();
        }
        let y: HashSet<&str> = y.into_iter().collect();
        let common = x.iter().filter(|name| y.contains(*name)).count();
        common * 2 >= x.len().min(y.len())
    };
    match (&a.kind, &b.kind) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => shared(
            x.fields.iter().map(|f| f.wire_name.as_str()).collect(),
            y.fields.iter().map(|f| f.wire_name.as_str()).collect(),
        ),
        (TypeKind::Enum(x), TypeKind::Enum(y)) => shared(
            x.variants.iter().map(|v| v.wire.as_str()).collect(),
            y.variants.iter().map(|v| v.wire.as_str()).collect(),
        ),
        (TypeKind::OneOf(x), TypeKind::OneOf(y)) => shared(
            x.variants.iter().map(|v| v.rust_name.as_str()).collect(),
            y.variants.iter().map(|v| v.rust_name.as_str()).collect(),
        ),
        _ => true,
    }
}

/// The names of `types` that `text` (a Rust type as displayed) mentions, each once, in order.
fn names_in<'a>(text: &str, types: &HashMap<&'a str, &'a TypeDef>) -> Vec<&'a str> {
    let mut found: Vec<&'a str> = Vec::new();
    for word in model_names(text) {
        if let Some((&name, _)) = types.get_key_value(word)
            && !found.contains(&name)
        {
            found.push(name);
        }
    }
    found
}

/// The model types a displayed Rust type names: the identifiers right after `types::` (a model
/// called `Value` is `types::Value`, never `serde_json::Value`).
fn model_names(text: &str) -> impl Iterator<Item = &str> {
    text.split("types::").skip(1).filter_map(|rest| {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// `text` with every whole-word `from` replaced by `to`.
fn replace_name(text: &str, from: &str, to: &str) -> String {
    replace_words(text, |word| (word == from).then_some(to))
}

/// `text` with each model name (a whole word after `types::`) replaced where `with` has a
/// replacement.
fn replace_words<'w>(text: &str, with: impl Fn(&str) -> Option<&'w str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        // Only model names (`types::X`): `serde_json::Value` stays whatever a model is called.
        let replacement = if out.ends_with("types::") {
            with(&word)
        } else {
            None
        };
        out.push_str(replacement.unwrap_or(&word));
        word.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// The renames found, to read an old type's text in the new names: a field or a result whose
/// type only moved with a rename is not a change of its own (the rename says it once).
#[derive(Default)]
pub(crate) struct Renamed(HashMap<String, String>);

impl Renamed {
    pub(crate) fn of(renames: &[Rename<'_>]) -> Renamed {
        Renamed(
            renames
                .iter()
                .map(|r| (r.from.name.clone(), r.to.name.clone()))
                .collect(),
        )
    }

    /// `text` (a Rust type as displayed in the old version) in the new names.
    pub(crate) fn in_new_names(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_owned();
        }
        replace_words(text, |word| self.0.get(word).map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_as_whole_words_only() {
        assert_eq!(
            replace_name("Option<Vec<types::Grant>>", "Grant", "UserGrant"),
            "Option<Vec<types::UserGrant>>"
        );
        assert_eq!(
            replace_name("BTreeMap<String, types::GrantList>", "Grant", "UserGrant"),
            "BTreeMap<String, types::GrantList>"
        );
        // A model called `Value` renamed leaves serde_json's alone.
        assert_eq!(
            replace_name("(types::Value, serde_json::Value)", "Value", "Item"),
            "(types::Item, serde_json::Value)"
        );
        assert_eq!(
            model_names("Vec<types::A>, serde_json::Value, types::B_c").collect::<Vec<_>>(),
            ["A", "B_c"]
        );
    }
}
