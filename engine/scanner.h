// Scanner: finds rule matches in a buffer. One per thread (it owns Vectorscan scratch space and
// PCRE2 match data); it borrows an immutable RuleDatabase that all scanners share.
//
// Stage 1 runs the Vectorscan block database once over the buffer, collecting (rule, end) hits;
// a rule with keywords is confirmed only when one of them occurs in the buffer (caselessly),
// looked for only when the rule hits, near the first hit first, and remembered for the buffer.
// Stage 2 confirms each rule's hits with its PCRE2 code: a search that starts at most max_width
// bytes before the hit's end and may not start after it (PCRE2's offset limit), so confirm work
// stays bounded whatever the buffer size. Hits covered by a confirmed match are skipped, so
// overlapping hits of one rule collapse to the longest (leftmost) match. Rules limited by `paths`
// are in a second database (RuleDatabase::path_database), run only when the input's path calls for
// them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "engine/rule_database.h"

struct hs_scratch;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;
struct pcre2_real_jit_stack_8;

namespace leakhound {

struct Match {
  Match() = default;
  // Spelled out so that the six-field brace initialisation used everywhere stays warning-free.
  Match(std::uint32_t rule_index, std::uint64_t match_start, std::uint64_t match_end,
        std::uint64_t secret_begin, std::uint64_t secret_stop, double secret_entropy,
        std::optional<Confidence> checked_confidence = {})
      : rule(rule_index),
        start(match_start),
        end(match_end),
        secret_start(secret_begin),
        secret_end(secret_stop),
        entropy(secret_entropy),
        confidence(checked_confidence) {}

  std::uint32_t rule = 0;
  std::uint64_t start = 0;  // whole match, byte offsets in the scanned buffer
  std::uint64_t end = 0;
  std::uint64_t secret_start = 0;  // the rule's secret_group
  std::uint64_t secret_end = 0;
  double entropy = 0.0;  // of the secret, computed once
  // Set when a check (the rule's checksum) overrides the rule's confidence.
  std::optional<Confidence> confidence;
};

struct ScannerStats {
  std::uint64_t hits = 0;              // stage-1 reports
  std::uint64_t confirmed = 0;         // stage-2 matches
  std::uint64_t rejected_entropy = 0;  // below min_entropy or min_relative_entropy
  std::uint64_t confirm_failures = 0;  // PCRE2 gave up (match limit)
  // Dropped by engine/placeholder_filter.h and by engine/generic_filter.h.
  std::uint64_t rejected_placeholder = 0;
  std::uint64_t rejected_generic = 0;
};

class Scanner {
 public:
  explicit Scanner(const RuleDatabase& database);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Appends the confirmed matches in `data` to `out`, ordered by start offset, then rule.
  // `data` must be shorter than 4 GiB (Vectorscan's limit); sources chunk larger inputs.
  // Every rule runs, those limited by `paths` too, as on a rule's examples (content alone).
  Result<void> scan(std::string_view data, std::vector<Match>& out);
  // The same for the content of the input at `path`: a rule limited by `paths` runs only when
  // `path` matches one of them (engine/rule_paths.h), so it neither finds nor hides anything
  // elsewhere; an empty path (decoded bytes, an input without a name) matches none.
  Result<void> scan_at_path(std::string_view data, std::string_view path, std::vector<Match>& out);

  const ScannerStats& stats() const { return stats_; }
  const RuleDatabase& database() const { return database_; }

  // Rules whose PCRE2 confirmation gave up (match, depth or JIT stack limit) on some hit since
  // the last call, each once: a candidate that was neither confirmed nor ruled out. The caller
  // names them and marks its scan partial; it must take them after each input it scans.
  std::vector<std::uint32_t> take_unconfirmed_rules();

  struct Hit {  // 8 bytes: buffers are below 4 GiB
    std::uint32_t rule;
    std::uint32_t end;
  };
  // Stage 2 for the hits [begin, end) of one rule, ordered by end, in `data`. Matches end after
  // `covered_until`, which is advanced past each confirmed match. With `more_data_follows` (a
  // stream's window), it stops at the first hit whose match could still grow with more input
  // (PCRE2 partial match) and returns it; otherwise it returns `end`. StreamScanner shares this.
  const Hit* confirm_rule(std::string_view data, std::uint32_t rule, const Hit* begin,
                          const Hit* end, std::uint64_t& covered_until, bool more_data_follows,
                          std::vector<Match>& out);

 private:
  // `path` nullptr: every path-limited rule runs; else those that apply to *path.
  Result<void> scan_rules(std::string_view data, const std::string_view* path,
                          std::vector<Match>& out);
  bool keyword_present(std::string_view data, std::uint32_t rule, std::uint32_t first_hit_end);
  static int on_hit(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void* context);

  const RuleDatabase& database_;
  hs_scratch* scratch_ = nullptr;
  pcre2_real_match_data_8* match_data_ = nullptr;
  pcre2_real_match_context_8* match_context_ = nullptr;
  pcre2_real_jit_stack_8* jit_stack_ = nullptr;
  std::vector<Hit> hits_;
  // Per keyword, for the buffer being scanned: 0 not looked for yet, 1 present, 2 absent.
  std::vector<std::uint8_t> keyword_state_;
  std::vector<bool> path_rule_applies_;  // per rule, for the scan in progress
  std::vector<std::uint32_t> unconfirmed_rules_;
  ScannerStats stats_;
};

// The problem reported for an input where `rule`'s confirmation gave up (take_unconfirmed_rules).
std::string unconfirmed_reason(const Rule& rule);

}  // namespace leakhound
