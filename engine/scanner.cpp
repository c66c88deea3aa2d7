#include "engine/scanner.h"

#include <hs.h>
#include <pcre2.h>

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

#include "engine/candidate_filter.h"
#include "engine/entropy.h"
#include "engine/rule_paths.h"
#include "engine/text.h"

namespace leakhound {
namespace {

constexpr std::uint32_t kMatchLimit = 5'000'000;
constexpr std::size_t kJitStackMax = 1024 * 1024;

}  // namespace

Scanner::Scanner(const RuleDatabase& database) : database_(database) {
  // One scratch serves both databases (Vectorscan grows it to fit each).
  for (const hs_database* compiled : {database.block_database(), database.path_database()}) {
    if (compiled && hs_alloc_scratch(compiled, &scratch_) != HS_SUCCESS) throw std::bad_alloc();
  }
  // Room for every capture group a rule may name (secret_group <= 99).
  match_data_ = pcre2_match_data_create(100, nullptr);
  match_context_ = pcre2_match_context_create(nullptr);
  jit_stack_ = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  if (!match_data_ || !match_context_ || !jit_stack_) throw std::bad_alloc();
  pcre2_set_match_limit(match_context_, kMatchLimit);
  pcre2_jit_stack_assign(match_context_, nullptr, jit_stack_);
  keyword_state_.assign(database.keyword_count(), 0);
  path_rule_applies_.assign(database.rules().size(), false);
}

Scanner::~Scanner() {
  if (scratch_) hs_free_scratch(scratch_);
  pcre2_match_data_free(match_data_);
  pcre2_match_context_free(match_context_);
  pcre2_jit_stack_free(jit_stack_);
}

int Scanner::on_hit(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                    unsigned int /*flags*/, void* context) {
  auto* self = static_cast<Scanner*>(context);
  const std::size_t rule_count = self->database_.rules().size();
  if (id >= rule_count) return 0;
  // The path database holds only path-limited rules; those that do not apply are not kept.
  if (!self->path_rule_applies_[id] && !self->database_.rules()[id].paths.empty()) return 0;
  self->hits_.push_back({id, static_cast<std::uint32_t>(to)});
  return 0;
}

std::string unconfirmed_reason(const Rule& rule) {
  return "rule " + rule.id +
         ": a candidate could not be confirmed (PCRE2 match limit reached); the rule's regex "
         "backtracks too much";
}

std::vector<std::uint32_t> Scanner::take_unconfirmed_rules() {
  std::vector<std::uint32_t> rules;
  rules.swap(unconfirmed_rules_);
  return rules;
}

Result<void> Scanner::scan(std::string_view data, std::vector<Match>& out) {
  return scan_rules(data, nullptr, out);
}

Result<void> Scanner::scan_at_path(std::string_view data, std::string_view path,
                                   std::vector<Match>& out) {
  return scan_rules(data, &path, out);
}

Result<void> Scanner::scan_rules(std::string_view data, const std::string_view* path,
                                 std::vector<Match>& out) {
  if (!scratch_ || data.empty()) return {};
  if (data.size() > std::numeric_limits<std::uint32_t>::max()) {
    return make_error("internal error: a buffer of 4 GiB or more reached the scanner unchunked");
  }
  hits_.clear();
  std::fill(keyword_state_.begin(), keyword_state_.end(), std::uint8_t{0});
  bool run_path_database = false;
  for (const std::uint32_t rule : database_.path_rules()) {
    const bool applies = !path || rule_applies_to_path(database_.rules()[rule], *path);
    path_rule_applies_[rule] = applies;
    run_path_database = run_path_database || applies;
  }
  for (const hs_database* compiled : {database_.block_database(), database_.path_database()}) {
    if (!compiled || (compiled == database_.path_database() && !run_path_database)) continue;
    hs_error_t status = hs_scan(compiled, data.data(), static_cast<unsigned int>(data.size()), 0,
                                scratch_, on_hit, this);
    if (status != HS_SUCCESS) {
      return make_error("Vectorscan scan failed with status " + std::to_string(status));
    }
  }
  stats_.hits += hits_.size();
  if (hits_.empty()) return {};
  std::sort(hits_.begin(), hits_.end(), [](const Hit& a, const Hit& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
  });
  const std::size_t first_new = out.size();
  for (auto group = hits_.begin(); group != hits_.end();) {
    auto group_end =
        std::find_if(group, hits_.end(), [&](const Hit& hit) { return hit.rule != group->rule; });
    std::uint64_t covered_until = 0;
    if (keyword_present(data, group->rule, group->end)) {
      confirm_rule(data, group->rule, &*group, &*group + (group_end - group), covered_until, false,
                   out);
    }
    group = group_end;
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_new), out.end(),
            [](const Match& a, const Match& b) {
              return a.start != b.start ? a.start < b.start : a.rule < b.rule;
            });
  return {};
}

