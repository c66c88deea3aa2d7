// Hardening of limits and malformed inputs: PCRE2 match limits in stream and redact, malformed
// baseline files, and text that is not UTF-8 given to a TOML reader.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support.h"

namespace leakhound::test {

TEST_CASE("regression: a PCRE2 match-limit hit in stream drops the candidate silently",
          "[regression][stream]") {
  TempDir tree;
  write_backtracking_rule(tree);
  for (const char* input : {"input.txt", "input.jsonl"}) {
    INFO(input);
    auto result = run_leakhound({"stream", input, "--rules", "rules/backtrack.toml", "-f", "json"},
                                tree.path());
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(std::string(input) + ": rule backtracking-rule") != std::string::npos);
    CHECK(result.err.find("1 rule/input pair(s) with a candidate not confirmed") !=
          std::string::npos);
    auto report = nlohmann::json::parse(result.out);
    bool named = false;
    for (const auto& problem : report["summary"]["problems"])
      named = named || problem.dump().find("backtracking-rule") != std::string::npos;
    CHECK(named);
  }
}

TEST_CASE("regression: a PCRE2 match-limit hit in redact drops the candidate silently",
          "[regression][redact]") {
  TempDir tree;
  write_backtracking_rule(tree);
  auto result =
      run_leakhound({"redact", "input.txt", "--rules", "rules/backtrack.toml"}, tree.path());
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("input.txt: rule backtracking-rule") != std::string::npos);
  CHECK(result.err.find("1 rule(s) with a candidate not confirmed") != std::string::npos);
  CHECK(result.out == std::string(40, 'a') + " c ab\n");
}

TEST_CASE("regression: a baseline with a string version aborts with a JSON type error",
          "[regression][baseline]") {
  TempDir tree;
  tree.write("a.txt", "nothing\n");
  const std::string entry = R"({"rule_id":"r","path":"a.txt","fingerprint":"00ff"})";
  for (const std::string& baseline :
       {std::string(R"({"version":"1","entries":[]})"),
        std::string(R"({"version":1.5,"entries":[]})"), std::string(R"({"version":null})"),
        std::string(R"({"version":1,"entries":{"a":1}})"),
        std::string(R"({"version":1,"entries":[7]})"),
        std::string(R"({"version":1,"entries":[{"rule_id":1,"path":"a.txt","fingerprint":"00"}]})"),
        std::string(R"({"version":1,"entries":[)") + entry + R"(,{"path":[]}]})",
        std::string(R"([1,2])"), std::string("\"text\"")}) {
    INFO(baseline);
    tree.write("baseline.json", baseline);
    auto result = run_leakhound({"dir", "a.txt", "--baseline", "baseline.json"}, tree.path());
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("baseline.json: ") != std::string::npos);
    CHECK(result.err.find("exception") == std::string::npos);
  }
}

}  // namespace leakhound::test
