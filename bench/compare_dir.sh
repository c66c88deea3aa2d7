#!/usr/bin/env bash
# End-to-end directory-scan benchmark for leakhound.
#
#   bench/compare_dir.sh [--binary build/release/leakhound] [--size-mb 300]
#                        [--corpus DIR] [--runs 3] [--keep] [--no-hyperfine]
#
# Generates (or reuses) a source-like corpus with planted fake secrets
# (corpus/gen_source_corpus.py), warms the page cache, then measures the best
# wall time of --runs runs of:
#   floor             find CORPUS -type f -print0 | xargs -0 cat > /dev/null
#   leakhound -t1     BINARY dir CORPUS --threads 1 --format jsonl --output /dev/null
#   leakhound         BINARY dir CORPUS --format jsonl --output /dev/null
#   rg                rg --no-unicode -c -f REGEXFILE CORPUS   (REGEXFILE from
#                     `BINARY rules list --regexes`)
#   rg -j1            the same, one thread
#   lh/rg startup     leakhound -t1 and rg -j1 on one tiny file (fixed costs)
# and prints seconds, MB/s (10^6 bytes/s) and ratios; then checks recall of
# the planted secrets with one `--format json` run.
#
# Timings are informational: nothing here is a pass/fail assertion on speed.
# Exit status: 0 when every command ran, non-zero when leakhound failed (exit
# code >= 2), the corpus could not be generated, or an argument is wrong.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

BINARY="$REPO_ROOT/build/release/leakhound"
SIZE_MB=300
CORPUS=""
RUNS=3
KEEP=0
NO_HF=0

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary)   BINARY=${2:?--binary needs a value}; shift 2 ;;
        --binary=*) BINARY=${1#*=}; shift ;;
        --size-mb)  SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --size-mb=*) SIZE_MB=${1#*=}; shift ;;
        --corpus)   CORPUS=${2:?--corpus needs a value}; shift 2 ;;
        --corpus=*) CORPUS=${1#*=}; shift ;;
        --runs)     RUNS=${2:?--runs needs a value}; shift 2 ;;
        --runs=*)   RUNS=${1#*=}; shift ;;
        --keep)     KEEP=1; shift ;;
        --no-hyperfine) NO_HF=1; shift ;;
        -h|--help)  usage; exit 0 ;;
        *) echo "compare_dir.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "compare_dir.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "$SIZE_MB" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "compare_dir.sh: --size-mb must be a number" >&2; exit 2; }

require_binary compare_dir.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakhound-bench.XXXXXX")
cleanup() {
    if [[ $KEEP -eq 1 ]]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------
cpu_model=$(grep -m1 -E '^(model name|Hardware|cpu model)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
mem_total=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)
echo "== machine"
echo "date:      $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "nproc:     $(nproc)"
echo "cpu:       ${cpu_model:-unknown}"
echo "memory:    ${mem_total:-unknown}"
echo "kernel:    $(uname -sr)"
# first_line CMD...: the first line of CMD's stdout, "" on failure.  (sed reads
# everything, so no SIGPIPE under pipefail as with head.)
first_line() { { "$@" 2>/dev/null || true; } | sed -n 1p; }
echo "leakhound: $BINARY ($(first_line "$BINARY" --version))"
git_rev=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || true)
git_dirty=""
[[ -n "$git_rev" && -n "$(first_line git --no-optional-locks -C "$REPO_ROOT" status --porcelain --untracked-files=no)" ]] && git_dirty=" (uncommitted changes)"
echo "git:       ${git_rev:-no commit}$git_dirty"
HAVE_RG=0; command -v rg >/dev/null && HAVE_RG=1
HAVE_HF=0; [[ $NO_HF -eq 0 ]] && command -v hyperfine >/dev/null && HAVE_HF=1
if [[ $HAVE_RG -eq 1 ]]; then echo "ripgrep:   $(first_line rg --version)"; else echo "ripgrep:   not found"; fi
if [[ $HAVE_HF -eq 1 ]]; then
    echo "timer:     $(first_line hyperfine --version)"
else
    echo "timer:     date +%s.%N around each run (hyperfine not found, or --no-hyperfine)"
