#include "engine/candidate_filter.h"

#include "engine/checksum.h"
#include "engine/generic_filter.h"
#include "engine/placeholder_filter.h"
#include "engine/relative_entropy.h"

namespace leakhound {
namespace {

// How far the checks look on each side of a candidate for the rest of its line.
constexpr std::size_t kLineContext = 256;

}  // namespace

CandidateVerdict vet_candidate(const Rule& rule, std::string_view data, std::uint64_t secret_start,
                               std::uint64_t secret_end) {
  CandidateVerdict verdict;
  const std::string_view secret = data.substr(secret_start, secret_end - secret_start);
  if (rule.min_relative_entropy && relative_entropy(secret) < *rule.min_relative_entropy) {
    verdict.rejection = CandidateRejection::relative_entropy;
    return verdict;
  }
  if (rule.placeholder_filter || rule.generic) {
    const std::size_t window_begin = secret_start > kLineContext ? secret_start - kLineContext : 0;
    std::string_view before = data.substr(window_begin, secret_start - window_begin);
    if (std::size_t newline = before.rfind('\n'); newline != std::string_view::npos) {
      before.remove_prefix(newline + 1);
    }
    std::string_view after = data.substr(secret_end, kLineContext);
    after = after.substr(0, after.find('\n'));
    if (rule.placeholder_filter && classify_placeholder(secret, before) != PlaceholderKind::none) {
      verdict.rejection = CandidateRejection::placeholder;
      return verdict;
    }
    if (rule.generic && classify_generic(secret, before, after) != GenericSkip::none) {
      verdict.rejection = CandidateRejection::generic;
      return verdict;
    }
  }
  switch (verify_checksum(rule.checksum, secret)) {
    case ChecksumResult::valid:
      verdict.confidence = Confidence::high;
      break;
    case ChecksumResult::invalid:
      verdict.confidence = Confidence::low;
      break;
    case ChecksumResult::not_applicable:
      break;
  }
  return verdict;
}

}  // namespace leakhound
