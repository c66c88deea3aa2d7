#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/checksum.h"
#include "engine/finding.h"
#include "engine/rule_loader.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

// A token of the GitHub/npm layout with a valid checksum, built with the engine's own parts.
std::string checksummed(const std::string& prefix, test::FakeSecrets& fake) {
  const std::string payload = fake.random_string(30, test::kBase62);
  return prefix + payload + base62_encode(crc32(payload), 6);
}

// The same token with its last character changed: the checksum no longer holds.
std::string corrupted(std::string token) {
  token.back() = token.back() == 'A' ? 'B' : 'A';
  return token;
}

const std::string kClassicPrefix = std::string("gh") + "p_";

}  // namespace

TEST_CASE("crc32 matches zlib on known vectors", "[checksum]") {
  // Expected values from Python: zlib.crc32(b"...").
  CHECK(crc32("") == 0U);
  CHECK(crc32("a") == 3904355907U);
  CHECK(crc32("123456789") == 3421780262U);  // 0xCBF43926, the standard check value
  CHECK(crc32("The quick brown fox jumps over the lazy dog") == 1095738169U);
}

TEST_CASE("base62 encoding pads to the width and uses 0-9 A-Z a-z", "[checksum]") {
  CHECK(base62_encode(0, 6) == "000000");
  CHECK(base62_encode(61, 6) == "00000z");
  CHECK(base62_encode(62, 6) == "000010");
  CHECK(base62_encode(3421780262U, 6) == "3jZRME");
  CHECK(base62_encode(4294967295U, 6) == "4gfFC3");  // the largest CRC32 fits in 6 digits
}

TEST_CASE("a github-crc32 token verifies against an independently computed vector", "[checksum]") {
  // Python: payload = "abcdefghijklmnopqrstuvwxyz0123"; zlib.crc32(payload) = 2154666580,
  // which is "2LolCm" in base62.
  const std::string payload = "abcdefghijklmnopqrstuvwxyz0123";
  CHECK(crc32(payload) == 2154666580U);
  CHECK(verify_checksum(Checksum::github_crc32, kClassicPrefix + payload + "2LolCm") ==
        ChecksumResult::valid);
  CHECK(verify_checksum(Checksum::github_crc32, kClassicPrefix + payload + "2LolCn") ==
        ChecksumResult::invalid);
  CHECK(verify_checksum(Checksum::github_crc32, std::string("np") + "m_" + payload + "2LolCm") ==
        ChecksumResult::valid);
}

TEST_CASE("github-crc32 tells valid from invalid tokens and skips other layouts", "[checksum]") {
  test::FakeSecrets fake(77);
  for (const char* prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"}) {
    INFO(prefix);
    const std::string token = checksummed(prefix, fake);
    CHECK(verify_checksum(Checksum::github_crc32, token) == ChecksumResult::valid);
    CHECK(verify_checksum(Checksum::github_crc32, corrupted(token)) == ChecksumResult::invalid);
    CHECK(verify_checksum(Checksum::none, token) == ChecksumResult::not_applicable);
  }
  // Random tails are almost never valid (odds 1 in 62^6 each).
  int valid = 0;
  for (int i = 0; i < 200; ++i) {
    valid +=
        verify_checksum(Checksum::github_crc32, fake.github_classic()) == ChecksumResult::valid;
  }
  CHECK(valid == 0);
  // The stateless ghs_<app id>_<JWT> form and wrong lengths carry no such checksum.
  const std::string jwt_form = std::string("gh") + "s_9571527_" + fake.random_string(20, "abc") +
                               "." + fake.random_string(20, "abc") + "." +
                               fake.random_string(20, "abc");
  CHECK(verify_checksum(Checksum::github_crc32, jwt_form) == ChecksumResult::not_applicable);
  CHECK(verify_checksum(Checksum::github_crc32, kClassicPrefix + "abc") ==
        ChecksumResult::not_applicable);
  CHECK(verify_checksum(Checksum::github_crc32, "_" + fake.random_string(36, test::kBase62)) ==
        ChecksumResult::not_applicable);
}

TEST_CASE("checksum names parse and unknown ones are rejected by the loader", "[checksum][rules]") {
  CHECK(parse_checksum("github-crc32") == Checksum::github_crc32);
  CHECK(parse_checksum("none") == Checksum::none);
  CHECK_FALSE(parse_checksum("crc64").has_value());
  CHECK(to_string(Checksum::github_crc32) == "github-crc32");
  auto with = [](const std::string& value) {
    return parse_rules(test::demo_rule_toml("checksum = " + value + "\n"), "demo.toml");
  };
  auto good = with("\"github-crc32\"");
  REQUIRE(good.ok());
  CHECK(good.value()[0].checksum == Checksum::github_crc32);
  auto bad = with("\"crc64\"");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("demo.toml:6: rule 'demo': 'checksum' must be"));
  REQUIRE_FALSE(with("3").ok());
}

TEST_CASE("a checksum decides the confidence of each match and finding", "[checksum][scanner]") {
  Rule rule = test::make_rule("token", "\\b" + kClassicPrefix + "[0-9A-Za-z]{36}\\b");
  rule.confidence = Confidence::medium;
  rule.checksum = Checksum::github_crc32;
  auto database = test::build_database({rule});
  test::FakeSecrets fake(5);
  const std::string good = checksummed(kClassicPrefix, fake);
  const std::string text = "a=" + good + "\nb=" + corrupted(good) + "\n";
  Scanner scanner(*database);
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].confidence == Confidence::high);
  CHECK(matches[1].confidence == Confidence::low);
  std::vector<Finding> findings;
  locate_findings(text, matches, database->rules(), 0, 0, Provenance{"file", "t", {}, {}},
                  findings);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].confidence == Confidence::high);
  CHECK(findings[1].confidence == Confidence::low);
  // Without a checksum the finding keeps its rule's confidence.
  matches[0].confidence.reset();
  findings.clear();
  locate_findings(text, matches, database->rules(), 0, 0, Provenance{"file", "t", {}, {}},
                  findings);
  CHECK(findings[0].confidence == Confidence::medium);
}

TEST_CASE("cli: json and sarif report the checksum's confidence per finding", "[checksum][cli]") {
  test::TempDir tree;
  test::FakeSecrets fake(9);
  const std::string good = checksummed(kClassicPrefix, fake);
  tree.write("good.env", "GITHUB_TOKEN=" + good + "\n");
  tree.write("bad.env", "GITHUB_TOKEN=" + corrupted(checksummed(kClassicPrefix, fake)) + "\n");
  auto json = test::run_leakhound({"dir", ".", "-f", "json"}, tree.path());
  REQUIRE(json.exit_code == 1);
  std::map<std::string, std::string> confidence;
  const auto report = nlohmann::json::parse(json.out);
  for (const auto& finding : report["findings"]) {
    if (finding["rule_id"] == "github-classic-pat")
      confidence[finding["path"].get<std::string>()] = finding["confidence"].get<std::string>();
  }
  CHECK(confidence["good.env"] == "high");
  CHECK(confidence["bad.env"] == "low");
  auto sarif = test::run_leakhound({"dir", ".", "-f", "sarif"}, tree.path());
  std::set<std::string> sarif_confidence;
  const auto log = nlohmann::json::parse(sarif.out);
  for (const auto& result : log["runs"][0]["results"]) {
    if (result["ruleId"] == "github-classic-pat")
      sarif_confidence.insert(result["properties"]["confidence"].get<std::string>());
  }
  CHECK(sarif_confidence == std::set<std::string>{"high", "low"});
}