fi
echo "runs:      $RUNS (best of)"
echo

# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------
GEN="$REPO_ROOT/corpus/gen_source_corpus.py"
if [[ -z "$CORPUS" ]]; then
    CORPUS="/tmp/leakhound-bench-corpus-$SIZE_MB"
    PLANTED="$CORPUS.planted.json"
    # planted.json is written last: without it the corpus is incomplete.
    if [[ -d "$CORPUS" && ! -f "$PLANTED" ]]; then
        echo "removing incomplete corpus $CORPUS"
        rm -rf "$CORPUS"
    fi
else
    while [[ "$CORPUS" == */ && "$CORPUS" != / ]]; do CORPUS=${CORPUS%/}; done
    PLANTED="$(dirname "$CORPUS")/$(basename "$CORPUS").planted.json"
fi
echo "== corpus"
if [[ -d "$CORPUS" ]]; then
    echo "reusing $CORPUS"
else
    echo "generating $SIZE_MB MB into $CORPUS"
    python3 "$GEN" "$CORPUS" --size-mb "$SIZE_MB"
fi
read -r CORPUS_FILES CORPUS_BYTES < <(find "$CORPUS" -type f -printf '%s\n' | awk '{n++; s+=$1} END {printf "%d %d\n", n, s}')
echo "files: $CORPUS_FILES  bytes: $CORPUS_BYTES ($(awk -v b="$CORPUS_BYTES" 'BEGIN {printf "%.1f", b/1e6}') MB)"
[[ "$CORPUS_BYTES" -gt 0 ]] || { echo "compare_dir.sh: corpus is empty" >&2; exit 2; }
echo "warming the page cache"
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
echo

# --------------------------------------------------------------------------
# Measurement helpers
# --------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"     # name <TAB> best seconds <TAB> command
: > "$RESULTS"

q() { printf '%q' "$1"; }

# check NAME CMD: one untimed run; succeeds when the command exits 0.
# (Commands carry their own "exit code 1 is fine" wrapper.)
check() {
    local name=$1 cmd=$2
    if ! bash -c "$cmd" > /dev/null 2> "$WORK/check.err"; then
        echo "  $name failed:" >&2
        sed 's/^/    /' "$WORK/check.err" | head -n 20 >&2
        return 1
    fi
}

