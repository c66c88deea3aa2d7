#!/usr/bin/env bash
# Validates leakhound's SARIF with Microsoft's SARIF Multitool using GitHub's ingestion rules
# ("Gh;Sarif") and fails on any error-level result. Exit 77 (skipped) when the tool is missing.
set -euo pipefail
binary=$(realpath "$1")
tool=${SARIF_MULTITOOL:-}
if [[ -z $tool ]]; then
  for candidate in \
    "${LEAKHOUND_TOOLS:-$HOME/.cache/leakhound-tools}/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" \
    "$(command -v Sarif.Multitool || true)"; do
    if [[ -n $candidate && -x $candidate ]]; then tool=$candidate; break; fi
  done
fi
if [[ -z $tool ]]; then
  echo "SKIPPED: SARIF Multitool not installed (scripts/setup installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/src dir"
# Fake tokens assembled at run time, so this script holds no secret-shaped string.
token="gh""p_$(head -c 200 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
while [[ ${#token} -lt 40 ]]; do token="${token}a"; done
key="AK""IA$(head -c 200 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)"
printf 'token = "%s"\n' "$token" > "$work/tree/src dir/app.py"
printf 'aws_access_key_id: %s\n' "$key" > "$work/tree/config.yaml"
set +e
(cd "$work/tree" && "$binary" dir . --format sarif --output "$work/out.sarif" --quiet)
status=$?
set -e
if [[ $status -ne 1 ]]; then
  echo "FAIL: expected exit code 1 (findings), got $status"
  exit 1
fi
if grep -q "$token" "$work/out.sarif"; then
  echo "FAIL: the SARIF output contains a plaintext secret"
  exit 1
fi
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
"$tool" validate --rule-kind "Gh;Sarif" --log ForceOverwrite --output "$work/validation.sarif" \
  "$work/out.sarif" > "$work/validation.log" 2>&1 || true
if [[ ! -s $work/validation.sarif ]]; then
  echo "FAIL: the SARIF Multitool produced no report"
  cat "$work/validation.log"
  exit 1
fi
errors=$(python3 - "$work/validation.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
errors = 0
for run in log.get("runs", []):
    for result in run.get("results", []):
        if result.get("level", "warning") == "error":
            errors += 1
            print("error:", result.get("ruleId"), json.dumps(result.get("message")), file=sys.stderr)
    for invocation in run.get("invocations", []):
        for note in invocation.get("toolExecutionNotifications", []) + invocation.get("toolConfigurationNotifications", []):
            if note.get("level", "warning") == "error":
                errors += 1
                print("tool error:", json.dumps(note.get("message")), file=sys.stderr)
print(errors)
PY
)
grep -E "warning|error" "$work/validation.log" || true
echo "SARIF Multitool (Gh;Sarif): $errors error(s)"
[[ $errors -eq 0 ]]
