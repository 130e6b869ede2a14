#!/usr/bin/env python3
"""Does the book fit its page? The checks of `ci/browser-check` that need no browser, and the
rule its in-browser checks apply.

- `tables(src)`: a Markdown table in book/src (the results tables included) with more than
  MAX_COLUMNS columns, counted on its delimiter row (`| --- | --- |`);
- `code_lines(book)`: a line of a code block of the built book (`pre code`, which is where every
  included range lands) longer than MAX_CODE_COLUMNS characters; the lines mdbook hides in a Rust
  block (`# ` lines) are not shown, so not counted;
- `svg_text(path)`: the smallest font size an SVG file draws text at and the width it is drawn
  for (its viewBox, else its width attribute), both in the SVG's own units; text renders at
  `smallest × rendered width ÷ drawn width` px, which must be at least MIN_TEXT_PX.

Every problem is one line naming the page (or file and line) and the element, so that one run
lists them all.

Usage: book_fit.py SRC_DIR BOOK_DIR   (the static checks alone, as `ci/browser-check` runs them)
"""

import html
import os
import re
import sys

MAX_COLUMNS = 7
MAX_CODE_COLUMNS = 100
MIN_TEXT_PX = 11.0

DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$")
CODE_BLOCK = re.compile(r"<pre[^>]*>\s*<code[^>]*>(.*?)</code>\s*</pre>", re.S)
HIDDEN_LINE = re.compile(r'<span class="boring">.*?</span>', re.S)
TAG = re.compile(r"<[^>]+>")
FONT_SIZE = re.compile(r"font-size\s*(?:=\s*[\"']|:\s*)([0-9.]+)(px)?")


def cells(row):
    """The cells of a Markdown table row: split on `|` outside code spans and escapes."""
    row = re.sub(r"`[^`]*`", "code", row.replace("\\|", "x")).strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return row.split("|")


def tables(src):
    """Every table in the Markdown under `src` with more than MAX_COLUMNS columns."""
    problems = []
    for directory, _, files in sorted(os.walk(src)):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            page = os.path.join(directory, name)
            lines = open(page, encoding="utf-8").read().splitlines()
            fenced = False
            for number, line in enumerate(lines, 1):
                if line.lstrip().startswith("```"):
                    fenced = not fenced
                if fenced or number < 2 or not DELIMITER_ROW.match(line):
                    continue
                columns = len(cells(line))
                if columns > MAX_COLUMNS:
                    header = " | ".join(c.strip() for c in cells(lines[number - 2])[:3])
                    problems.append(
                        f"{os.path.relpath(page, src)}:{number - 1}: a table of {columns} columns "
                        f"(at most {MAX_COLUMNS}): {header} | …"
                    )
    return problems


def code_lines(book):
    """Every shown line of a code block of the built book longer than MAX_CODE_COLUMNS."""
    problems = []
    for directory, _, files in sorted(os.walk(book)):
        for name in sorted(files):
            page = os.path.relpath(os.path.join(directory, name), book)
            # print.html repeats every page; toc.html is the sidebar.
            if not name.endswith(".html") or page in ("print.html", "toc.html"):
                continue
            text = open(os.path.join(book, page), encoding="utf-8").read()
            for block, match in enumerate(CODE_BLOCK.finditer(text), 1):
                code = html.unescape(TAG.sub("", HIDDEN_LINE.sub("", match.group(1))))
                for number, line in enumerate(code.splitlines(), 1):
                    if len(line) > MAX_CODE_COLUMNS:
                        problems.append(
                            f"{page}: code block {block}, line {number}: {len(line)} columns "
                            f"(at most {MAX_CODE_COLUMNS}): {line.strip()[:60]}…"
                        )
    return problems


def svg_text(path):
    """(smallest font size, drawn width) of an SVG file, in its own units; None where absent."""
    text = open(path, encoding="utf-8").read()
    sizes = [float(m.group(1)) for m in FONT_SIZE.finditer(text)]
    root = re.search(r"<svg\b[^>]*>", text)
    drawn = None
    if root:
        view_box = re.search(r"viewBox\s*=\s*[\"']\s*[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)", root.group(0))
        width = re.search(r"\swidth\s*=\s*[\"']([0-9.]+)(px)?[\"']", root.group(0))
        if view_box:
            drawn = float(view_box.group(1))
        elif width:
            drawn = float(width.group(1))
    return (min(sizes) if sizes else None), drawn


def image_text_problem(page, src, path, rendered_width):
    """The problem with an SVG image rendered `rendered_width` px wide on `page`, or None."""
    smallest, drawn = svg_text(path)
    if smallest is None or not drawn or rendered_width <= 0:
        return None
    px = smallest * rendered_width / drawn
    if px >= MIN_TEXT_PX:
        return None
    return (
        f"image {src}: its smallest text renders at {px:.1f} px (at least {MIN_TEXT_PX:g}): "
        f"font size {smallest:.1f} × {rendered_width:.0f} px shown ÷ {drawn:.0f} drawn"
    )


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src, book = sys.argv[1], sys.argv[2]
    problems = tables(src) + code_lines(book)
    for problem in problems:
        print(f"FAIL {problem}")
    print(
        f"browser-check: tables over {MAX_COLUMNS} columns and code lines over "
        f"{MAX_CODE_COLUMNS} columns: {len(problems) or 'no'} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
