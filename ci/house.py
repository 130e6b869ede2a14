"""The workbook crate's house rules, read statically from benches/src (see the appendix "Adding a lab"):

- layers: `common/` imports nothing above it (no bottleneck folder, no `registry`, no `run`); a
  bottleneck folder imports `common/` and itself, never another bottleneck folder, `reconnect`,
  the registry or the runner; `reconnect/` (the three at once) imports bottlenecks and `common/`;
- no file is in an import circle with another (its `use crate::`, `super::` and `self::` paths);
- no file over 450 lines; no function over 80 lines outside `#[cfg(test)]` modules;
- the post's figures are written in one file: the send's range in µs and the publish's in
  seconds appear in one file of benches/src (common/blog.rs) and in none of ci/.
Prints one line per problem and exits 1 on any; prints a one-line summary otherwise.
"""
import os
import re
import sys

ROOT = "benches/src"
MAX_LINES, MAX_FN = 450, 80
# The folders under src/ that are bottlenecks (one scenario family each); everything else at the
# top level is a layer of its own.
SHARED, ABOVE_BOTTLENECKS = "common", {"reconnect"}
TOP = {"registry", "run", "lib", "main"}


def modules():
    files = {}
    for folder, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                files[os.path.relpath(path, ROOT)] = open(path, encoding="utf-8").read()
    return files


def module_path(rel):
    parts = rel[:-3].split("/")
    if parts[-1] == "mod":
        parts = parts[:-1]
    return () if parts in (["lib"], ["main"]) else tuple(parts)


def strip_tests(text):
    """The text without `#[cfg(test)] mod … { … }` blocks and comments."""
    text = re.sub(r"//[^\n]*", "", text)
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while depth and j < len(text):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def imports(rel, text, mods):
    """The files `rel` imports, resolved to the longest module path that exists."""
    me = module_path(rel)
    found = set()
    for m in re.finditer(r"\b(crate|super|self)::((?:\w+::)*)(\{[^;]*?\}|\w+)", strip_tests(text)):
        root, prefix, tail = m.group(1), m.group(2), m.group(3)
        base = () if root == "crate" else (me[:-1] if root == "super" else me)
        names = [prefix + (re.match(r"[\w:]*", item.strip()).group(0)) for item in re.split(r",(?![^{]*\})", tail[1:-1])] if tail.startswith("{") else [prefix + tail]
        for name in names:
            parts = list(base) + [p for p in name.strip(":").split("::") if p and p != "self"]
            while parts:
                if tuple(parts) in mods:
                    target = mods[tuple(parts)]
                    if target != rel:
                        found.add(target)
                    break
                parts.pop()
    # A child module named by a bare path (`report::table(...)`, `use report::x`) is used too.
    code = strip_tests(text)
    for child in re.findall(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+(\w+)\s*;", code, re.M):
        target = mods.get(me + (child,))
        if target and re.search(rf"(?<![\w:]){child}::", code):
            found.add(target)
    return found


def circles(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def layer(rel):
    top = rel.split("/")[0].removesuffix(".rs")
    if top == SHARED:
        return "common"
    if top in TOP:
        return "top"
    return "above" if top in ABOVE_BOTTLENECKS else "bottleneck"


def long_functions(rel, text):
    body = strip_tests(text)
    for m in re.finditer(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+)?(?:async\s+)?fn\s+(\w+)[^;{]*\{", body, re.M):
        depth, j = 1, m.end()
        while depth and j < len(body):
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
        lines = body[m.start():j].count("\n") + 1
        if lines > MAX_FN:
            yield f"{ROOT}/{rel}: fn {m.group(1)} is {lines} lines (at most {MAX_FN} outside tests)"


def main():
    files = modules()
    mods = {module_path(rel): rel for rel in files}
    problems = []
    edges = {rel: imports(rel, text, mods) for rel, text in files.items()}
    for rel, targets in sorted(edges.items()):
        for target in sorted(targets):
            mine, theirs = layer(rel), layer(target)
            top_mine, top_theirs = rel.split("/")[0], target.split("/")[0]
            if mine == "common" and theirs != "common":
                problems.append(f"{ROOT}/{rel} imports {target}: common/ names no bottleneck, registry or runner")
            elif mine == "bottleneck" and theirs != "common" and top_mine != top_theirs:
                problems.append(f"{ROOT}/{rel} imports {target}: a bottleneck folder imports only common/ and itself")
            elif mine == "above" and theirs == "top":
                problems.append(f"{ROOT}/{rel} imports {target}: reconnect imports no registry or runner")
    for circle in circles(edges):
        problems.append(f"import circle of {len(circle)} files: {', '.join(circle)}")
    for rel, text in sorted(files.items()):
        lines = text.count("\n")
        if lines > MAX_LINES:
            problems.append(f"{ROOT}/{rel} is {lines} lines (at most {MAX_LINES})")
        problems.extend(long_functions(rel, text))
    for figure in ["30" + "–70", "0.9" + "–2.1"]:  # written in two parts, so this file holds neither
        holders = sorted(rel for rel, text in files.items() if figure in text)
        if len(holders) > 1:
            problems.append(f"'{figure}' is written in {len(holders)} files of {ROOT} ({', '.join(holders)}); the post's figures live in common/blog.rs")
        for name in sorted(os.listdir("ci")):
            path = os.path.join("ci", name)
            if os.path.isfile(path) and figure in open(path, encoding="utf-8").read():
                problems.append(f"{path} writes '{figure}': CI reads the post's figures from `workbook registry`")
    for p in problems:
        print(f"ci/house: {p}")
    if problems:
        sys.exit(1)
    print(f"ci/house: {len(files)} files of {ROOT}: no import circle, layers kept, none over {MAX_LINES} lines, no function over {MAX_FN}")


if __name__ == "__main__":
    main()
