#!/usr/bin/env python3
"""Recall and precision of leakhound on the credential-file corpus, per format.

Usage:
    python3 bench/credfiles.py [--binary build/release/leakhound]
                               [--corpus corpus/credential-files] [--json FILE]

The corpus holds one realistic file (or a few) per format of credential file people
leak: .netrc, .pgpass, .htpasswd, shadow, FTP client configs, wp-config.php, and so on,
each in a folder named after its format, with placeholders, template references and
empty values as hard negatives.  Its labels.tsv names, per labelled line, the file, a
text that occurs on exactly that line (or "line:N"), "secret" or "negative", and why.

The scorer runs `leakhound dir . --no-config -f json` inside the corpus (labels.tsv
excluded) and counts lines, as the public credential-file benchmarks do: a labelled
secret line with at least one finding is found; a line with findings that is not a
labelled secret is one false positive, however many findings it has.  It prints per
format: labelled secret lines, found, recall, false positives, precision; then every
miss and every false positive (path:line, rules).

No network; Python 3 standard library only.  Exit status: 0 when every label resolved
and leakhound ran, 2 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_labels(corpus: str) -> dict[tuple[str, int], tuple[str, str]]:
    """(path, line) -> (label, why), resolving each label's text to its one line."""
    labels: dict[tuple[str, int], tuple[str, str]] = {}
    problems = []
    with open(os.path.join(corpus, "labels.tsv"), encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            raw = raw.rstrip("\n")
            if not raw or raw.startswith("#"):
                continue
            fields = raw.split("\t")
            if len(fields) != 4 or fields[2] not in ("secret", "negative"):
                problems.append(f"labels.tsv:{number}: expected path, text, secret|negative, why")
                continue
            path, text, label, why = fields
            try:
                with open(os.path.join(corpus, path), encoding="utf-8", newline="") as source:
                    lines = source.read().split("\n")
            except OSError as error:
                problems.append(f"labels.tsv:{number}: {path}: {error.strerror}")
                continue
            if text.startswith("line:"):
                hits = [int(text[5:])]
            else:
                hits = [index + 1 for index, line in enumerate(lines) if text in line]
            if len(hits) != 1:
                problems.append(f"labels.tsv:{number}: {text!r} is on {len(hits)} lines of {path}")
                continue
            if (path, hits[0]) in labels:
                problems.append(f"labels.tsv:{number}: {path}:{hits[0]} is labelled twice")
            labels[(path, hits[0])] = (label, why)
    if problems:
        raise ValueError("\n".join(problems))
    return labels


def run_leakhound(binary: str, corpus: str) -> list[dict]:
    command = [binary, "dir", ".", "--no-config", "--exclude", "labels.tsv", "-f", "json", "-q"]
    result = subprocess.run(command, cwd=corpus, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr}")
    return json.loads(result.stdout)["findings"]


def score(labels, findings):
    rules_on_line: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
    for finding in findings:
        rules_on_line[(finding["path"], finding["line"])].add(finding["rule_id"])
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    misses, false_positives = [], []
    for (path, line), (label, why) in sorted(labels.items()):
        if label != "secret":
            continue
        family = path.split("/")[0]
        rows[family]["secrets"] += 1
        if (path, line) in rules_on_line:
            rows[family]["found"] += 1
        else:
            misses.append(f"{path}:{line} ({why})")
    for (path, line), rules in sorted(rules_on_line.items()):
        label, why = labels.get((path, line), ("unlabelled", ""))
        if label == "secret":
            continue
        rows[path.split("/")[0]]["false_positives"] += 1
        false_positives.append(f"{path}:{line} [{', '.join(sorted(rules))}] {label} {why}".rstrip())
    return rows, misses, false_positives


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "release", "leakhound"))
    parser.add_argument("--corpus", default=os.path.join(REPO, "corpus", "credential-files"))
    parser.add_argument("--json", help="also write the table and lists to this file")
    args = parser.parse_args()
    try:
        labels = load_labels(args.corpus)
        findings = run_leakhound(os.path.abspath(args.binary), args.corpus)
    except (ValueError, RuntimeError, OSError) as error:
        print(f"credfiles: {error}", file=sys.stderr)
        return 2
    rows, misses, false_positives = score(labels, findings)
    total = collections.Counter()
    print(f"{'format':<20} {'secrets':>7} {'found':>5} {'recall':>6} {'FP':>3} {'precision':>9}")
    for family in sorted(rows):
        row = rows[family]
        total.update(row)
        found, fps = row["found"], row["false_positives"]
        print(f"{family:<20} {row['secrets']:>7} {found:>5} {ratio(found, row['secrets']):>6} "
              f"{fps:>3} {ratio(found, found + fps):>9}")
    found, fps = total["found"], total["false_positives"]
    print(f"{'total':<20} {total['secrets']:>7} {found:>5} {ratio(found, total['secrets']):>6} "
          f"{fps:>3} {ratio(found, found + fps):>9}")
    for title, items in (("missed", misses), ("false positives", false_positives)):
        if items:
            print(f"\n{title}:")
            for item in items:
                print(f"  {item}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"formats": {k: dict(v) for k, v in rows.items()}, "total": dict(total),
                       "missed": misses, "false_positives": false_positives}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