# measure NAME CMD: best wall time of $RUNS runs, appended to $RESULTS.
measure() {
    local name=$1 cmd=$2 best
    echo "measuring: $name"
    if [[ $HAVE_HF -eq 1 ]]; then
        local json="$WORK/hf-${name//[^A-Za-z0-9]/_}.json"
        hyperfine --shell bash --runs "$RUNS" --warmup 0 --style basic \
            --export-json "$json" -n "$name" "$cmd" >> "$WORK/hyperfine.log" 2>&1 || {
            echo "  hyperfine failed for $name; see below" >&2
            tail -n 20 "$WORK/hyperfine.log" >&2
            return 1
        }
        best=$(python3 -c 'import json,sys; print(min(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$json")
    else
        local i t0 t1 dt
        best=""
        for ((i = 0; i < RUNS; i++)); do
            t0=$(date +%s.%N)
            bash -c "$cmd" > /dev/null 2> "$WORK/run.err" || {
                echo "  $name failed:" >&2; sed 's/^/    /' "$WORK/run.err" | head -n 20 >&2; return 1; }
            t1=$(date +%s.%N)
            dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
            if [[ -z "$best" ]] || awk -v a="$dt" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$dt; fi
        done
    fi
    printf '%s\t%s\t%s\n' "$name" "$best" "$cmd" >> "$RESULTS"
}

# Exit status 1 means "findings" for leakhound and "no match" for rg.
ok01='rc=$?; [ $rc -le 1 ] || { echo "exit code $rc" >&2; exit $rc; }'

C=$(q "$CORPUS")
B=$(q "$BINARY")
CMD_FLOOR="find $C -type f -print0 | xargs -0 cat > /dev/null"
mkdir "$WORK/tiny"
echo "hello from a one-line file" > "$WORK/tiny/one.txt"
T=$(q "$WORK/tiny")
CMD_LH1="$B dir $C --threads 1 --format jsonl --output /dev/null; $ok01"
CMD_LHN="$B dir $C --format jsonl --output /dev/null; $ok01"

echo "== timings"
check floor "$CMD_FLOOR" || exit 1
measure floor "$CMD_FLOOR" || exit 1
check "leakhound -t1" "$CMD_LH1" || { echo "compare_dir.sh: leakhound failed" >&2; exit 1; }
measure "leakhound -t1" "$CMD_LH1" || exit 1
check "leakhound" "$CMD_LHN" || { echo "compare_dir.sh: leakhound failed" >&2; exit 1; }
measure "leakhound" "$CMD_LHN" || exit 1

RG_NOTE=""
if [[ $HAVE_RG -eq 0 ]]; then
    RG_NOTE="ripgrep (rg) not found on PATH: rg comparison skipped"
elif ! "$BINARY" rules list --regexes > "$WORK/regexes.txt" 2> "$WORK/rules.err"; then
    RG_NOTE="'leakhound rules list --regexes' failed ($(head -n1 "$WORK/rules.err")): rg comparison skipped"
elif [[ ! -s "$WORK/regexes.txt" ]]; then
    RG_NOTE="'leakhound rules list --regexes' printed nothing: rg comparison skipped"
else
    R=$(q "$WORK/regexes.txt")
    O=$(q "$WORK/rg.out")
    # -c output goes to a file rather than /dev/null so that no rg version
    # can shortcut the search because its output is discarded.
    RG_ENGINE=""
    CMD_RG="rg --no-unicode -c -f $R $C > $O; $ok01"
    CMD_RG1="rg --no-unicode -j1 -c -f $R $C > $O; $ok01"
    echo "  $(grep -c . "$WORK/regexes.txt") regexes from 'rules list --regexes'"
    rg_ok=0
    if check rg "$CMD_RG"; then
        rg_ok=1
    elif rg --pcre2-version > /dev/null 2>&1; then
        # The default engine rejects some syntax (look-around, backreferences).
        # PCRE2 accepts it but is a different, usually slower, engine.
        RG_ENGINE="--pcre2 "
        CMD_RG="rg --pcre2 --no-unicode -c -f $R $C > $O; $ok01"
        CMD_RG1="rg --pcre2 --no-unicode -j1 -c -f $R $C > $O; $ok01"
        echo "  retrying rg with --pcre2"
        if check rg "$CMD_RG"; then
            rg_ok=1
            RG_NOTE="rg needed --pcre2 for these regexes: the rg rows use PCRE2, not rg's default engine"
        fi
    fi
    if [[ $rg_ok -eq 1 ]]; then
        measure rg "$CMD_RG" || RG_NOTE="rg failed under the timer: rg comparison incomplete"
        measure "rg -j1" "$CMD_RG1" || RG_NOTE="rg -j1 failed under the timer: rg comparison incomplete"
        CMD_RG_START="rg ${RG_ENGINE}--no-unicode -j1 -c -f $R $T > $O; $ok01"
    else
        RG_NOTE="rg rejected the regexes (see above; leakhound's syntax may differ from rg's): rg comparison skipped"
    fi
fi
[[ -n "$RG_NOTE" ]] && echo "  note: $RG_NOTE"

# Fixed cost per run (start-up, rule/regex compilation), on one tiny file.  It
# is part of every row above; rg compiles its regexes on every run, leakhound
# reads its compiled rule database from its on-disk cache (warmed by the
# untimed check run).
CMD_LH_START="$B dir $T --threads 1 --format jsonl --output /dev/null; $ok01"
measure "lh startup" "$CMD_LH_START" || true
[[ -n "${CMD_RG_START:-}" ]] && { measure "rg startup" "$CMD_RG_START" || true; }
echo

# --------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------
python3 - "$RESULTS" "$CORPUS_BYTES" <<'PY'
import sys
rows = []
with open(sys.argv[1]) as f:
    for ln in f:
        name, sec, cmd = ln.rstrip("\n").split("\t", 2)
        rows.append((name, float(sec), cmd))
nbytes = int(sys.argv[2])
t = {name: sec for name, sec, _ in rows}
print("== results (best of runs; MB = 10^6 bytes; corpus %.1f MB)" % (nbytes / 1e6))
print("%-15s %10s %10s" % ("command", "seconds", "MB/s"))
for name, sec, _ in rows:
    if name.endswith("startup"):
        print("%-15s %10.3f %10s   (fixed cost per run, one tiny file)" % (name, sec, "-"))
    else:
        print("%-15s %10.3f %10.1f" % (name, sec, nbytes / 1e6 / sec if sec > 0 else float("inf")))
print()
def ratio(label, a, b, meaning):
    if a in t and b in t and t[b] > 0:
        print("%-28s %7.2f   %s" % (label, t[a] / t[b], meaning))
ratio("leakhound-1-thread / floor", "leakhound -t1", "floor", "(1.00 = as fast as reading the files)")
ratio("rg / leakhound-1-thread", "rg", "leakhound -t1", "(> 1: leakhound on 1 thread beats rg on all threads)")
ratio("rg-1-thread / leakhound-1-t", "rg -j1", "leakhound -t1", "(> 1: leakhound beats rg, both on 1 thread)")
ratio("leakhound-1-t / leakhound", "leakhound -t1", "leakhound", "(thread speed-up)")
print()
print("commands:")
for name, _, cmd in rows:
    print("  %-14s %s" % (name, cmd.split("; rc=$?")[0]))
PY
echo

# --------------------------------------------------------------------------
# Recall of the planted secrets
# --------------------------------------------------------------------------
echo "== recall"
set +e
"$BINARY" dir "$CORPUS" --format json > "$WORK/findings.json" 2> "$WORK/findings.err"
rc=$?
set -e
if [[ $rc -gt 1 ]]; then
    echo "leakhound --format json failed with exit code $rc:" >&2
    head -n 20 "$WORK/findings.err" >&2
    exit 1
fi
if [[ ! -f "$PLANTED" ]]; then
    echo "no $PLANTED: recall not checked"
    exit 0
fi
python3 - "$WORK/findings.json" "$PLANTED" "$CORPUS" <<'PY'
import collections, json, os, sys
findings_path, planted_path, corpus = sys.argv[1:4]
try:
    with open(findings_path, encoding="utf-8") as f:
        doc = json.load(f)
except ValueError as e:
    sys.exit(f"cannot parse leakhound --format json output: {e}")
findings = doc.get("findings", []) if isinstance(doc, dict) else doc
with open(planted_path, encoding="utf-8") as f:
    planted = json.load(f)

root = os.path.abspath(corpus)
def rel(p):
    return os.path.relpath(os.path.abspath(p), root)

found_at = collections.defaultdict(set)      # rel path -> {lines}
rules_at = collections.defaultdict(list)     # (rel path, line) -> [rule ids]
for fd in findings:
    key = (rel(fd["path"]), int(fd["line"]))
    found_at[key[0]].add(key[1])
    rules_at[key].append(fd.get("rule_id", "?"))

per_kind = collections.Counter()
hit_kind = collections.Counter()
missed = []
planted_keys = set()
for p in planted:
    key = (p["path"], int(p["line"]))
    planted_keys.add(key)
    per_kind[p["kind"]] += 1
    if key[1] in found_at.get(key[0], ()):
        hit_kind[p["kind"]] += 1
    else:
        missed.append(p)

n, hits = len(planted), sum(hit_kind.values())
print(f"planted secrets found: {hits} / {n}")
for k in sorted(per_kind):
    print(f"  {k:22} {hit_kind[k]} / {per_kind[k]}")
for p in missed:
    near = sorted(found_at.get(p["path"], ()), key=lambda l: abs(l - p["line"]))[:3]
    hint = f" (findings in that file at lines {near})" if near else ""
    print(f"  missed: {p['kind']} at {p['path']}:{p['line']}{hint}")
other = [k for k in rules_at if k not in planted_keys]
print(f"findings: {len(findings)} in total, on {len(rules_at)} distinct lines; "
      f"{len(other)} lines are not planted secret starts")
for k in sorted(other)[:10]:
    print(f"  unplanted: {k[0]}:{k[1]} {sorted(set(rules_at[k]))}")
if len(other) > 10:
    print(f"  ... and {len(other) - 10} more")
PY
