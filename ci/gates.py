"""Instruction-count gates, as each scenario declares them (`workbook registry`: declared.<s>.gates):
runs each bench target that has gates once, reads gungraun's counts and holds each ratio to its
bound. Usage: python3 ci/gates.py REGISTRY.json
"""
import json
import re
import subprocess
import sys


def counts(bench):
    run = subprocess.run(["cargo", "bench", "--bench", bench], capture_output=True, text=True)
    text = run.stdout + run.stderr
    if run.returncode != 0:
        print(text[-3000:])
        sys.exit(f"ci/gates: cargo bench --bench {bench} failed")
    found = {name: int(n) for name, n in re.findall(r"(\w+ \w+):[^\n]*\n\s+Instructions:\s+(\d+)", text)}
    if not found:
        print(text[-3000:])
        sys.exit(f"ci/gates: no instruction counts in the output of {bench}")
    return found


def main():
    registry = json.load(open(sys.argv[1]))
    gates = [g for s in registry["scenarios"] for g in registry["declared"][s]["gates"]]
    by_bench = {}
    for gate in gates:
        by_bench.setdefault(gate["bench"], []).append(gate)
    failed = 0
    for bench, held in by_bench.items():
        found = counts(bench)
        for gate in held:
            top, bottom = gate["numerator"], gate["denominator"]
            if top not in found or bottom not in found:
                print(f"ci/gates: {bench}: no count for '{top}' or '{bottom}' (found: {', '.join(sorted(found))})")
                failed += 1
                continue
            ratio = found[top] / found[bottom]
            low, high = gate.get("at_least"), gate.get("at_most")
            ok = (low is None or ratio >= low) and (high is None or ratio <= high)
            bound = (f"≥ {low}" if low is not None else "") + (" and " if low is not None and high is not None else "") + (f"≤ {high}" if high is not None else "")
            print(f"ci/gates: {bench}: {top} ÷ {bottom} = {found[top]:,} ÷ {found[bottom]:,} = {ratio:.2f} ({bound}): {'held' if ok else 'BROKEN'}")
            if not ok:
                print(f"ci/gates:   why it must hold: {gate['why']}")
                failed += 1
    if failed:
        sys.exit(1)
    print(f"ci/gates: {len(gates)} instruction-count gates held")


if __name__ == "__main__":
    main()
