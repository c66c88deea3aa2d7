#!/usr/bin/env bash
# The scan step of the GitHub Action (action.yml; docs/ci.md "GitHub Actions"). Kept out of the
# YAML so that tests/ci/github_action_test.cpp can run it with a fake GITHUB_* environment.
#
# Two questions, answered separately:
# - The gate (the job's exit code): what this event adds. A pull request: base...head. A push:
#   before..after. Anything else, a first push, or a range that cannot be resolved in the clone
#   (a force push whose old tip was never fetched, a shallow checkout): the full history, with a
#   notice saying why, never a silent pass.
# - Code scanning (the uploaded SARIF): a push uploads the full history, because code scanning
#   closes as fixed every alert missing from an upload of the same category: uploading only
#   before..after would close every earlier alert on the next push. A pull request uploads what it
#   adds. A pull request from a fork (or by Dependabot) has a read-only token: the upload is
#   skipped with a notice instead of failing the job.
#
# Environment: LEAKHOUND (binary), CONFIG, BASELINE, FAIL_ON, UPLOAD_SARIF (true/false), and
# GitHub's GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_ACTOR, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY. Writes leakhound.sarif (upload) and, when the gate scans another range,
# leakhound-gate.sarif. Outputs: findings, exit-code, upload, sarif-file. Exits 0: the action's
# last step fails the job with exit-code.
set -uo pipefail

binary=${LEAKHOUND:-leakhound}
fail_on=${FAIL_ON:-low}
event=${GITHUB_EVENT_NAME:-}
event_file=${GITHUB_EVENT_PATH:-}
output=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
upload=${UPLOAD_SARIF:-true}
sarif=leakhound.sarif
gate_sarif=leakhound-gate.sarif
notes=()

notice() {
  echo "::notice title=leakhound::$1"
  notes+=("$1")
}
# A field of the event payload, or nothing.
event_field() {
  [[ -n $event_file && -f $event_file ]] || return 0
  jq -r "$1 // empty" "$event_file" 2>/dev/null || true
}
is_commit() { [[ -n $1 && ${1//0/} != "" ]] && git cat-file -e "$1^{commit}" 2>/dev/null; }

options=(--fail-on "$fail_on")
[[ -n ${CONFIG:-} ]] && options+=(--config "$CONFIG")
[[ -n ${BASELINE:-} ]] && options+=(--baseline "$BASELINE")

if [[ $(git rev-parse --is-shallow-repository 2>/dev/null) == true ]]; then
  notice "the checkout is shallow: only the commits present are scanned (use actions/checkout with fetch-depth: 0)"
fi

gate_range=""       # empty: the full history
upload_range=""     # what the uploaded SARIF covers; empty: the full history
case $event in
  pull_request | pull_request_target)
    base=$(event_field .pull_request.base.sha)
    head=$(event_field .pull_request.head.sha)
    if is_commit "$base" && is_commit "$head"; then
      gate_range="$base...$head"
      upload_range=$gate_range
    else
      notice "the pull request's base or head commit is not in the clone: scanning the full history"
    fi
    if [[ $event == pull_request ]]; then
      head_repo=$(event_field .pull_request.head.repo.full_name)
      base_repo=$(event_field .pull_request.base.repo.full_name)
      if [[ -n $head_repo && $head_repo != "$base_repo" ]]; then
        [[ $upload == true ]] && notice "a pull request from a fork ($head_repo) cannot upload to code scanning (read-only token): SARIF upload skipped, the gate still applies"
        upload=false
      elif [[ ${GITHUB_ACTOR:-} == "dependabot[bot]" ]]; then
        [[ $upload == true ]] && notice "Dependabot's pull requests have a read-only token: SARIF upload skipped, the gate still applies"
        upload=false
      fi
    fi
    ;;
  push)
    before=$(event_field .before)
    before=${before:-${PUSH_BEFORE:-}}
    after=${GITHUB_SHA:-HEAD}
    if [[ -z $before || ${before//0/} == "" ]]; then
      : # a new branch or tag: the full history
    elif is_commit "$before" && is_commit "$after"; then
      gate_range="$before..$after"
    else
      notice "the push's previous tip ${before:0:12} is not in the clone (a force push, or a shallow checkout): gating on the full history"
    fi
    ;;
esac

# One scan when the gate and the upload cover the same commits, else two.
scan() {  # scan RANGE SARIF_FILE
  local args=(git . --format sarif --output "$2" "${options[@]}")
  [[ -n $1 ]] && args+=(--range "$1")
  local code=0
  "$binary" "${args[@]}" || code=$?
  return $code
}
code=0
scan "$upload_range" "$sarif" || code=$?
gate_file=$sarif
if [[ $gate_range != "$upload_range" ]]; then
  [[ $code -eq 2 ]] && echo "::warning title=leakhound::the full-history scan for code scanning was partial (exit code 2)"
  code=0
  scan "$gate_range" "$gate_sarif" || code=$?
  gate_file=$gate_sarif
fi

findings=0
if [[ -f $gate_file ]]; then
  findings=$(jq '[.runs[].results[]] | length' "$gate_file")
fi
{
  echo "### leakhound: $findings finding(s)"
  echo
  echo "Scanned: ${gate_range:-the full history} (fail on $fail_on and above)."
  for note in "${notes[@]}"; do echo "- $note"; done
  echo
  if [[ $findings -gt 0 ]]; then
    echo "| rule | severity | file | line |"
    echo "| --- | --- | --- | --- |"
    # The severity word: the result's own, else GitHub's bands of the rule's security-severity.
    jq -r '.runs[] as $run | $run.results[] |
      (.properties.severity // (($run.tool.driver.rules[.ruleIndex].properties["security-severity"] // "0")
        | tonumber | if . >= 9 then "critical" elif . >= 7 then "high" elif . >= 4 then "medium"
        else "low" end)) as $severity |
      "| \(.ruleId) | \($severity) | \(.locations[0].physicalLocation.artifactLocation.uri) | \(.locations[0].physicalLocation.region.startLine) |"' \
      "$gate_file"
    echo
  fi
  if [[ $upload == true && $gate_file != "$sarif" && -f $sarif ]]; then
    echo "Code scanning gets the full history: $(jq '[.runs[].results[]] | length' "$sarif") result(s)."
  fi
  echo "Exit code $code (0 clean, 1 findings at or above '$fail_on', 2 error, 3 honeytoken)."
} >> "$summary"
{
  echo "findings=$findings"
  echo "exit-code=$code"
  echo "upload=$upload"
  echo "sarif-file=$sarif"
} >> "$output"
exit 0
