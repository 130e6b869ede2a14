"""Every figure each scenario declares (`workbook registry`: declared.<scenario>.required) is in its
results file, as declared. Usage: python3 ci/results.py REGISTRY.json RESULTS_DIR [SCENARIO ...]

A path is dotted, with `{a,b}` standing for each of a and b. `positive`: a number above zero;
`zero`: exactly 0; `present`: there, whatever its value; `beam_positive`: above zero when the BEAM
side ran; `beam_count`: a number, zero or more, when the BEAM side ran (on a machine with Elixir, the
BEAM side must have run for either).
One line per problem, exit 1 on any.
"""
import json
import re
import shutil
import sys


BEAM_RULES = ("beam_positive", "beam_count")


def expand(path):
    m = re.search(r"\{([^}]*)\}", path)
    if not m:
        return [path]
    return [p for choice in m.group(1).split(",") for p in expand(path[:m.start()] + choice.strip() + path[m.end():])]


def lookup(report, path):
    value = report
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return KeyError
    return value


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def main():
    registry = json.load(open(sys.argv[1]))
    folder = sys.argv[2]
    chosen = sys.argv[3:] or registry["scenarios"]
    problems, checked = [], 0
    for name in chosen:
        declared = registry["declared"][name]["required"]
        try:
            report = json.load(open(f"{folder}/{name}.json"))
        except (OSError, ValueError) as error:
            problems.append(f"{name}.json: cannot be read ({error})")
            continue
        beam_ran = isinstance(lookup(report, "beam.otp_release"), str)
        if any(r["must"] in BEAM_RULES for r in declared) and not beam_ran and shutil.which("elixir"):
            problems.append(f"{name}.json: Elixir is installed but the BEAM side did not run (beam.otp_release missing)")
        for rule in declared:
            must = rule["must"]
            if must in BEAM_RULES and not beam_ran:
                continue
            for path in expand(rule["path"]):
                value = lookup(report, path)
                checked += 1
                if value is KeyError:
                    problems.append(f"{name}.json: {path} is missing")
                elif must in ("positive", "beam_positive") and not (is_number(value) and value > 0):
                    problems.append(f"{name}.json: {path} = {value!r}, not a number above zero")
                elif must == "beam_count" and not (is_number(value) and value >= 0):
                    problems.append(f"{name}.json: {path} = {value!r}, not a count (a number, zero or more)")
                elif must == "zero" and value != 0:
                    problems.append(f"{name}.json: {path} = {value!r}, not 0")
    for p in problems:
        print(f"ci/results: {p}")
    if problems:
        sys.exit(1)
    print(f"ci/results: {checked} declared figures present in {len(chosen)} results files")


if __name__ == "__main__":
    main()
