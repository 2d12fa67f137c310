//! Recursive schemas: what Rust can store, and where a `Box` is needed.
//!
//! - A `type` alias may not mention itself (`type Tree = Vec<Tree>` does not compile): aliases on
//!   such a cycle become newtypes (`struct Tree(pub Vec<Tree>)`).
//! - A cycle made only of references, with nothing in between that allocates (`A: $ref B`,
//!   `B: $ref A`), describes no value at all: that is an error.
//! - A struct or enum that contains itself directly (not through a `Vec` or map) would have
//!   infinite size: exactly the fields on such a cycle are boxed, no others.

use super::{TypeDef, TypeId, TypeKind, TypeRef};
use crate::error::{Problem, SpecError};

pub(crate) fn resolve(defs: &mut [TypeDef]) -> Result<(), SpecError> {
    newtype_recursive_aliases(defs)?;
    box_direct_cycles(defs);
    Ok(())
}

fn newtype_recursive_aliases(defs: &mut [TypeDef]) -> Result<(), SpecError> {
    // Edges between aliases only: expanding alias A requires expanding alias B.
    let alias_edges: Vec<Vec<(TypeId, bool)>> = defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Alias(target) => {
                let mut out = Vec::new();
                alias_mentions(target, true, &mut out);
                out.retain(|(id, _)| matches!(defs[*id].kind, TypeKind::Alias(_)));
                out
            }
            _ => Vec::new(),
        })
        .collect();
    let plain: Vec<Vec<TypeId>> = alias_edges
        .iter()
        .map(|edges| edges.iter().map(|(id, _)| *id).collect())
        .collect();
    let component = strongly_connected(&plain);
    for id in 0..defs.len() {
        if !on_cycle(id, &component, &plain) {
            continue;
        }
        // Does the cycle pass through anything that allocates? If every edge inside the
        // component is direct, no finite value exists.
        let members: Vec<TypeId> = (0..defs.len()).filter(|&j| component[j] == component[id]).collect();
        let allocates = members.iter().any(|&j| {
            alias_edges[j]
                .iter()
                .any(|&(to, direct)| component[to] == component[id] && !direct)
        });
        if !allocates {
            let chain: Vec<&str> = members
                .iter()
                .chain(members.first())
                .map(|&j| defs[j].pointer.as_str())
                .collect();
            return Err(SpecError::new(
                defs[id].pointer.clone(),
                Problem::RefCycle(chain.join(" → ")),
            ));
        }
        if let TypeKind::Alias(target) = &defs[id].kind {
            defs[id].kind = TypeKind::NewType(target.clone());
        }
    }
    Ok(())
}

/// Named types mentioned by `ty`, each with whether it is stored directly.
fn alias_mentions(ty: &TypeRef, direct: bool, out: &mut Vec<(TypeId, bool)>) {
    match ty {
        TypeRef::Named(id) => out.push((*id, direct)),
        TypeRef::Nullable(inner) => alias_mentions(inner, direct, out),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => alias_mentions(inner, false, out),
        _ => {}
    }
}

fn box_direct_cycles(defs: &mut [TypeDef]) {
    let edges: Vec<Vec<TypeId>> = defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.ty.direct_named()).collect(),
            TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| v.ty.direct_named()).collect(),
            TypeKind::Alias(t) | TypeKind::NewType(t) => t.direct_named().into_iter().collect(),
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for id in 0..defs.len() {
        if !on_cycle(id, &component, &edges) {
            continue;
        }
        let same = |ty: &TypeRef| ty.direct_named().is_some_and(|t| component[t] == component[id]);
        match &mut defs[id].kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.boxed = same(&field.ty);
                }
            }
            TypeKind::OneOf(o) => {
                for variant in &mut o.variants {
                    variant.boxed = same(&variant.ty);
                }
            }
            _ => {}
        }
    }
}

fn on_cycle(id: TypeId, component: &[usize], edges: &[Vec<TypeId>]) -> bool {
    edges[id].contains(&id)
        || component.iter().filter(|&&c| c == component[id]).count() > 1
}

/// Kosaraju's algorithm, iterative (specs can nest deeper than a thread's stack): the component
/// number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&to) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    let mut reverse = vec![Vec::new(); n];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut count = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        let mut stack = vec![start];
        component[start] = count;
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if component[from] == usize::MAX {
                    component[from] = count;
                    stack.push(from);
                }
            }
        }
        count += 1;
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_cycles_only() {
        // 0 ⇄ 1, 2 → 0, 3 alone with a self loop.
        let edges = vec![vec![1], vec![0], vec![0], vec![3]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[2], c[0]);
        assert!(on_cycle(0, &c, &edges));
        assert!(!on_cycle(2, &c, &edges));
        assert!(on_cycle(3, &c, &edges));
    }
}
