#include <catch2/catch.hpp>

#include <set>

#include "engine/rule_check.h"
#include "engine/rule_database.h"
#include "engine/rule_loader.h"
#include "tests/support.h"

using namespace leakhound;

TEST_CASE("the built-in rules load and compile", "[builtin]") {
  auto rules = load_builtin_rules();
  REQUIRE(rules.ok());
  CHECK(rules.value().size() >= 30);
  CHECK(test::builtin_database().rules().size() == rules.value().size());
}

TEST_CASE("every built-in rule passes its examples and negative examples", "[builtin]") {
  RuleCheckReport report = check_rule_examples(test::builtin_database(), 3);
  for (const RuleCheckFailure& failure : report.failures) {
    UNSCOPED_INFO(failure.rule_id << ": " << failure.message);
  }
  CHECK(report.failures.empty());
  CHECK(report.examples >= 3 * report.rules);
}

TEST_CASE("built-in rules are documented: references, tags and remediation", "[builtin]") {
  auto rules = load_builtin_rules();
  REQUIRE(rules.ok());
  for (const Rule& rule : rules.value()) {
    INFO(rule.id);
    CHECK_FALSE(rule.references.empty());
    CHECK_FALSE(rule.tags.empty());
    CHECK_FALSE(rule.remediation.empty());
  }
}
