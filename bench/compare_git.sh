#!/usr/bin/env bash
# Full-history scan of a git repository against the floor of reading every blob with git itself,
# in one run; plus --staged latency on a 1 MB staged change. The repository is an argument (a big
# one, such as a clone of git/git, is not committed here).
#   bench/compare_git.sh REPO [--binary build/release/leakhound] [--runs 3]
set -euo pipefail
repo=${1:?usage: bench/compare_git.sh REPO [--binary PATH] [--runs N]}
shift
binary=build/release/leakhound
runs=3
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
binary=$(realpath "$binary")
repo=$(realpath "$repo")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "repository: $repo"
git -C "$repo" cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype) %(objectsize)' \
  --unordered | awk '$2 == "blob" { print $1; bytes += $3 } END { print bytes > "/dev/stderr" }' \
  > "$work/blobs" 2> "$work/bytes"
blobs=$(wc -l < "$work/blobs")
bytes=$(cat "$work/bytes")
echo "blobs: $blobs, $(python3 -c "print(f'{$bytes/1e9:.2f}')") GB"
cat "$work/blobs" | git -C "$repo" cat-file --batch > /dev/null  # warm the page cache

floor=$(best sh -c "git -C '$repo' cat-file --batch < '$work/blobs' > /dev/null")
one=$(best "$binary" git "$repo" --threads 1 --format jsonl --output /dev/null --progress never)
all=$(best "$binary" git "$repo" --format jsonl --output /dev/null --progress never)
rss=?
if command -v /usr/bin/time > /dev/null; then
  rss=$( (/usr/bin/time -f '%M' "$binary" git "$repo" --format jsonl --output /dev/null \
          --progress never --quiet 2>&1 >/dev/null) | tail -1 || true)
fi

# --staged: a clone with a 1 MB staged change.
git clone -q "$repo" "$work/clone"
python3 - "$work/clone/staged-change.txt" <<'PY'
import random, string, sys
rng = random.Random(1)
with open(sys.argv[1], "w") as out:
    while out.tell() < 1_000_000:
        out.write(" ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
                           for _ in range(12)) + "\n")
PY
git -C "$work/clone" add staged-change.txt
"$binary" git "$work/clone" --staged --quiet > /dev/null || true  # warm the database cache
staged=$(best "$binary" git "$work/clone" --staged --quiet)

python3 - "$bytes" "$floor" "$one" "$all" "$staged" "${rss:-?}" <<'PY'
import sys
size, floor, one, every, staged, rss = sys.argv[1:]
size = float(size); floor = float(floor); one = float(one); every = float(every)
print(f"{'command':34} {'seconds':>8} {'MB/s':>8}")
for name, t in (("floor: git cat-file --batch", floor), ("leakhound git, 1 thread", one),
                ("leakhound git, all threads", every)):
    print(f"{name:34} {t:8.3f} {size / t / 1e6:8.1f}")
print(f"leakhound 1 thread / floor: {one / floor:.2f}   (target <= 1.5)")
print(f"thread speed-up: {one / every:.2f}")
print(f"peak RSS, all threads: {rss} KB")
print(f"--staged with a 1 MB staged change: {float(staged) * 1000:.0f} ms   (target < 100 ms)")
PY
