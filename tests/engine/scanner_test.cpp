#include <catch2/catch.hpp>

#include "engine/scanner.h"
#include "tests/engine/test_rules.h"

using namespace leakhound;
using leakhound::test::make_rule;

namespace {

std::vector<Match> scan(const RuleDatabase& database, std::string_view text) {
  Scanner scanner(database);
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  return matches;
}

std::string_view secret_of(std::string_view text, const Match& match) {
  return text.substr(match.secret_start, match.secret_end - match.secret_start);
}

}  // namespace

TEST_CASE("stage two recovers the match start and the secret group", "[scanner]") {
  auto database =
      test::build_database({make_rule("kv", "api_key\\s*=\\s*\"([A-Za-z0-9]{12,40})\"", 1)});
  // The value is split so that the generic secret rules do not report this file.
  std::string_view text =
      "line one\nconfig.api_key = \"Zx81Qw7L"
      "m2Np4Rt6\"\n";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 1);
  CHECK(text.substr(matches[0].start, matches[0].end - matches[0].start) ==
        "api_key = \"Zx81Qw7L"
        "m2Np4Rt6\"");
  CHECK(secret_of(text, matches[0]) == "Zx81Qw7Lm2Np4Rt6");
}

TEST_CASE("overlapping hits of one rule collapse to the longest match", "[scanner]") {
  // Vectorscan reports an end at every length from 8 to 30; one finding must come out.
  auto database = test::build_database({make_rule("run", "tok_[a-z]{4,40}")});
  std::string_view text = "x tok_abcdefghijklmnopqrstuvwxyz y";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 1);
  CHECK(secret_of(text, matches[0]) == "tok_abcdefghijklmnopqrstuvwxyz");
}

TEST_CASE("separate matches of one rule are all reported, in order", "[scanner]") {
  auto database = test::build_database({make_rule("fixed", "\\bid_[0-9]{6}\\b")});
  std::string_view text = "id_123456 id_654321\nid_111111 id_12345 id_1234567";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 3);
  CHECK(secret_of(text, matches[0]) == "id_123456");
  CHECK(secret_of(text, matches[1]) == "id_654321");
  CHECK(secret_of(text, matches[2]) == "id_111111");
}

TEST_CASE("matches at the very start and end of the buffer are found", "[scanner]") {
  auto database = test::build_database({make_rule("edge", "\\bedge_[a-z]{6}\\b")});
  std::string_view text = "edge_abcdef middle edge_ghijkl";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].start == 0);
  CHECK(matches[1].end == text.size());
}

TEST_CASE("keywords gate a rule on the whole buffer", "[scanner]") {
  Rule rule = make_rule("hex-with-context", "\\b[0-9a-f]{32}\\b");
  rule.keywords = {"MyService"};
  auto database = test::build_database({rule});
  // Random hex: a counted one ("0123456789abcdef" twice) is a placeholder since issue 16.
  const std::string hex = "3f9a1c7e52b04d8e96a1f0c3b7e28d45";
  CHECK(scan(*database, "value " + hex).empty());
  CHECK(scan(*database, "myservice:\n  value " + hex).size() == 1);      // caseless
  CHECK(scan(*database, "value " + hex + "\n# MYSERVICE").size() == 1);  // anywhere in the buffer
}

TEST_CASE("min_entropy drops low-information secrets", "[scanner]") {
  Rule rule = make_rule("pw", "password=([^\\s]{8,64})", 1);
  rule.min_entropy = 3.0;
  auto database = test::build_database({rule});
  CHECK(scan(*database, "password=aaaaaaaaaaaa").empty());
  auto matches = scan(*database, "password=Qz8#kL2!vN5@");
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].entropy > 3.0);
}

TEST_CASE("matches of several rules come out ordered by start", "[scanner]") {
  auto database = test::build_database(
      {make_rule("second", "\\bbbb_[0-9]{4}\\b"), make_rule("first", "\\baaa_[0-9]{4}\\b")});
  std::string_view text = "aaa_1111 bbb_2222 aaa_3333";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 3);
  CHECK(matches[0].start < matches[1].start);
  CHECK(matches[1].start < matches[2].start);
  CHECK(database->rules()[matches[1].rule].id == "second");
}

TEST_CASE("a multi-line match is confirmed", "[scanner]") {
  auto database = test::build_database(
      {make_rule("block", "-----BEGIN BLOCK-----[A-Za-z0-9\\s]{16,2000}-----END BLOCK-----")});
  std::string body;
  for (int i = 0; i < 20; ++i)
    body += "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n";
  std::string text = "prefix\n-----BEGIN BLOCK-----\n" + body + "-----END BLOCK-----\nsuffix";
  auto matches = scan(*database, text);
  REQUIRE(matches.size() == 1);
  CHECK(text.substr(matches[0].start, 21) == "-----BEGIN BLOCK-----");
}
