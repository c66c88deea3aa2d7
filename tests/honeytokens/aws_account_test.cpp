// AWS account id decoding, checked against values computed by hand from the base32 alphabet.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bitset>
#include <fstream>
#include <string>
#include <vector>

#include "honeytokens/aws_account.h"
#include "honeytokens/mint.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

// The documented technique spelled out on a string of '0' and '1': each of the 16 characters
// after the prefix is its 5-bit position in A-Z2-7; the first 48 bits are the first 6 bytes;
// the account id is bits 46..7 of them (mask 0x7fffffffff80, shift right by 7).
std::uint64_t account_by_hand(const std::string& key_id) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string bits;
  for (char c : key_id.substr(4))
    bits += std::bitset<5>(alphabet.find(c)).to_string();
  const std::string first_six_bytes = bits.substr(0, 48);
  const std::string account_bits = first_six_bytes.substr(1, 40);  // drop bit 47 and bits 6..0
  return std::bitset<40>(account_bits).to_ullong();
}

}  // namespace

TEST_CASE("honeytokens: AWS account id decoding matches a worked example", "[honeytokens]") {
  // The example from Tal Be'ery's note on AWS key ids, assembled so this file scans clean.
  const std::string published = std::string("AS") + "IA" + "Y34FZKBOKMUTVV7A";
  CHECK(account_by_hand(published) == 609629065308u);
  CHECK(decode_aws_account_id(published) == std::optional<std::uint64_t>(609629065308u));

  // Random shapes: the decoder agrees with the hand computation.
  test::FakeSecrets fake(77);
  for (int round = 0; round < 50; ++round) {
    const std::string key_id = fake.aws_access_key_id();
    INFO(round);
    CHECK(decode_aws_account_id(key_id) == std::optional<std::uint64_t>(account_by_hand(key_id)));
  }
}

TEST_CASE("honeytokens: AWS account id decoding rejects other shapes", "[honeytokens]") {
  CHECK_FALSE(decode_aws_account_id(""));
  CHECK_FALSE(decode_aws_account_id(std::string("AK") + "IA" + "Y34FZKBOKMUTVV7"));   // short
  CHECK_FALSE(decode_aws_account_id(std::string("AK") + "IA" + "Y34FZKBOKMUTVV1A"));  // '1'
  CHECK_FALSE(decode_aws_account_id(std::string("ak") + "ia" + "Y34FZKBOKMUTVV7A"));
}

TEST_CASE("honeytokens: encoding an account id round-trips through the hand decoder",
          "[honeytokens]") {
  for (std::uint64_t account :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{123456789012}, kMaxAwsAccountId}) {
    MintOptions options;
    options.aws_account = account;
    auto token = mint_honeytoken(HoneytokenKind::aws, options);
    REQUIRE(token);
    CHECK(account_by_hand(token.value().value) == account);
  }
}

TEST_CASE("honeytokens: canary account lists skip comments and report bad lines", "[honeytokens]") {
  test::TempDir dir;
  const auto file = dir.write("canaries.txt",
                              "# canary accounts\n123456789012\n\n  000000000042  # padded\n"
                              "12345\nnot-an-id\n");
  std::vector<std::string> problems;
  auto accounts = load_canary_accounts(
      file, [&](const std::string& input, const std::string&) { problems.push_back(input); });
  REQUIRE(accounts);
  CHECK(accounts.value() == std::set<std::uint64_t>{123456789012, 42});
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == file.string() + ":5");
  CHECK(problems[1] == file.string() + ":6");
  CHECK_FALSE(load_canary_accounts(dir.path() / "missing.txt", nullptr));
}
