#!/usr/bin/env bash
# Test fixture: compiles the built-in pack into the tests' database cache (XDG_CACHE_HOME), in
# block mode (dir) and stream mode (stream), so the tests after it load instead of compiling.
set -euo pipefail
binary=$1
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
"$binary" dir "$empty" --quiet
echo "warm-up" | "$binary" stream --quiet >/dev/null
ls "$XDG_CACHE_HOME"/leakhound/rules-*.hsdb "$XDG_CACHE_HOME"/leakhound/rules-stream-*.hsdb
