//! Every async uniffi export must run on tokio: without `async_runtime = "tokio"` the future is
//! polled by the foreign language's executor, with no tokio reactor, and reqwest panics on its
//! first request. This test reads the sources of both uniffi crates (this one and core) and fails
//! on any `#[uniffi::export]` item with an `async fn` that lacks the attribute.

use std::fs;
use std::path::{Path, PathBuf};

const REQUIRED: &str = "async_runtime=\"tokio\"";

/// Source text with comments removed and brackets inside string/char literals blanked, so that
/// they do not count (string contents stay: the attribute's `"tokio"` is one).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) {
            // Raw string r"..." / r#"..."#: up to the matching closing quote.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) == Some(&'"') {
                out.push('"');
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    out.push(literal_char(chars[j]));
                    j += 1;
                }
                out.push('"');
                i = j;
            } else {
                out.push(c);
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    out.push(literal_char(c));
                }
                i += 1;
            }
            i += 1;
            out.push('"');
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{..}'
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn literal_char(c: char) -> char {
    if matches!(c, '{' | '}' | '[' | ']') {
        ' '
    } else {
        c
    }
}

/// Index just past the bracket that closes the one at `open`.
fn matching(code: &[char], open: usize, (l, r): (char, char)) -> usize {
    let mut depth = 0;
    for (i, &c) in code.iter().enumerate().skip(open) {
        if c == l {
            depth += 1;
        } else if c == r {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
    }
    code.len()
}

fn has_async_fn(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    // `async fn`, `async unsafe fn`, `async extern "C" fn` (literal removed)...
    words.windows(2).any(|w| w[0] == "async" && w[1] == "fn")
        || words
            .windows(3)
            .any(|w| w[0] == "async" && w[2] == "fn" && matches!(w[1], "unsafe" | "extern"))
}

/// One problem per exported item that has an async fn but no `async_runtime = "tokio"`;
/// `exported_async` counts the exported items with async fns.
fn check_source(name: &str, source: &str, exported_async: &mut usize) -> Vec<String> {
    let code: Vec<char> = code_only(source).chars().collect();
    let text: String = code.iter().collect();
    let mut problems = Vec::new();
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    if text.contains("use uniffi::") && compact(&text).contains("export") {
        for line in text.lines().filter(|l| l.contains("use uniffi::")) {
            if line.contains("export") {
                problems.push(format!(
                    "{name}: import `uniffi::export` under its full path only, so this check sees it: {}",
                    line.trim()
                ));
            }
        }
    }
    let mut i = 0;
    while i + 1 < code.len() {
        if code[i] != '#' || code[i + 1] != '[' {
            i += 1;
            continue;
        }
        let end = matching(&code, i + 1, ('[', ']'));
        let attr: String = code[i + 2..end.saturating_sub(1)].iter().collect();
        let is_export = compact(&attr).starts_with("uniffi::export");
        i = end;
        if !is_export {
            continue;
        }
        // The item: skip further attributes, then up to its body `{` or its `;`.
        let mut j = end;
        loop {
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            if j + 1 < code.len() && code[j] == '#' && code[j + 1] == '[' {
                j = matching(&code, j + 1, ('[', ']'));
            } else {
                break;
            }
        }
        let start = j;
        while j < code.len() && code[j] != '{' && code[j] != ';' {
            j += 1;
        }
        let header: String = code[start..j].iter().collect();
        let item = if j < code.len() && code[j] == '{' {
            let body_end = matching(&code, j, ('{', '}'));
            let words: Vec<&str> = header.split_whitespace().collect();
            if words.contains(&"impl") || words.contains(&"trait") {
                code[start..body_end].iter().collect::<String>()
            } else {
                header.clone()
            }
        } else {
            header.clone()
        };
        if has_async_fn(&item) {
            *exported_async += 1;
            if !compact(&attr).contains(REQUIRED) {
                let line = code[..start].iter().filter(|&&c| c == '\n').count() + 1;
                let first = header.split_whitespace().collect::<Vec<_>>().join(" ");
                problems.push(format!(
                    "{name}:{line}: `{first}` has async fns but its #[{}] lacks async_runtime = \"tokio\"",
                    attr.trim()
                ));
            }
        }
    }
    problems
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_async_export_runs_on_tokio() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [here.join("src"), here.join("../core/src")] {
        rust_files(&dir, &mut files);
    }
    assert!(files.len() > 5, "found only {files:?}");
    let mut exported_async = 0;
    let mut problems = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap_or_default();
        problems.extend(check_source(
            &file.display().to_string(),
            &source,
            &mut exported_async,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The Client's and the Sandbox's impl blocks: guards against a scan that sees nothing.
    assert!(exported_async >= 2, "found {exported_async} async exports");
}

#[test]
fn the_check_catches_a_missing_runtime() {
    let mut n = 0;
    let bad_impl = r#"
        // #[uniffi::export(async_runtime = "tokio")] in a comment does not count
        #[uniffi::export]
        impl Client {
            pub fn sync(&self) -> String { "{".into() }
            pub async fn pay(&self) {}
        }
    "#;
    assert_eq!(check_source("bad_impl", bad_impl, &mut n).len(), 1);
    let bad_fn =
        "#[uniffi::export(default(x = None))]\n#[allow(unused)]\npub async fn f(x: Option<u8>) {}";
    assert_eq!(check_source("bad_fn", bad_fn, &mut n).len(), 1);
    let bad_ctor = "#[uniffi :: export]\nimpl S {\n #[uniffi::constructor]\n pub async fn start() -> Arc<Self> { todo!() }\n}";
    assert_eq!(check_source("bad_ctor", bad_ctor, &mut n).len(), 1);
    let aliased = "use uniffi::export;\n#[export]\nimpl S { async fn f(&self) {} }";
    assert_eq!(check_source("aliased", aliased, &mut n).len(), 1);

    let good = r#"
        #[uniffi::export(async_runtime = "tokio")]
        impl Client { pub async fn pay(&self) { let _ = '}'; } }
        #[uniffi::export]
        impl Other { pub fn sync(&self) {} }
        #[uniffi::export(Display)]
        pub enum E { A }
        #[uniffi::export( async_runtime="tokio" )]
        pub async fn f() {}
    "#;
    let mut n = 0;
    assert!(check_source("good", good, &mut n).is_empty());
    assert_eq!(n, 2);
}
