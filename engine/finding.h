// Finding: a confirmed secret with its location, ready for filters and reporters. It holds the
// plaintext secret in memory only; every output redacts it unless --show-secrets is given.
// Identity is the fingerprint (rule id + secret), independent of where the secret was found.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
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
  // Other byte ranges [begin, end) of the snippet that show a confirmed secret (another
  // finding's, or this one's again), redacted like the secret itself; set by
  // mask_other_secrets(), sorted, not overlapping.
  std::vector<std::pair<std::size_t, std::size_t>> snippet_masks;
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

// The snippet with the secret, and every other confirmed secret it shows (snippet_masks),
// replaced by a redaction marker, unless `show_secrets`.
std::string display_snippet(const Finding& finding, bool show_secrets);
inline constexpr std::string_view kRedacted = "[REDACTED]";

// Finds the confirmed secrets in text that is echoed to the user (snippets, commit and tag
// messages, image history): every occurrence of any secret added, at least kMinLength bytes.
// Cost is linear in the text whatever the number of secrets (a hash of each 8-byte window).
class SecretMasker {
 public:
  static constexpr std::size_t kMinLength = 4;
  // Adds a secret's bytes (a finding's secret, or the encoded run of a decoded one).
  void add(std::string_view secret);
  // The secret and, when it was decoded, the encoded run its snippet shows.
  void add(const Finding& finding);
  bool empty() const { return secrets_.empty(); }
  // The ranges [begin, end) of `text` holding an added secret, sorted and merged.
  std::vector<std::pair<std::size_t, std::size_t>> find(std::string_view text) const;
  // `text` with each of those ranges replaced by kRedacted.
  std::string mask(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
  std::unordered_set<std::string> known_;
  std::unordered_multimap<std::uint64_t, std::size_t> by_prefix_;  // first 8 bytes: index
  std::vector<std::size_t> short_;                                 // secrets under 8 bytes
};

// The bytes of a confirmed secret in the scanned input [begin, end): for a decoded finding its
// encoded run. Offsets count from the same origin as the findings'.
struct ConfirmedSpan {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// The one place a snippet is made safe to print: for every finding of `findings` (the findings
// of one input, offsets from the same origin), sets snippet_masks to the other confirmed
// secrets its snippet shows: the spans of all `findings` and of `extra` (confirmed matches the
// caller dropped, such as another chunk's), and every occurrence of any of their secrets. Call
// it once an input's findings are all known (plain and decoded) and before any is reported.
void mask_other_secrets(std::span<Finding> findings, std::span<const ConfirmedSpan> extra = {});

// For sources that hold all of a scan's findings before reporting them (git history, images):
// masks every secret any of `findings` confirmed wherever the findings echo text from
// elsewhere: in provenance field values (a commit or tag message, an image's history
// created_by, in occurrences too) and in every snippet (a secret confirmed in another input).
// Provenance is masked even with --show-secrets: the secret is shown by its own finding.
void mask_secrets_across(std::span<Finding> findings);

// Turns matches in `data` (ordered by start) into findings: locates lines and columns relative
// to `data`, cuts the snippet and computes fingerprints. Lines are 1-based from data[0], plus
// `line_base`; offsets are plus `base_offset`.
void locate_findings(std::string_view data, const std::vector<Match>& matches,
                     const std::vector<Rule>& rules, std::uint64_t base_offset,
                     std::uint64_t line_base, const Provenance& provenance,
                     std::vector<Finding>& out);

}  // namespace leakhound
