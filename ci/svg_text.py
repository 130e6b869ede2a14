#!/usr/bin/env python3
"""Prints each SVG's drawn width, its smallest text and that text's size as the book shows it.

mdbook's content column is 750 px wide (`--content-max-width` in its CSS) and an image wider than
the column is shrunk to fit it, its text with it. So the size a reader sees is the smallest
`font-size` in the SVG times min(1, 750 / drawn width). Exits 1 when that is under 11 px for any
file (the bar of issue 19), 0 otherwise; 2 when there is no SVG to check.

Usage: ci/svg_text.py DIR_OR_FILE [...]
"""

import re
import sys
from pathlib import Path

COLUMN_PX = 750.0
LEAST_PX = 11.0

# The outermost <svg ...>'s width, and every font size, as attribute or in a style.
WIDTH = re.compile(r"<svg\b[^>]*?\swidth=\"([0-9.]+)(?:px)?\"")
FONT_SIZE = re.compile(r"font-size(?:=\"|:\s*)([0-9.]+)")


def measure(path):
    """(drawn width, smallest font size, effective size) of one SVG; sizes None without text."""
    text = path.read_text(encoding="utf-8")
    width_match = WIDTH.search(text)
    width = float(width_match.group(1)) if width_match else COLUMN_PX
    sizes = [float(s) for s in FONT_SIZE.findall(text)]
    if not sizes:
        return width, None, None
    smallest = min(sizes)
    return width, smallest, smallest * min(1.0, COLUMN_PX / width)


def svgs(arguments):
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(path.glob("*.svg"))
        else:
            yield path


def main(arguments):
    if not arguments:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    failed, seen = [], 0
    print(f"{'svg':<40} {'width':>7} {'smallest':>9} {'as shown':>9}")
    for path in svgs(arguments):
        seen += 1
        width, smallest, shown = measure(path)
        if smallest is None:
            print(f"{str(path):<40} {width:>7.0f} {'no text':>9} {'':>9}")
            continue
        verdict = "" if shown >= LEAST_PX else f"  under {LEAST_PX:.0f} px"
        print(f"{str(path):<40} {width:>7.0f} {smallest:>9.1f} {shown:>9.1f}{verdict}")
        if verdict:
            failed.append(path)
    if seen == 0:
        print("no SVG found", file=sys.stderr)
        return 2
    if failed:
        print(f"{len(failed)} of {seen} SVGs show text under {LEAST_PX:.0f} px", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
