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
