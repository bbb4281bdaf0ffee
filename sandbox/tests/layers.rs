//! The shape of `src/`: domain / wire / control, no import cycles between modules, and the
//! live API's text in one place. Reads the sources (every `use crate::…`, `use super::…` and
//! inline `crate::…` path outside comments and test modules), builds the graph of module
//! imports and checks it.
//!
//! `cargo test -p iamport-sandbox --test layers -- --nocapture` prints the graph.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`""` for the crate root, `domain::ledger`, ...) → source without comments and
/// without its `#[cfg(test)]` tail.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            // The binary is a client of the library, not one of its modules.
            if !rel.ends_with(".rs") || rel == "main.rs" {
                continue;
            }
            let module = match rel.as_str() {
                "lib.rs" => String::new(),
                _ => rel
                    .trim_end_matches(".rs")
                    .trim_end_matches("/mod")
                    .replace('/', "::"),
            };
            out.insert(module, strip(&fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// Drops `//` comments (docs included) and everything from the first `#[cfg(test)]` on (the
/// unit tests sit at the end of a file and import with `super::*`).
fn strip(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|line| {
            // `//` inside a string (a URL) is not a comment.
            let comment = line
                .match_indices("//")
                .map(|(i, _)| i)
                .find(|i| line[..*i].matches('"').count() % 2 == 0);
            comment.map_or(line, |i| &line[..i])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Expands `a::{b, c::{d, self}}` into `a::b`, `a::c::d`, `a::c`.
fn expand(tree: &str) -> Vec<String> {
    // Renames (`x as y`) go first, then the spaces.
    let mut tokens = tree.split_whitespace();
    let mut tree = String::new();
    while let Some(t) = tokens.next() {
        if t == "as" {
            let alias = tokens.next().unwrap_or("");
            tree.push_str(alias.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
        } else {
            tree.push_str(t);
        }
    }
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            if p == "self" {
                vec![prefix.trim_end_matches("::").to_owned()]
            } else {
                expand(&format!("{prefix}{p}"))
            }
        })
        .collect()
}

/// Every path the module refers to, absolute (`domain::ledger::Payment`).
fn references(module: &str, code: &str, children: &[&str]) -> Vec<String> {
    let parent = match module.rfind("::") {
        Some(i) => &module[..i],
        None => "",
    };
    let mut paths = Vec::new();
    let mut rest = code;
    // `use` statements, which may span lines and nest braces.
    while let Some(i) = rest.find("use ") {
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        let tree = &after[..end];
        let at_word_start = i == 0
            || !(rest.as_bytes()[i - 1].is_ascii_alphanumeric() || rest.as_bytes()[i - 1] == b'_');
        if at_word_start {
            let within = |base: &str, p: &str| {
                if base.is_empty() {
                    p.to_owned()
                } else {
                    format!("{base}::{p}")
                }
            };
            for p in expand(tree) {
                if let Some(p) = p.strip_prefix("crate::") {
                    paths.push(p.to_owned());
                } else if let Some(p) = p.strip_prefix("super::") {
                    paths.push(within(parent, p));
                } else if let Some(p) = p.strip_prefix("self::") {
                    paths.push(within(module, p));
                } else if children.iter().any(|c| p.split("::").next() == Some(c)) {
                    // A child module named without `self::` (`use control::state::Shared`).
                    paths.push(within(module, &p));
                }
            }
        }
        rest = &after[end.min(after.len())..];
    }
    // Inline paths (`crate::domain::world::World` in a signature).
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + 7..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(after.len());
        paths.push(after[..end].trim_end_matches(':').to_owned());
        rest = &after[end..];
    }
    paths
}

/// The module a path lands in: its longest prefix that is a module.
fn module_of(path: &str, modules: &BTreeSet<String>) -> String {
    let segments: Vec<&str> = path.split("::").collect();
    (0..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|m| modules.contains(m))
        .unwrap_or_default()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, code)| {
            let children: Vec<&str> = modules
                .iter()
                .filter_map(|m| {
                    let rest = if module.is_empty() {
                        m.as_str()
                    } else {
                        m.strip_prefix(module.as_str())?.strip_prefix("::")?
                    };
                    (!rest.is_empty() && !rest.contains("::")).then_some(rest)
                })
                .collect();
            let targets: BTreeSet<String> = references(module, code, &children)
                .iter()
                .map(|p| module_of(p, &modules))
                .filter(|t| t != module)
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

fn name(m: &str) -> &str {
    if m.is_empty() { "(crate root)" } else { m }
}

fn layer(m: &str) -> &str {
    m.split("::").next().unwrap_or("")
}

#[test]
fn modules_import_each_other_without_cycles() {
    let graph = graph();
    for (m, targets) in &graph {
        let list: Vec<&str> = targets.iter().map(|t| name(t)).collect();
        println!("{} -> {}", name(m), list.join(", "));
    }
    // Depth-first search; a grey node reached again closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, bool>,
        path: &mut Vec<&'a str>,
    ) {
        match state.get(m) {
            Some(true) => return,
            Some(false) => {
                let start = path.iter().position(|p| *p == m).unwrap_or(0);
                let mut cycle: Vec<&str> = path[start..].iter().map(|p| name(p)).collect();
                cycle.push(name(m));
                panic!("import cycle: {}", cycle.join(" -> "));
            }
            None => {}
        }
        state.insert(m, false);
        path.push(m);
        for t in graph.get(m).into_iter().flatten() {
            visit(t, graph, state, path);
        }
        path.pop();
        state.insert(m, true);
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        visit(m, &graph, &mut state, &mut Vec::new());
    }
    assert!(graph.len() > 20, "the sources were read: {graph:?}");
}

#[test]
fn layers_depend_downwards_only() {
    // domain <- wire <- control <- crate root.
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("domain", &["domain"][..]),
        ("wire", &["wire", "domain"][..]),
        ("control", &["control", "wire", "domain"][..]),
    ]);
    for (m, targets) in graph() {
        if m.is_empty() {
            continue;
        }
        let ok = allowed
            .get(layer(&m))
            .unwrap_or_else(|| panic!("{m} is in no layer (domain, wire, control)"));
        for t in targets {
            assert!(
                ok.contains(&layer(&t)) && !t.is_empty(),
                "{m} imports {} (allowed: {ok:?})",
                name(&t)
            );
        }
    }
}

