#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "engine/scanner.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using namespace leakhound;
using leakhound::test::make_rule;

namespace {

std::string build_error(std::vector<Rule> rules) {
  auto database = RuleDatabase::build(std::move(rules), DatabaseOptions{});
  REQUIRE_FALSE(database.ok());
  return database.error().message;
}

std::size_t count_matches(const RuleDatabase& database, std::string_view text) {
  Scanner scanner(database);
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  return matches.size();
}

}  // namespace

TEST_CASE("regexes PCRE2 rejects are reported with file and rule id", "[database]") {
  auto message = build_error({make_rule("broken-regex", "token_(unclosed")});
  CHECK_THAT(message, Catch::Contains("test: rule 'broken-regex'"));
  CHECK_THAT(message, Catch::Contains("PCRE2"));
}

TEST_CASE("regexes Vectorscan cannot compile are rejected naming the rule", "[database]") {
  // Backreferences are valid PCRE but outside the common dialect.
  auto message = build_error({make_rule("ok", "abc[0-9]{4}"), make_rule("backref", "(ab)\\1x")});
  CHECK_THAT(message, Catch::Contains("rule 'backref'"));
  CHECK_THAT(message, Catch::Contains("Vectorscan"));
}

TEST_CASE("a regex that can match the empty string is rejected", "[database]") {
  CHECK_THAT(build_error({make_rule("empty", "a*")}), Catch::Contains("empty string"));
}

TEST_CASE("a secret_group beyond the regex's groups is rejected", "[database]") {
  CHECK_THAT(build_error({make_rule("groups", "key=([a-z]{8})", 2)}),
             Catch::Contains("secret_group 2 but the regex has 1 capture group"));
}

TEST_CASE("the database cache is reused, and a corrupt entry is rebuilt", "[database][cache]") {
  test::TempDir cache;
  DatabaseOptions options{cache.path()};
  std::vector<Rule> rules = {make_rule("cached", "cache_[a-z]{8}")};
  {
    auto first = RuleDatabase::build(rules, options);
    REQUIRE(first.ok());
    CHECK_FALSE(first.value()->loaded_from_cache());
  }
  std::filesystem::path entry;
  for (const auto& file : std::filesystem::directory_iterator(cache.path()))
    entry = file.path();
  REQUIRE(entry.extension() == ".hsdb");
  {
    auto second = RuleDatabase::build(rules, options);
    REQUIRE(second.ok());
    CHECK(second.value()->loaded_from_cache());
    CHECK(count_matches(*second.value(), "x cache_abcdefgh y") == 1);
  }
  SECTION("a flipped payload byte") {
    std::fstream file(entry, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-5, std::ios::end);
    file.put('\x7f');
  }
  SECTION("a truncated entry") {
    std::filesystem::resize_file(entry, std::filesystem::file_size(entry) / 2);
  }
  SECTION("garbage") {
    std::ofstream(entry, std::ios::trunc) << "not a database";
  }
  auto rebuilt = RuleDatabase::build(rules, options);
  REQUIRE(rebuilt.ok());
  CHECK_FALSE(rebuilt.value()->loaded_from_cache());
  CHECK(count_matches(*rebuilt.value(), "x cache_abcdefgh y") == 1);
  auto again = RuleDatabase::build(rules, options);
  REQUIRE(again.ok());
  CHECK(again.value()->loaded_from_cache());
}

TEST_CASE("a changed rule set does not reuse another set's cache entry", "[database][cache]") {
  test::TempDir cache;
  DatabaseOptions options{cache.path()};
  REQUIRE(RuleDatabase::build({make_rule("one", "one_[a-z]{8}")}, options).ok());
  auto other = RuleDatabase::build({make_rule("one", "two_[a-z]{8}")}, options);
  REQUIRE(other.ok());
  CHECK_FALSE(other.value()->loaded_from_cache());
  CHECK(count_matches(*other.value(), "two_abcdefgh") == 1);
  CHECK(count_matches(*other.value(), "one_abcdefgh") == 0);
}

TEST_CASE("an empty rule set builds and scans nothing", "[database]") {
  auto database = test::build_database({});
  CHECK(count_matches(*database, "anything at all") == 0);
}
