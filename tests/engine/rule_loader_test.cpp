#include <catch2/catch.hpp>

#include "engine/rule_loader.h"

using namespace leakhound;

namespace {

constexpr const char* kValidRule = R"(
[[rules]]
id = "demo-token"
name = "Demo token"
description = "A demo."
regex = '''demo_[a-z]{8}'''
secret_group = 0
keywords = ["demo_"]
min_entropy = 2.5
severity = "high"
confidence = "medium"
tags = ["demo"]
references = ["https://example.invalid/docs"]
remediation = "Revoke it."
examples = ["demo_abcdefgh"]
negative_examples = ["demo_abc"]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("a complete rule loads with every field", "[rules]") {
  auto rules = parse_rules(kValidRule, "demo.toml");
  REQUIRE(rules.ok());
  REQUIRE(rules.value().size() == 1);
  const Rule& rule = rules.value()[0];
  CHECK(rule.id == "demo-token");
  CHECK(rule.regex == "demo_[a-z]{8}");
  CHECK(rule.keywords == std::vector<std::string>{"demo_"});
  CHECK(rule.min_entropy == Approx(2.5));
  CHECK(rule.severity == Severity::high);
  CHECK(rule.confidence == Confidence::medium);
  CHECK(rule.remediation == "Revoke it.");
  CHECK(rule.origin == "demo.toml");
}

TEST_CASE("an unknown key is rejected with file, line, rule id and key", "[rules]") {
  auto rules = parse_rules(replace(kValidRule, "secret_group = 0", "secret_grup = 0"), "demo.toml");
  REQUIRE_FALSE(rules.ok());
  const std::string& message = rules.error().message;
  CHECK_THAT(message, Catch::Contains("demo.toml:7"));
  CHECK_THAT(message, Catch::Contains("demo-token"));
  CHECK_THAT(message, Catch::Contains("unknown key 'secret_grup'"));
}

TEST_CASE("invalid rule definitions are rejected with a reason", "[rules]") {
  struct Case {
    std::string from, to, reason;
  };
  auto [from, to, reason] =
      GENERATE(Case{"id = \"demo-token\"", "id = \"Demo Token\"", "invalid id"},
               Case{"id = \"demo-token\"", "id = \"demo--token\"", "invalid id"},
               Case{"severity = \"high\"", "severity = \"urgent\"", "'severity' must be one of"},
               Case{"confidence = \"medium\"", "confidence = 3", "'confidence' must be a string"},
               Case{"secret_group = 0", "secret_group = -1", "'secret_group' must be an integer"},
               Case{"min_entropy = 2.5", "min_entropy = 9.0", "'min_entropy' must be a number"},
               Case{"tags = [\"demo\"]", "tags = [1]", "'tags' must contain only strings"},
               Case{"name = \"Demo token\"\n", "", "missing required key 'name'"},
               Case{"keywords = [\"demo_\"]", "keywords = [\"\"]", "keywords must not be empty"});
  auto rules = parse_rules(replace(kValidRule, from, to), "demo.toml");
  REQUIRE_FALSE(rules.ok());
  CHECK_THAT(rules.error().message, Catch::Contains(reason));
  CHECK_THAT(rules.error().message, Catch::StartsWith("demo.toml:"));
}

TEST_CASE("invalid TOML is reported with its line", "[rules]") {
  auto rules = parse_rules("[[rules]]\nid = \"x\"\nname = \n", "broken.toml");
  REQUIRE_FALSE(rules.ok());
  CHECK_THAT(rules.error().message, Catch::StartsWith("broken.toml:3: invalid TOML"));
}

TEST_CASE("duplicate rule ids are rejected", "[rules]") {
  std::string twice = std::string(kValidRule) + kValidRule;
  auto rules = parse_rules(twice, "demo.toml");
  REQUIRE_FALSE(rules.ok());
  CHECK_THAT(rules.error().message, Catch::Contains("duplicate id"));
}

TEST_CASE("unknown top-level keys are rejected", "[rules]") {
  auto rules = parse_rules(std::string("title = \"x\"\n") + kValidRule, "demo.toml");
  REQUIRE_FALSE(rules.ok());
  CHECK_THAT(rules.error().message, Catch::Contains("unknown top-level key 'title'"));
}

TEST_CASE("a missing rule file is reported by name", "[rules]") {
  auto rules = load_rules("/nonexistent/rules.toml");
  REQUIRE_FALSE(rules.ok());
  CHECK_THAT(rules.error().message, Catch::Contains("/nonexistent/rules.toml"));
}
