#!/usr/bin/env bash
# Scanning a multi-hundred-MB container image against the floor of decompressing its layers
# (`tar -xzOf LAYER > /dev/null` for each layer, one after the other), in one run.
# The image is an OCI layout built here from corpus/gen_source_corpus.py output, split into
# gzip layers.
#   bench/compare_image.sh [--size-mb 300] [--layers 6] [--binary build/release/leakhound] [--runs 3]
set -euo pipefail
size_mb=300
layers=6
binary=build/release/leakhound
runs=3
while (($#)); do
  case $1 in
    --size-mb) size_mb=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
binary=$(realpath "$binary")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
python3 "$here/corpus/gen_source_corpus.py" "$work/src" --size-mb "$size_mb" --quiet
mkdir -p "$work/layers"
(cd "$work/src" && find . -type f | sort) > "$work/files"
split -n "r/$layers" -d "$work/files" "$work/list."
index=0
for list in "$work"/list.*; do
  tar -C "$work/src" -czf "$work/layers/$index.tar.gz" -T "$list"
  index=$((index + 1))
done
python3 - "$work" <<'PY'
import hashlib, json, os, shutil, sys
work = sys.argv[1]
image = os.path.join(work, "image")
os.makedirs(os.path.join(image, "blobs", "sha256"))
def blob(data=None, path=None):
    digest = hashlib.sha256(data if data is not None else open(path, "rb").read()).hexdigest()
    target = os.path.join(image, "blobs", "sha256", digest)
    if path: shutil.move(path, target)
    else: open(target, "wb").write(data)
    return {"digest": "sha256:" + digest, "size": os.path.getsize(target)}
names = sorted(os.listdir(os.path.join(work, "layers")), key=lambda n: int(n.split(".")[0]))
layers = []
for name in names:
    d = blob(path=os.path.join(work, "layers", name))
    d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
    layers.append(d)
config = blob(json.dumps({"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers"},
                          "history": [{"created_by": "COPY part %d" % i} for i in range(len(layers))]}).encode())
manifest = blob(json.dumps({"schemaVersion": 2, "config": config, "layers": layers}).encode())
manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
json.dump({"schemaVersion": 2, "manifests": [manifest]}, open(os.path.join(image, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(image, "oci-layout"), "w"))
PY
compressed=$(du -sb "$work/image/blobs" | cut -f1)
uncompressed=$(du -sb "$work/src" | cut -f1)
rm -rf "$work/src"
echo "image: $layers gzip layers, $(python3 -c "print(f'{$uncompressed/1e6:.0f}')") MB of files, $(python3 -c "print(f'{$compressed/1e6:.0f}')") MB compressed"
cat "$work"/image/blobs/sha256/* > /dev/null  # warm the page cache

floor_script="$work/floor.sh"
{
  echo 'set -e'
  python3 - "$work/image" <<'PY'
import json, os, sys
image = sys.argv[1]
index = json.load(open(os.path.join(image, "index.json")))
manifest = json.load(open(os.path.join(image, "blobs", "sha256", index["manifests"][0]["digest"][7:])))
for layer in manifest["layers"]:
    print("tar -xzOf '%s' > /dev/null" % os.path.join(image, "blobs", "sha256", layer["digest"][7:]))
PY
} > "$floor_script"
floor=$(best sh "$floor_script")
one=$(best "$binary" image "$work/image" --threads 1 --format jsonl --output /dev/null --quiet)
all=$(best "$binary" image "$work/image" --format jsonl --output /dev/null --quiet)
rss='?'
if command -v /usr/bin/time > /dev/null; then
  rss=$( (/usr/bin/time -f '%M' "$binary" image "$work/image" --format jsonl --output /dev/null \
          --quiet 2>&1 >/dev/null) | tail -1 || true)
fi
("$binary" image "$work/image" --format jsonl --output /dev/null 2>&1 || true) | tail -1

mbps() { python3 -c "print(f'{$uncompressed / 1e6 / $1:.0f}')"; }
ratio() { python3 -c "print(f'{$1 / $floor:.2f}')"; }
printf '| command | seconds | MB/s (uncompressed) | vs floor |\n| --- | --- | --- | --- |\n'
printf '| `tar -xzOf` of every layer, one after the other (floor) | %.3f | %s | 1.00 |\n' "$floor" "$(mbps "$floor")"
printf '| leakhound image, 1 thread | %.3f | %s | %s |\n' "$one" "$(mbps "$one")" "$(ratio "$one")"
printf '| leakhound image, %s threads | %.3f | %s | %s |\n' "$(nproc)" "$all" "$(mbps "$all")" "$(ratio "$all")"
echo "peak RSS (all threads): ${rss} KiB"