#[test]
fn the_domain_knows_nothing_of_http() {
    for (m, code) in sources() {
        if layer(&m) != "domain" {
            continue;
        }
        for forbidden in [
            "axum",
            "serde",
            "tokio",
            "reqwest",
            "tower",
            "http::",
            "Reply",
            "StatusCode",
        ] {
            assert!(!code.contains(forbidden), "{m} uses {forbidden}");
        }
    }
}

#[test]
fn the_live_text_lives_in_wire_messages() {
    // Korean text (Hangul) is the API's messages, which live in wire/messages.rs; the only
    // other Korean is the issuer names of the card table.
    for (m, code) in sources() {
        let hangul = code.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        if hangul {
            assert!(
                m == "wire::messages" || m == "domain::card",
                "{m} has Korean text outside comments"
            );
        }
    }
}

#[test]
fn the_reader_understands_use_trees() {
    assert_eq!(
        expand("crate::a::{b, c::{d, self}, e as f}"),
        [
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c",
            "crate::a::e"
        ]
    );
    let refs = references(
        "x::y",
        "use super::z::W;\nuse c::D;\nuse std::fmt;\nfn f(a: crate::p::q::R) {}",
        &["c"],
    );
    assert_eq!(refs, ["x::z::W", "x::y::c::D", "p::q::R"]);
    assert_eq!(
        strip("let u = \"https://x\"; // note\n#[cfg(test)] mod t;"),
        "let u = \"https://x\"; "
    );
}
