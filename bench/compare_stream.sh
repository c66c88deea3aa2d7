#!/usr/bin/env bash
# Stream benchmark for leakhound: throughput, memory and latency of `stream` and `redact`.
#
#   bench/compare_stream.sh [--binary build/release/leakhound] [--size-mb 1000]
#                           [--memory-mb "100 1000"] [--latency-seconds 5]
#
# throughput  generates SIZE MB of access-log-like lines (a fake secret every ~50k lines) once,
#             then pipes it through `cat`, `leakhound stream` and `leakhound redact` (one
#             core each: the reader is single-threaded per stream), best of 3, MB/s (10^6).
# memory      pipes each size in --memory-mb of generated log straight from the generator into
#             `stream` and `redact`, reporting peak RSS from /usr/bin/time -v.
# latency     a writer emits 100k lines/s (secrets at random, about 1 in 200 lines) into
#             `stream`; each finding is timestamped when read back; p50/p99/max of
#             (read time - write time of the secret's line) in ms.
# Figures are informational; nothing here is a pass/fail gate.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BINARY="$SCRIPT_DIR/../build/release/leakhound"
SIZE_MB=1000
MEMORY_MB="100 1000"
LATENCY_SECONDS=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) BINARY=$2; shift 2 ;;
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --memory-mb) MEMORY_MB=$2; shift 2 ;;
        --latency-seconds) LATENCY_SECONDS=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare_stream.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ -x "$BINARY" ]] || { echo "compare_stream.sh: no binary at $BINARY" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakhound-stream-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A generator of access-log lines with a fake token every ~50k lines: SIZE MB to stdout.
cat > "$WORK/gen.py" <<'PY'
import random, sys
size = int(float(sys.argv[1]) * 1e6)
r = random.Random(1)
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
lines = []
for i in range(4000):
    ip = ".".join(str(r.randrange(256)) for _ in range(4))
    path = "/api/v1/" + "/".join(r.choice(["users", "orders", "items", "search", "health"]) for _ in range(3))
    lines.append(f'{ip} - - [01/May/2024:10:{i % 60:02d}:00 +0000] "GET {path}?id={r.randrange(10**6)} HTTP/1.1" 200 {r.randrange(10**5)} "-" "curl/8.{i % 9}"\n')
block = "".join(lines)
secret = "token=gh" + "p_" + "".join(r.choice(alphabet) for _ in range(36)) + "\n"
block = (block + secret).encode()
out = sys.stdout.buffer
written = 0
while written < size:
    chunk = block[: size - written]
    out.write(chunk)
    written += len(chunk)
PY

export XDG_CACHE_HOME="$WORK/cache"
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
echo "== warming the database cache"
echo x | "$BINARY" stream --quiet >/dev/null || true

if [[ "${SKIP_THROUGHPUT:-0}" != 1 ]]; then
echo "== throughput ($SIZE_MB MB through a pipe, best of 3)"
python3 "$WORK/gen.py" "$SIZE_MB" > "$WORK/log"
best() {  # best wall seconds of 3 runs of: cat LOG | $*
    local best_s=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        cat "$WORK/log" | "$@" > /dev/null 2>&1 || true
        end=$(date +%s.%N)
        best_s=$(python3 -c "a='$best_s'; b=$end-$start; print(b if not a else min(float(a), b))")
    done
    python3 -c "print(f'{$best_s:.3f} s  {$SIZE_MB/$best_s:.0f} MB/s')"
}
printf '%-28s' "cat | cat (floor)"; best cat
printf '%-28s' "cat | leakhound stream"; best "$BINARY" stream --quiet
printf '%-28s' "cat | leakhound redact"; best "$BINARY" redact --quiet

fi

echo "== memory (peak RSS, generated log piped in)"
for mb in $MEMORY_MB; do
    for cmd in stream redact; do
        rss=$( { python3 "$WORK/gen.py" "$mb" | /usr/bin/time -v "$BINARY" "$cmd" --quiet > /dev/null || true; } 2>&1 |
              awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
        echo "$cmd $mb MB: peak RSS $((rss / 1024)) MiB"
    done
done

echo "== latency (100k lines/s for ${LATENCY_SECONDS}s, secret lines timestamped)"
cat > "$WORK/latency.py" <<'PY'
# The writer and the reader are separate processes (a reader thread would wait for the GIL
# while the writer formats lines, which adds up to the interpreter's switch interval, 5 ms, to
# what is measured). Both stamp with CLOCK_MONOTONIC, which is system-wide.
import json, multiprocessing, os, random, subprocess, sys, time
binary, seconds = sys.argv[1], float(sys.argv[2])
r = random.Random(2)
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
proc = subprocess.Popen([binary, "stream", "--quiet", "--no-config"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, bufsize=0)
def reader(fd, stdin_fd, results):
    os.close(stdin_fd)  # inherited: leakhound must see its input end when the writer closes it
    received = []
    with os.fdopen(fd, "rb", buffering=0) as out:
        pending = b""
        while True:
            data = out.read(65536)
            if not data: break
            now = time.monotonic()
            pending += data
            *lines, pending = pending.split(b"\n")
            received.extend((json.loads(raw)["line"], now) for raw in lines if raw)
    results.put(received)
results = multiprocessing.Queue()
child = multiprocessing.Process(target=reader, args=(proc.stdout.fileno(), proc.stdin.fileno(), results))
child.start()
proc.stdout.close()
sent = {}  # line number -> write time
rate, batch = 100_000, 100  # lines per second, lines per write (a write every 1 ms)
line, start = 0, time.monotonic()
while time.monotonic() - start < seconds:
    chunk = []
    secret_lines = []
    for _ in range(batch):
        line += 1
        if r.random() < 1 / 200:
            chunk.append("auth token=gh" + "p_" + "".join(r.choice(alphabet) for _ in range(36)) + " ok\n")
            secret_lines.append(line)
        else:
            chunk.append(f"10.0.0.{line % 256} GET /api/items/{line} 200 {r.randrange(10**5)}\n")
    data = "".join(chunk).encode()
    now = time.monotonic()
    for n in secret_lines: sent[n] = now
    os.write(proc.stdin.fileno(), data)
    target = start + line / rate
    delay = target - time.monotonic()
    if delay > 0: time.sleep(delay)
elapsed = time.monotonic() - start
proc.stdin.close()
received = results.get(); child.join(); proc.wait()
lat = sorted((t - sent[n]) * 1000 for n, t in received if n in sent)
if not lat: print("no findings"); sys.exit(1)
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"{line} lines in {elapsed:.1f}s ({line / elapsed:.0f} lines/s), {len(lat)}/{len(sent)} secrets reported; "
      f"latency p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms, max {lat[-1]:.2f} ms")
PY
python3 "$WORK/latency.py" "$BINARY" "$LATENCY_SECONDS"
