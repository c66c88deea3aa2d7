# shellcheck shell=bash
# Shared helpers for the bench/compare_*.sh scripts: `source "$(dirname "$0")/lib.sh"`.

# best "$@": the best wall time in seconds of running "$@" $runs times (default 3), output
# discarded. Exit code 1 ("findings") counts as a run; anything above it fails.
best() {
  local best_time='' i start end
  for ((i = 0; i < ${runs:-3}; i++)); do
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || [[ $? -le 1 ]]
    end=$(date +%s.%N)
    best_time=$(python3 -c "print(min(float('${best_time:-1e9}'), $end - $start))")
  done
  echo "$best_time"
}

# parse_options SCRIPT_NAME "OPTION..." "$@": for each --OPTION VALUE or --OPTION=VALUE among the
# arguments, sets the variable named after OPTION in capitals with '-' as '_' (--size-mb ->
# SIZE_MB); -h/--help prints the comment block that opens the script (up to `set -euo`) and
# exits 0; an unknown argument or a missing value exits 2.
parse_options() {
  local name=$1 options=" $2 " key value
  shift 2
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h | --help)
        sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
      --*=*) key=${1%%=*} value=${1#*=} && shift ;;
      --*)
        [[ $# -ge 2 ]] || { echo "$name: $1 needs a value" >&2; exit 2; }
        key=$1 value=$2 && shift 2
        ;;
      *) key=$1 ;;
    esac
    if [[ "$key" != --* || "$options" != *" ${key#--} "* ]]; then
      echo "$name: unknown argument: $key (try --help)" >&2
      exit 2
    fi
    key=${key#--}
    key=${key//-/_}
    printf -v "${key^^}" '%s' "$value"
  done
}

# require_binary SCRIPT_NAME: exits 2 unless $BINARY is an executable leakhound binary, and
# makes it absolute, so that the measured commands do not depend on the working directory.
# Also checks that python3 (used for timing) is there.
require_binary() {
  command -v python3 >/dev/null || { echo "$1: python3 is required" >&2; exit 2; }
  if [[ ! -x "$BINARY" ]]; then
    echo "$1: leakhound binary not found or not executable: $BINARY" >&2
    echo "  build the release binary first, or pass --binary PATH" >&2
    exit 2
  fi
  BINARY=$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")
}

# timed FILE NAME COMMAND...: runs COMMAND (stdout discarded, stderr to $WORK/run.err) and
# appends "NAME WALL USER SYS" to FILE, in seconds to the microsecond (/usr/bin/time rounds to
# 10 ms, a few percent of a sub-second run). Returns the command's exit code.
timed() {
  python3 - "$@" 2> "$WORK/run.err" <<'PY'
import resource, subprocess, sys, time
file, name, command = sys.argv[1], sys.argv[2], sys.argv[3:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
code = subprocess.call(command, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(file, "a") as out:
    out.write(f"{name} {wall:.6f} {after.ru_utime - before.ru_utime:.6f} "
              f"{after.ru_stime - before.ru_stime:.6f}\n")
sys.exit(code)
PY
}
