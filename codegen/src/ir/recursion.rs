//! Recursive schemas: what Rust can store, and where a `Box` is needed.
//!
//! - A `type` alias may not mention itself (`type Tree = Vec<Tree>` does not compile): aliases on
//!   such a cycle become newtypes (`struct Tree(pub Vec<Tree>)`).
//! - A cycle made only of references, with nothing in between that allocates (`A: $ref B`,
//!   `B: $ref A`), describes no value at all: that is an error.
//! - A struct or enum that contains itself directly (not through a `Vec` or map) would have
//!   infinite size: one field per cycle is boxed (see [`box_direct_cycles`]), no others.

use super::{TypeDef, TypeId, TypeKind, TypeRef};
use crate::error::{Problem, SpecError};

pub(crate) fn resolve(defs: &mut [TypeDef]) -> Result<(), SpecError> {
    newtype_recursive_aliases(defs)?;
    box_direct_cycles(defs);
    Ok(())
}

/// Longest chain of aliases (`A = B`, `B = C`, …) accepted. Emitters follow such chains often;
/// bounding them keeps that linear. Real specs chain two or three.
pub(crate) const MAX_ALIAS_CHAIN: usize = 64;

/// Refuses alias chains longer than [`MAX_ALIAS_CHAIN`]. Runs after [`resolve`], so no chain is a
/// cycle; each chain length is computed once.
pub(crate) fn check_alias_chains(defs: &[TypeDef]) -> Result<(), SpecError> {
    let mut length: Vec<Option<usize>> = vec![None; defs.len()];
    for start in 0..defs.len() {
        // Walk to the first type whose length is known (or that is no alias), then fill back.
        let mut chain = Vec::new();
        let mut id = start;
        let known = loop {
            if let Some(known) = length[id] {
                break known;
            }
            match &defs[id].kind {
                TypeKind::Alias(TypeRef::Named(next))
                    if !chain.contains(next) && chain.len() <= MAX_ALIAS_CHAIN =>
                {
                    chain.push(id);
                    id = *next;
                }
                _ => {
                    length[id] = Some(0);
                    break 0;
                }
            }
        };
        for (steps, &member) in chain.iter().rev().enumerate() {
            let total = known + steps + 1;
            if total > MAX_ALIAS_CHAIN {
                return Err(SpecError::new(
                    defs[member].pointer.clone(),
                    Problem::Limit(format!(
                        "a chain of more than {MAX_ALIAS_CHAIN} schemas that only refer to the next one"
                    )),
                ));
            }
            length[member] = Some(total);
        }
    }
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
    let sizes = component_sizes(&component);
    let mut members_of: Vec<Vec<TypeId>> = vec![Vec::new(); sizes.len()];
    for (id, &c) in component.iter().enumerate() {
        members_of[c].push(id);
    }
    for id in 0..defs.len() {
        if !on_cycle(id, &component, &sizes, &plain) {
            continue;
        }
        // Does the cycle pass through anything that allocates? If every edge inside the
        // component is direct, no finite value exists.
        let members = &members_of[component[id]];
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

/// Boxes the fewest fields this simple rule allows: a depth-first walk (in spec order) over the
/// "stores directly" edges of each cycle, boxing the edges that close a cycle (back edges).
/// Removing every back edge leaves no cycle, so every type gets a finite size, and a cycle of
/// two structs gets one `Box`, not two. Aliases store nothing themselves: an edge into an alias
/// goes on to what the alias stands for.
fn box_direct_cycles(defs: &mut [TypeDef]) {
    let unalias = |mut id: TypeId| {
        for _ in 0..defs.len() {
            match &defs[id].kind {
                TypeKind::Alias(target) => match target.direct_named() {
                    Some(next) => id = next,
                    None => return None,
                },
                _ => return Some(id),
            }
        }
        None
    };
    // Per type: (slot, target) for every value it stores inline. A slot is the field or variant
    // index a `Box` can go on; a newtype's inner value has none.
    let edges: Vec<Vec<(Option<usize>, TypeId)>> = defs
        .iter()
        .map(|def| {
            let slots: Vec<(Option<usize>, Option<TypeId>)> = match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (Some(i), f.ty.direct_named()))
                    .collect(),
                TypeKind::OneOf(o) => o
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Some(i), v.ty.direct_named()))
                    .collect(),
                TypeKind::NewType(t) => vec![(None, t.direct_named())],
                TypeKind::Alias(_) | TypeKind::Enum(_) => Vec::new(),
            };
            slots
                .into_iter()
                .filter_map(|(slot, target)| Some((slot, unalias(target?)?)))
                .collect()
        })
        .collect();
    let plain: Vec<Vec<TypeId>> = edges
        .iter()
        .map(|e| e.iter().map(|&(_, to)| to).collect())
        .collect();
    let component = strongly_connected(&plain);
    let sizes = component_sizes(&component);

    #[derive(Clone, Copy, PartialEq)]
    enum Visit {
        New,
        Open,
        Done,
    }
    let mut visit = vec![Visit::New; defs.len()];
    let mut to_box: Vec<(TypeId, usize)> = Vec::new();
    // Components where a cycle closes on an edge that cannot hold a `Box`: box all they can.
    let mut stuck = vec![false; sizes.len()];
    for start in 0..defs.len() {
        if visit[start] != Visit::New || !on_cycle(start, &component, &sizes, &plain) {
            continue;
        }
        visit[start] = Visit::Open;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            let Some(&(slot, to)) = edges[node].get(next) else {
                visit[node] = Visit::Done;
                continue;
            };
            stack.push((node, next + 1));
            if component[to] != component[node] {
                continue;
            }
            match (visit[to], slot) {
                (Visit::New, _) => {
                    visit[to] = Visit::Open;
                    stack.push((to, 0));
                }
                (Visit::Open, Some(slot)) => to_box.push((node, slot)),
                (Visit::Open, None) => stuck[component[node]] = true,
                (Visit::Done, _) => {}
            }
        }
    }
    for id in 0..defs.len() {
        if stuck[component[id]] {
            for &(slot, to) in &edges[id] {
                if let Some(slot) = slot.filter(|_| component[to] == component[id]) {
                    to_box.push((id, slot));
                }
            }
        }
    }
    for (id, slot) in to_box {
        match &mut defs[id].kind {
            TypeKind::Struct(s) => s.fields[slot].boxed = true,
            TypeKind::OneOf(o) => o.variants[slot].boxed = true,
            _ => {}
        }
    }
}

/// Whether `id` is on a cycle: a self-loop, or a component with other members. `sizes` holds
/// each component's member count (see [`component_sizes`]).
fn on_cycle(id: TypeId, component: &[usize], sizes: &[usize], edges: &[Vec<TypeId>]) -> bool {
    edges[id].contains(&id) || sizes[component[id]] > 1
}

fn component_sizes(component: &[usize]) -> Vec<usize> {
    let mut sizes = vec![0; component.iter().max().map_or(0, |m| m + 1)];
    for &c in component {
        sizes[c] += 1;
    }
    sizes
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
        let sizes = component_sizes(&c);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[2], c[0]);
        assert!(on_cycle(0, &c, &sizes, &edges));
        assert!(!on_cycle(2, &c, &sizes, &edges));
        assert!(on_cycle(3, &c, &sizes, &edges));
    }
}