bool Scanner::keyword_present(std::string_view data, std::uint32_t rule,
                              std::uint32_t first_hit_end) {
  const auto keywords = database_.rule_keywords(rule);
  if (keywords.empty()) return true;
  // Anywhere in the buffer counts, as it did when keywords were Vectorscan literals; a keyword
  // is most often part of the match, so the bytes around the first hit are searched first.
  const std::size_t window_end = std::min<std::size_t>(data.size(), first_hit_end + 64);
  const std::uint64_t reach = database_.max_width(rule) + 64;
  const std::size_t window_start =
      first_hit_end > reach ? static_cast<std::size_t>(first_hit_end - reach) : 0;
  const std::string_view window = data.substr(window_start, window_end - window_start);
  for (const std::uint32_t k : keywords) {
    if (keyword_state_[k] == 1) return true;
  }
  for (const std::uint32_t k : keywords) {
    if (keyword_state_[k] == 0 && contains_caseless(window, database_.keyword(k))) {
      keyword_state_[k] = 1;
      return true;
    }
  }
  for (const std::uint32_t k : keywords) {
    if (keyword_state_[k] != 0) continue;
    const bool present = contains_caseless(data, database_.keyword(k));
    keyword_state_[k] = present ? 1 : 2;
    if (present) return true;
  }
  return false;
}

const Scanner::Hit* Scanner::confirm_rule(std::string_view data, std::uint32_t rule,
                                          const Hit* begin, const Hit* end,
                                          std::uint64_t& covered_until, bool more_data_follows,
                                          std::vector<Match>& out) {
  const Rule& definition = database_.rules()[rule];
  const pcre2_code* code = database_.confirm_code(rule);
  const std::uint64_t min_width = database_.min_width(rule);
  const std::uint64_t max_width = database_.max_width(rule);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(data.data());
  const std::uint32_t match_options = more_data_follows ? PCRE2_PARTIAL_HARD : 0;
  for (const Hit* hit = begin; hit != end; ++hit) {
    const std::uint64_t hit_end = hit->end;
    if (hit_end <= covered_until || hit_end < min_width) continue;
    std::uint64_t search_from = hit_end > max_width ? hit_end - max_width : 0;
    search_from = std::max(search_from, covered_until);
    const std::uint64_t latest_start = hit_end - min_width;
    while (search_from <= latest_start) {
      pcre2_set_offset_limit(match_context_, latest_start);
      int rc = pcre2_match(code, subject, data.size(), search_from, match_options, match_data_,
                           match_context_);
      if (rc == PCRE2_ERROR_NOMATCH) break;
      if (rc == PCRE2_ERROR_PARTIAL) return hit;  // decided once more input arrives
      if (rc < 0) {
        ++stats_.confirm_failures;
        if (std::find(unconfirmed_rules_.begin(), unconfirmed_rules_.end(), rule) ==
            unconfirmed_rules_.end())
          unconfirmed_rules_.push_back(rule);
        break;
      }
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data_);
      const std::uint64_t match_start = ovector[0];
      const std::uint64_t match_end = ovector[1];
      if (match_end <= match_start) break;  // cannot happen for rules of min_width > 0
      Match match{rule, match_start, match_end, match_start, match_end, 0.0};
      const std::uint32_t group = definition.secret_group;
      if (group > 0 && static_cast<std::uint32_t>(rc) > group &&
          ovector[2 * group] != PCRE2_UNSET) {
        match.secret_start = ovector[2 * group];
        match.secret_end = ovector[2 * group + 1];
      }
      covered_until = match_end;
      if (match.secret_end > match.secret_start) {
        match.entropy =
            shannon_entropy(data.substr(match.secret_start, match.secret_end - match.secret_start));
        if (definition.min_entropy && match.entropy < *definition.min_entropy) {
          ++stats_.rejected_entropy;
        } else if (CandidateVerdict verdict =
                       vet_candidate(definition, data, match.secret_start, match.secret_end);
                   verdict.rejection != CandidateRejection::none) {
          ++(verdict.rejection == CandidateRejection::placeholder ? stats_.rejected_placeholder
             : verdict.rejection == CandidateRejection::generic   ? stats_.rejected_generic
                                                                  : stats_.rejected_entropy);
        } else {
          match.confidence = verdict.confidence;
          ++stats_.confirmed;
          out.push_back(match);
        }
      }
      if (match_end >= hit_end) break;
      search_from = match_end;
    }
  }
  return end;
}

}  // namespace leakhound
