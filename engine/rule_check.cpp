#include "engine/rule_check.h"

#include <algorithm>

#include "engine/scanner.h"

namespace leakhound {

RuleCheckReport check_rule_examples(const RuleDatabase& database, std::size_t minimum_examples) {
  RuleCheckReport report;
  Scanner scanner(database);
  const auto& rules = database.rules();
  report.rules = rules.size();
  std::vector<Match> matches;
  auto matches_rule = [&](std::string_view text, std::uint32_t rule, std::string& error) {
    matches.clear();
    if (auto scanned = scanner.scan(text, matches); !scanned) {
      error = scanned.error().message;
      return false;
    }
    return std::any_of(matches.begin(), matches.end(),
                       [&](const Match& match) { return match.rule == rule; });
  };
  for (std::uint32_t index = 0; index < rules.size(); ++index) {
    const Rule& rule = rules[index];
    auto fail = [&](std::string message) {
      report.failures.push_back({rule.id, rule.origin, std::move(message)});
    };
    if (rule.examples.size() < minimum_examples) {
      fail("has " + std::to_string(rule.examples.size()) + " example(s); at least " +
           std::to_string(minimum_examples) + " required");
    }
    if (rule.negative_examples.size() < minimum_examples) {
      fail("has " + std::to_string(rule.negative_examples.size()) +
           " negative example(s); at least " + std::to_string(minimum_examples) + " required");
    }
    for (std::size_t i = 0; i < rule.examples.size(); ++i) {
      ++report.examples;
      std::string error;
      if (!matches_rule(rule.examples[i], index, error)) {
        fail("example #" + std::to_string(i + 1) + " is not detected" +
             (error.empty() ? "" : ": " + error));
      }
    }
    for (std::size_t i = 0; i < rule.negative_examples.size(); ++i) {
      ++report.negative_examples;
      std::string error;
      if (matches_rule(rule.negative_examples[i], index, error)) {
        fail("negative example #" + std::to_string(i + 1) + " is detected");
      } else if (!error.empty()) {
        fail("negative example #" + std::to_string(i + 1) + ": " + error);
      }
    }
  }
  return report;
}

}  // namespace leakhound
