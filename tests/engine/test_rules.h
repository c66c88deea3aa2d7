// Small rule sets written inline for engine tests, independent of the built-in pack.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"

namespace leakhound::test {

inline Rule make_rule(std::string id, std::string regex, std::uint32_t secret_group = 0) {
  Rule rule;
  rule.id = std::move(id);
  rule.name = rule.id + " name";
  rule.description = "A test rule.";
  rule.regex = std::move(regex);
  rule.secret_group = secret_group;
  rule.severity = Severity::high;
  rule.origin = "test";
  return rule;
}

// A minimal rule file with one rule, "demo", for tests of optional rule keys: `extra_keys`
// (lines of TOML) come right after the regex, as line 6 onwards of the file.
inline std::string demo_rule_toml(const std::string& extra_keys = "") {
  return "[[rules]]\n"
         "id = \"demo\"\n"
         "name = \"Demo\"\n"
         "description = \"A demo.\"\n"
         "regex = '''demo_[a-z]{8}'''\n" +
         extra_keys +
         "severity = \"high\"\n"
         "confidence = \"medium\"\n"
         "tags = []\n"
         "references = []\n"
         "examples = []\n"
         "negative_examples = []\n";
}

inline std::unique_ptr<RuleDatabase> build_database(std::vector<Rule> rules) {
  auto database = RuleDatabase::build(std::move(rules), DatabaseOptions{});
  if (!database) throw std::runtime_error(database.error().message);
  return std::move(database).value();
}

}  // namespace leakhound::test
