#!/usr/bin/env python3
"""Small rooms: checks the Rust crates named on the command line (their `src` folders) for

1. import cycles between modules: module A uses a path into module B, and B (or a module B uses,
   and so on) uses a path back into A. A module and its own submodules are one room: a parent
   declaring or re-exporting its children, and children using their parent, are not counted.
   A path through a re-export (`pub use child::Item`) counts as a use of the module defining it.
2. size: no file longer than MAX_FILE_LINES before its `#[cfg(test)]` module, and no function
   longer than MAX_FN_LINES, except Leptos components (functions that hold a `view!`).

Exits 1 naming every cycle and oversized file or function it found. See docs/toolchain.md,
"Module cycles and sizes", for why this is a script and not `cargo modules`.

    scripts/lib/rooms.py server/src app/src
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MAX_FILE_LINES = 400
MAX_FN_LINES = 80


def strip_code(text: str) -> str:
    """The text with comments, string and char literals blanked (newlines kept), so that only
    code is searched for paths and braces."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(_blank(text[i:j]))
            i = j
        elif (m := re.match(r'b?r(#*)"', text[i:])) and (i == 0 or not _ident(text[i - 1])):
            close = '"' + m.group(1)
            end = text.find(close, i + m.end())
            end = n if end < 0 else end + len(close)
            out.append('""' + _blank(text[i + 2 : end]))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + _blank(text[i + 1 : j - 1] if j > i + 1 else ""))
            i = j + 1
        elif c == "'" and (m := re.match(r"'(\\.[^']*|[^\\'])'", text[i:])):
            out.append("' '")
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def _ident(c: str) -> bool:
    return c.isalnum() or c == "_"


def before_tests(code: str) -> str:
    """The code before the file's `#[cfg(test)]` module."""
    m = re.search(r"^#\[cfg\(test\)\]", code, re.M)
    return code if m is None else code[: m.start()]


# ---- modules -------------------------------------------------------------------------------


def module_files(src: Path) -> dict[tuple[str, ...], Path]:
    """Every module of the crate rooted at `src/lib.rs` (or `main.rs`), by path."""
    modules: dict[tuple[str, ...], Path] = {}
    root = src / "lib.rs" if (src / "lib.rs").exists() else src / "main.rs"

    def visit(path: tuple[str, ...], file: Path) -> None:
        modules[path] = file
        code = before_tests(strip_code(file.read_text()))
        folder = file.parent if file.name in ("lib.rs", "main.rs", "mod.rs") else file.with_suffix("")
        for name in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", code, re.M):
            for child in (folder / f"{name}.rs", folder / name / "mod.rs"):
                if child.exists():
                    visit(path + (name,), child)
                    break

    visit((), root)
    return modules


def expand_use(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`] (renames and globs dropped)."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"as\w+$", "", tree.split(" as ")[0]).rstrip(":")]
    prefix, inner = m.groups()
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [p for part in parts if part for p in expand_use(prefix + part)]


def paths_in(code: str) -> tuple[list[str], list[str]]:
    """The paths a module's code names: every `use` tree expanded, and `crate::`, `super::` and
    `self::` paths elsewhere. Also its `pub use` paths (its re-exports), separately."""
    used, exported = [], []
    for vis, tree in re.findall(r"^\s*(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", code, re.M):
        for path in expand_use(re.sub(r"\bas\s+\w+", "", tree)):
            used.append(path)
            if vis:
                exported.append(path)
    rest = re.sub(r"^\s*(pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", "", code, flags=re.M)
    used += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", rest)
    return used, exported


def resolve(
    path: str, here: tuple[str, ...], modules: dict, exports: dict
) -> tuple[str, ...] | None:
    """The module `path` (as written in module `here`) leads to, through re-exports."""
    segments = [s for s in path.split("::") if s]
    if not segments:
        return None
    if segments[0] == "crate":
        at, segments = (), segments[1:]
    elif segments[0] in ("super", "self"):
        at = here
        while segments and segments[0] in ("super", "self"):
            at = at[:-1] if segments[0] == "super" else at
            segments = segments[1:]
    elif here + (segments[0],) in modules:
        at = here
    else:
        return None  # an outside crate, or a name in scope
    for seen in range(16):
        while segments and at + (segments[0],) in modules:
            at, segments = at + (segments[0],), segments[1:]
        source = exports.get(at, {}).get(segments[0]) if segments else None
        if source is None:
            return at
        at, segments = source, segments[1:]
    return at


def dependencies(src: Path) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Module -> the modules it uses, parents and submodules left out."""
    modules = module_files(src)
    code = {m: before_tests(strip_code(f.read_text())) for m, f in modules.items()}
    exports: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}
    for _ in range(4):  # re-exports of re-exports
        for module, text in code.items():
            for path in paths_in(text)[1]:
                name = path.rsplit("::", 1)[-1]
                head = path.rsplit("::", 1)[0] if "::" in path else ""
                target = resolve(head, module, modules, exports) if head else None
                if target is not None and target != module and name not in modules.keys():
                    exports.setdefault(module, {})[name] = target
    graph: dict[tuple[str, ...], set[tuple[str, ...]]] = {m: set() for m in modules}
    for module, text in code.items():
        for path in paths_in(text)[0]:
            target = resolve(path, module, modules, exports)
            if target is None or related(module, target):
                continue
            graph[module].add(target)
    return graph


def related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One is the other or its ancestor: the same room."""
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def cycles(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[list[tuple[str, ...]]]:
    """One shortest cycle through each strongly connected group of modules."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(v, counter=[0]):  # noqa: B006 - Tarjan's running counter
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(set(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            connect(v)
    found = []
    for group in groups:
        start = min(group)
        # Breadth-first from start back to start, inside the group.
        paths = {start: [start]}
        queue = [start]
        cycle = None
        while queue and cycle is None:
            v = queue.pop(0)
            for w in sorted(graph[v]):
                if w == start:
                    cycle = paths[v] + [start]
                    break
                if w in group and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
        found.append(cycle)
    return found


# ---- sizes ---------------------------------------------------------------------------------


def oversized(file: Path) -> list[str]:
    """The file's problems with the size limits, as messages."""
    raw = file.read_text()
    code = strip_code(raw)
    problems = []
    lines = before_tests(code).count("\n")
    if lines > MAX_FILE_LINES:
        problems.append(f"{file}: {lines} lines before its tests (limit {MAX_FILE_LINES})")
    for m in re.finditer(r"\bfn\s+(\w+)[^;{]*\{", code):
        start = m.end() - 1
        depth, i = 0, start
        while i < len(code):
            if code[i] == "{":
                depth += 1
            elif code[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        body = code[start : i + 1]
        length = code.count("\n", m.start(), i) + 1
        if length > MAX_FN_LINES and "view!" not in body:
            line = code.count("\n", 0, m.start()) + 1
            problems.append(
                f"{file}:{line}: fn {m.group(1)} is {length} lines (limit {MAX_FN_LINES})"
            )
    return problems


def name(module: tuple[str, ...]) -> str:
    return "::".join(("crate",) + module)


def main(folders: list[str]) -> int:
    failed = False
    for folder in folders:
        src = Path(folder)
        for cycle in cycles(dependencies(src)):
            failed = True
            print(f"{src}: import cycle: {' -> '.join(name(m) for m in cycle)}")
        for file in sorted(src.rglob("*.rs")):
            for problem in oversized(file):
                failed = True
                print(problem)
    if not failed:
        print(f"no import cycles, no oversized file or function in {', '.join(folders)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["server/src", "app/src"]))
