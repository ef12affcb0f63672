//! The library's modules point down only: no import cycle among the modules of one parent,
//! and the top-level modules in the order of [`LAYERS`]. Read from the sources (comments
//! stripped): a path `crate::a::b` or `super::x` in module `m` is an edge from `m`'s branch to
//! the target's branch under their closest common parent. References between a module and its
//! own ancestors or descendants (a parent re-exporting its children) are not edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, lowest first: each may use only those before it.
const LAYERS: [&str; 10] = [
    "sync", "model", "scenario", "step", "outcome", "harness", "report", "render", "check",
    "catalog",
];

type Module = Vec<String>;

/// Every module file of the library (not the binary's `main.rs` and `cli/`), by module path.
fn modules() -> BTreeMap<Module, String> {
    fn walk(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if prefix.is_empty() && name == "cli" {
                    continue;
                }
                let mut inner = prefix.clone();
                inner.push(name);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if prefix.is_empty() && name == "main" {
                    continue;
                }
                let mut module = prefix.clone();
                if !matches!(name.as_str(), "mod" | "lib") {
                    module.push(name);
                }
                let code: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .map(|line| line.split("//").next().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n");
                out.insert(module, code);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &Vec::new(),
        &mut out,
    );
    out
}

/// The module paths `code`, the source of `module`, refers to.
fn references(module: &Module, code: &str) -> Vec<Module> {
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|part| {
                part.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|part| !part.is_empty())
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        found.push(ident(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("super::") {
            continue;
        }
        let mut base = module.clone();
        base.pop();
        let mut rest = &code[at + "super::".len()..];
        while let Some(next) = rest.strip_prefix("super::") {
            base.pop();
            rest = next;
        }
        let targets: Vec<String> = match rest.strip_prefix('{') {
            Some(list) => list[..list.find('}').unwrap_or(list.len())]
                .split(',')
                .map(|item| item.trim().to_string())
                .collect(),
            None => vec![rest.to_string()],
        };
        for target in targets {
            let mut path = base.clone();
            path.extend(ident(&target));
            found.push(path);
        }
    }
    found
}

/// For every parent module, the edges between its children.
fn edges() -> BTreeMap<Module, BTreeSet<(String, String)>> {
    let modules = modules();
    let known: BTreeSet<&Module> = modules.keys().collect();
    let mut edges: BTreeMap<Module, BTreeSet<(String, String)>> = BTreeMap::new();
    for (module, code) in &modules {
        for mut target in references(module, code) {
            while !target.is_empty() && !known.contains(&target) {
                target.pop();
            }
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common < module.len() && common < target.len() {
                edges
                    .entry(module[..common].to_vec())
                    .or_default()
                    .insert((module[common].clone(), target[common].clone()));
            }
        }
    }
    edges
}

/// A cycle in `graph`, if there is one.
fn cycle(graph: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeSet<(String, String)>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            return Some(
                path[at..]
                    .iter()
                    .map(|n| n.to_string())
                    .chain([node.to_string()])
                    .collect(),
            );
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for (_, to) in graph.iter().filter(|(from, _)| from == node) {
            if let Some(found) = visit(to, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .iter()
        .find_map(|(from, _)| visit(from, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_a_sibling_that_imports_it_back() {
    let edges = edges();
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 20,
        "{edges:?}"
    );
    for (parent, graph) in &edges {
        if let Some(cycle) = cycle(graph) {
            panic!(
                "an import cycle under `crate::{}`: {}",
                parent.join("::"),
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_top_level_modules_point_down_only() {
    let edges = edges();
    let root = &edges[&Vec::new()];
    for (from, to) in root {
        let rank = |name: &str| {
            LAYERS
                .iter()
                .position(|layer| *layer == name)
                .unwrap_or_else(|| panic!("`{name}` is not in LAYERS"))
        };
        assert!(
            rank(to) < rank(from),
            "`{from}` uses `{to}`, a layer above it ({LAYERS:?})"
        );
    }
}
