// Regression tests for built-in provider rules, run on the real binary with the embedded pack.
// Every token is generated here at run time, so this file holds no secret-shaped string.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "tests/support.h"

using leakhound::test::FakeSecrets;
using leakhound::test::kBase62;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

namespace {

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kHex = "0123456789abcdef";

// The rule ids found on each line of `content`, scanned as one file.
std::multimap<int, std::string> rules_by_line(const std::string& content) {
  TempDir tree;
  tree.write("config.env", content);
  auto result = run_leakhound({"dir", "config.env", "-f", "json"}, tree.path());
  INFO(result.err);
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  std::multimap<int, std::string> found;
  const auto report = nlohmann::json::parse(result.out);
  for (const auto& finding : report["findings"]) {
    found.emplace(finding["line"].get<int>(), finding["rule_id"].get<std::string>());
  }
  return found;
}

bool has(const std::multimap<int, std::string>& found, int line, const std::string& rule) {
  auto [begin, end] = found.equal_range(line);
  for (auto it = begin; it != end; ++it) {
    if (it->second == rule) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "regression: Slack legacy xoxs-, xoxo-, xoxa-, xoxr- and classic xoxb- tokens were not found",
    "[regression][rules]") {
  // Issue 16: none of the peers' 64 Slack legacy-token examples was found, for want of a rule.
  FakeSecrets fake;
  auto digits = [&](std::size_t n) { return "1" + fake.random_string(n - 1, kDigits); };
  const std::string session = "xox" + std::string("s-") + digits(10) + "-" + digits(10) + "-" +
                              digits(10) + "-" + fake.random_string(10, kHex);
  const std::string legacy_test = "xox" + std::string("o-") + digits(6) + "-" + digits(6) + "-" +
                                  digits(6) + "-" + fake.random_string(18, kHex);
  const std::string workspace = "xox" + std::string("a-2-") + digits(9) + "-" + digits(11) + "-" +
                                digits(13) + "-" + fake.random_string(18, kHex);
  const std::string refresh = "xox" + std::string("r-") + fake.random_string(40, kBase62);
  const std::string classic_bot =
      "xox" + std::string("b-") + digits(12) + "-" + fake.random_string(24, kBase62);
  const std::string content = "SLACK_TOKEN=" + session + "\n" + "token: " + legacy_test + "\n" +
                              "\"access_token\": \"" + workspace + "\",\n" + "refresh_token = '" +
                              refresh + "'\n" + "SLACK_BOT_TOKEN=" + classic_bot + "\n";
  const auto found = rules_by_line(content);
  CHECK(has(found, 1, "slack-legacy-token"));
  CHECK(has(found, 2, "slack-legacy-token"));
  CHECK(has(found, 3, "slack-legacy-workspace-token"));
  CHECK(has(found, 4, "slack-legacy-workspace-token"));
  CHECK(has(found, 5, "slack-legacy-bot-token"));
  // A current bot token (two numeric ids) stays with its own rule, once.
  const std::string bot = fake.slack_bot();
  const auto current = rules_by_line("SLACK_BOT_TOKEN=" + bot + "\n");
  CHECK(has(current, 1, "slack-bot-token"));
  CHECK(current.size() == 1);
}

TEST_CASE("regression: the Okta rule fired inside a word (rookTable = 00...)",
          "[regression][rules]") {
  // Issue 16: "rookTable" holds "okTa", and the caseless name had no word boundary.
  FakeSecrets fake;
  auto okta_value = [&] { return "00" + fake.random_string(40, kBase62); };
  const std::string content = "rookTable = " + okta_value() + "\n" +
                              "OKTA_API_TOKEN=" + okta_value() + "\n" + "const myOktaToken = '" +
                              okta_value() + "';\n" + "okta.client.token: " + okta_value() + "\n";
  const auto found = rules_by_line(content);
  CHECK_FALSE(has(found, 1, "okta-api-token"));
  CHECK(has(found, 2, "okta-api-token"));
  CHECK(has(found, 3, "okta-api-token"));
  CHECK(has(found, 4, "okta-api-token"));
}
