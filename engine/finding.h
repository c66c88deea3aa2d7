// Finding: a confirmed secret with its location, ready for filters and reporters. It holds the
// plaintext secret in memory only; every output redacts it unless --show-secrets is given.
// Identity is the fingerprint (rule id + secret), independent of where the secret was found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/provenance.h"
#include "engine/rule.h"
#include "engine/scanner.h"

namespace leakhound {

// Set on a finding whose secret is a planted decoy (honeytokens/): any sighting is an incident.
struct HoneytokenMatch {
  std::string id;  // registry entry id
  std::string label;
  std::string planted_at;
  std::string kind;  // the minted kind, or "aws-canary" for a key of a canary AWS account
};

struct Finding {
  const Rule* rule = nullptr;
  std::string secret;
  std::string fingerprint;  // hex SHA-256 of rule id, NUL, secret
  double entropy = 0.0;
  // The rule's confidence, unless a check of this secret (its checksum) decided otherwise.
  Confidence confidence = Confidence::medium;
  std::uint64_t offset = 0;  // secret span in bytes from the start of the input
  std::uint64_t end_offset = 0;
  std::uint64_t line = 0;  // 1-based; columns count code points (non-continuation bytes)
  std::uint64_t column = 0;
  std::uint64_t end_line = 0;  // the position just after the secret's last byte
  std::uint64_t end_column = 0;
  std::string snippet;  // the secret's first line, clipped around it; plaintext
  std::size_t snippet_secret_begin = 0;
  std::size_t snippet_secret_end = 0;
  Provenance provenance;
  std::optional<HoneytokenMatch> honeytoken;
  // An inline marker allows it (engine/inline_allow.h): on the secret's first line, or a
  // nextline marker on the line above. Set by locate_findings, which sees the whole lines.
  bool inline_allowed = false;
  // Found in decoded content (engine/decoder.h): the encodings from the outside in, such as
  // "base64" or "base64>percent"; the location is then that of the encoded run. Empty: plain.
  std::string encoding;
  // git: the branch, tag and remote tips (and HEAD) whose tree still holds the secret; printed
  // as provenance.present_at.
  std::vector<std::string> present_at;
};

// A honeytoken sighting is always critical, whatever its rule says.
inline Severity effective_severity(const Finding& finding) {
  return finding.honeytoken ? Severity::critical : finding.rule->severity;
}

std::string fingerprint(std::string_view rule_id, std::string_view secret);

// The snippet with the secret replaced by a redaction marker, unless `show_secrets`.
std::string display_snippet(const Finding& finding, bool show_secrets);
inline constexpr std::string_view kRedacted = "[REDACTED]";

// Turns matches in `data` (ordered by start) into findings: locates lines and columns relative
// to `data`, cuts the snippet and computes fingerprints. Lines are 1-based from data[0], plus
// `line_base`; offsets are plus `base_offset`.
void locate_findings(std::string_view data, const std::vector<Match>& matches,
                     const std::vector<Rule>& rules, std::uint64_t base_offset,
                     std::uint64_t line_base, const Provenance& provenance,
                     std::vector<Finding>& out);

}  // namespace leakhound
