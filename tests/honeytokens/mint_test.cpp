// Minting: every kind's decoy has the shape its built-in rule detects, and the checksums the
// providers define.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "engine/hashing.h"
#include "engine/rule_database.h"
#include "engine/rule_loader.h"
#include "engine/scanner.h"
#include "honeytokens/aws_account.h"
#include "honeytokens/mint.h"
#include "honeytokens/watch.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

bool has_rule(std::string_view id) {
  for (const Rule& rule : test::builtin_database().rules()) {
    if (rule.id == id) return true;
  }
  return false;
}

// Ids of the rules whose secret is exactly `value`, scanning it as a line of a config file.
std::vector<std::string> rules_matching(const std::string& value, bool in_assignment = true) {
  const std::string text =
      in_assignment ? "# deploy settings\ntoken = \"" + value + "\"\n" : value + "\n";
  Scanner scanner(test::builtin_database());
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches));
  std::vector<std::string> ids;
  const std::size_t begin = text.find(value);
  for (const Match& match : matches) {
    if (match.secret_start == begin && match.secret_end == begin + value.size())
      ids.push_back(test::builtin_database().rules()[match.rule].id);
  }
  return ids;
}

// CRC-32 (IEEE, reflected, polynomial 0xEDB88320) bit by bit: independent of the code under test.
std::uint32_t reference_crc32(std::string_view data) {
  std::uint32_t crc = 0xffffffffu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::uint64_t from_base62(std::string_view digits) {
  const std::string_view alphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uint64_t value = 0;
  for (char c : digits)
    value = value * 62 + alphabet.find(c);
  return value;
}

}  // namespace

TEST_CASE("honeytokens: every minted kind is matched by its built-in rule", "[honeytokens]") {
  for (std::string_view name : honeytoken_kind_names()) {
    const HoneytokenKind kind = *parse_honeytoken_kind(name);
    const std::string_view rule_id = honeytoken_rule_id(kind);
    if (rule_id.empty()) continue;  // generic: see below
    INFO(name);
    REQUIRE(has_rule(rule_id));
    for (int round = 0; round < 20; ++round) {
      auto token = mint_honeytoken(kind);
      REQUIRE(token);
      const auto ids = rules_matching(token.value().value);
      CHECK(std::find(ids.begin(), ids.end(), rule_id) != ids.end());
    }
  }
}

TEST_CASE("honeytokens: a generic decoy matches no built-in rule", "[honeytokens]") {
  for (int round = 0; round < 20; ++round) {
    auto token = mint_honeytoken(HoneytokenKind::generic);
    REQUIRE(token);
    CHECK(token.value().value.size() >= 32);
    CHECK(rules_matching(token.value().value, false).empty());
  }
}

TEST_CASE("honeytokens: GitHub and npm decoys end in the base62 CRC32 of their random part",
          "[honeytokens]") {
  for (HoneytokenKind kind : {HoneytokenKind::github, HoneytokenKind::npm}) {
    auto token = mint_honeytoken(kind);
    REQUIRE(token);
    const std::string& value = token.value().value;
    REQUIRE(value.size() == 40);  // 4-character prefix, 30 random, 6 checksum
    const std::string_view random_part = std::string_view(value).substr(4, 30);
    CHECK(from_base62(std::string_view(value).substr(34)) == reference_crc32(random_part));
  }
  // CRC-32 of "123456789" is the standard check value 0xCBF43926.
  CHECK(reference_crc32("123456789") == 0xcbf43926u);
  CHECK(from_base62(base62_crc32_checksum("123456789")) == 0xcbf43926u);
  CHECK(base62_crc32_checksum("123456789").size() == 6);
  CHECK(base62_crc32_checksum("").size() == 6);  // CRC 0: zero-padded
}

TEST_CASE("honeytokens: decoys are fresh random values", "[honeytokens]") {
  for (std::string_view name : honeytoken_kind_names()) {
    const HoneytokenKind kind = *parse_honeytoken_kind(name);
    auto first = mint_honeytoken(kind);
    auto second = mint_honeytoken(kind);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first.value().value != second.value().value);
  }
}

TEST_CASE("honeytokens: an AWS decoy decodes to the chosen account", "[honeytokens]") {
  MintOptions options;
  options.aws_account = 123456789012;
  auto token = mint_honeytoken(HoneytokenKind::aws, options);
  REQUIRE(token);
  CHECK(token.value().value.size() == 20);
  CHECK(decode_aws_account_id(token.value().value) == std::optional<std::uint64_t>(123456789012));
  CHECK(token.value().secret_key.size() == 40);
  // The top bit is set, as in every key id AWS has issued since 2019.
  const char first = token.value().value[4];
  CHECK(kBase32Alphabet.find(first) >= 16);

  options.aws_account = kMaxAwsAccountId + 1;
  CHECK_FALSE(mint_honeytoken(HoneytokenKind::aws, options));
}

TEST_CASE("regression: a decoy that only a path-limited rule matches got no literal rule",
          "[honeytokens][regression]") {
  // 32 hex digits: rails-master-key's shape, but that rule runs only on config/master.key, so
  // without a literal rule the decoy would go unseen in every other file.
  test::FakeSecrets fake(5);
  const std::string value = fake.random_string(32, "0123456789abcdef");
  const std::string text =
      "[[honeytokens]]\nid = \"rails-shaped-decoy\"\nkind = \"generic\"\n"
      "label = \"hex decoy\"\nplanted_at = \"wiki\"\n"
      "created = 2026-12-03\nsha256 = \"" +
      to_hex(sha256(value)) + "\"\nvalue = \"" + value + "\"\n";
  std::vector<std::string> problems;
  HoneytokenRegistry registry = HoneytokenRegistry::parse(
      text, "test",
      [&](const std::string&, const std::string& reason) { problems.push_back(reason); });
  CHECK(problems == std::vector<std::string>{});
  REQUIRE(registry.entries().size() == 1);
  HoneytokenWatch watch(std::move(registry), {}, "");
  const std::vector<Rule> literals = watch.literal_rules(test::builtin_database());
  REQUIRE(literals.size() == 1);
  CHECK(literals[0].id.starts_with("honeytoken-"));
}
