#include <catch2/catch.hpp>

#include "engine/overlaps.h"
#include "engine/scanner.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

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

TEST_CASE("a rule's keyword far from its hits still counts, and is looked for once", "[scanner]") {
  // Keywords are looked for only when a rule hits, near the hit first: one far before or after
  // every hit, or in a buffer where two rules share it, must still count as it did when they
  // were literals of the Vectorscan database.
  Rule first = make_rule("hex-a", "\\bA[0-9a-f]{32}\\b");
  Rule second = make_rule("hex-b", "\\bB[0-9a-f]{32}\\b");
  first.keywords = {"other", "MyService"};
  second.keywords = {"myservice"};
  auto database = test::build_database({first, second});
  const std::string hex = "3f9a1c7e52b04d8e96a1f0c3b7e28d45";
  const std::string filler(100'000, '.');
  const std::string hits = "A" + hex + " B" + hex + "\n";
  CHECK(scan(*database, filler + hits + filler).empty());
  CHECK(scan(*database, "MYSERVICE" + filler + hits + filler).size() == 2);
  CHECK(scan(*database, filler + hits + filler + "mySERVICE").size() == 2);
  CHECK(scan(*database, hits + "OTHER").size() == 1);  // hex-a's other keyword only
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

namespace {

std::vector<std::string> rules_found(const RuleDatabase& database, std::string_view text,
                                     const std::string_view* path) {
  Scanner scanner(database);
  std::vector<Match> matches;
  REQUIRE((path ? scanner.scan_at_path(text, *path, matches) : scanner.scan(text, matches)).ok());
  drop_generic_overlaps(database.rules(), matches);
  std::vector<std::string> ids;
  for (const Match& match : matches)
    ids.push_back(database.rules()[match.rule].id);
  return ids;
}

Rule path_rule() {
  // A user:value line, as a .htpasswd entry is: nothing in it but the file's name says so.
  Rule rule = make_rule("demo-file", "^[a-z]{4,12}:([A-Za-z0-9]{16,40})$", 1);
  rule.paths = {".demo", "conf/*.demo"};
  return rule;
}

}  // namespace

TEST_CASE("rules limited by paths run in their own database, only where a path matches",
          "[scanner][paths]") {
  test::TempDir cache;
  std::vector<Rule> rules = {make_rule("anywhere", "tok_[a-z]{8}"), path_rule()};
  test::FakeSecrets fake(7);
  const std::string text = "tok_abcdefgh\nlogin:" + fake.random_string(22, test::kBase62) + "\n";
  for (const bool from_cache : {false, true}) {
    auto built = RuleDatabase::build(rules, DatabaseOptions{cache.path()});
    REQUIRE(built.ok());
    const RuleDatabase& database = *built.value();
    CHECK(database.loaded_from_cache() == from_cache);
    REQUIRE(database.path_database() != nullptr);
    REQUIRE(database.path_rules().size() == 1);
    CHECK(database.path_rules()[0] == 1);
    using Ids = std::vector<std::string>;
    const Ids both = {"anywhere", "demo-file"};
    CHECK(rules_found(database, text, nullptr) == both);  // content alone: every rule
    for (std::string_view path : {"home/.demo", "app/conf/local.demo"})
      CHECK(rules_found(database, text, &path) == both);
    for (std::string_view path : {"notes.txt", "home/.demo.bak", ""})
      CHECK(rules_found(database, text, &path) == Ids{"anywhere"});
  }
}

TEST_CASE("a rule set of path-limited rules only scans at their paths", "[scanner][paths]") {
  auto database = test::build_database({path_rule()});
  CHECK(database->block_database() == nullptr);
  test::FakeSecrets fake(11);
  const std::string text = "login:" + fake.random_string(22, test::kBase62) + "\n";
  const std::string_view inside = "x/.demo";
  const std::string_view outside = "x/demo.txt";
  CHECK(rules_found(*database, text, &inside) == std::vector<std::string>{"demo-file"});
  CHECK(rules_found(*database, text, &outside).empty());
}

TEST_CASE("regression: a path-limited rule's match outside its paths hid a generic finding",
          "[scanner][paths][regression]") {
  // Both rules find the same value; the path rule's match used to be found everywhere and
  // dropped only later for its path, after it had already dropped the generic rule's match.
  Rule generic = make_rule("generic-demo", "passcode:([A-Za-z0-9]{16,40})", 1);
  generic.generic = true;
  auto database = test::build_database({generic, path_rule()});
  test::FakeSecrets fake(19);
  const std::string text =
      "pass"
      "code:" +
      fake.random_string(24, test::kBase62) + "\n";
  const std::string_view outside = "notes.txt";
  const std::string_view inside = "etc/.demo";
  CHECK(rules_found(*database, text, &outside) == std::vector<std::string>{"generic-demo"});
  // Where the path rule applies it names the credential, and the generic match gives way.
  CHECK(rules_found(*database, text, &inside) == std::vector<std::string>{"demo-file"});
}
