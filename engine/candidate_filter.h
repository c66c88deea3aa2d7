// The checks a confirmed candidate goes through after its rule's regex and min_entropy, each
// switched by a rule key: min_relative_entropy (engine/relative_entropy.h), placeholder_filter
// (engine/placeholder_filter.h, on by default), generic (engine/generic_filter.h) and checksum
// (engine/checksum.h). Scanner calls vet_candidate once per candidate, so a scan without
// candidates pays nothing for them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/rule.h"

namespace leakhound {

enum class CandidateRejection : std::uint8_t { none, relative_entropy, placeholder, generic };

struct CandidateVerdict {
  CandidateRejection rejection = CandidateRejection::none;
  std::optional<Confidence> confidence;  // set when a check overrides the rule's confidence
};

// The candidate is data[secret_start, secret_end); the checks may read the rest of its line.
CandidateVerdict vet_candidate(const Rule& rule, std::string_view data, std::uint64_t secret_start,
                               std::uint64_t secret_end);

}  // namespace leakhound
