// Runs every rule's examples and negative examples through the real scanner: each example must
// produce a finding of its rule, each negative example none. Used by `leakhound rules check`
// and by the test suite, so a rule change that breaks its own examples cannot land.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/rule_database.h"

namespace leakhound {

struct RuleCheckFailure {
  std::string rule_id;
  std::string origin;
  std::string message;  // names the example by index, never quotes it
};

struct RuleCheckReport {
  std::size_t rules = 0;
  std::size_t examples = 0;
  std::size_t negative_examples = 0;
  std::vector<RuleCheckFailure> failures;
};

// `minimum_examples`: how many examples and negative examples each rule must carry.
RuleCheckReport check_rule_examples(const RuleDatabase& database, std::size_t minimum_examples = 1);

}  // namespace leakhound
