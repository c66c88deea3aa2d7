// The registry: round trip, lookup by SHA-256, and forgiving loading of a hand-edited file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/hashing.h"
#include "honeytokens/registry.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

HoneytokenEntry sample_entry(const std::string& id, const std::string& value) {
  HoneytokenEntry entry;
  entry.id = id;
  entry.kind = "generic";
  entry.label = "wiki \"ops\" page";
  entry.planted_at = "https://wiki.example/ops\tsecrets";
  entry.created = "2024-05-01";
  entry.sha256 = to_hex(sha256(value));
  return entry;
}

struct Problems {
  std::vector<std::string> inputs;
  std::vector<std::string> reasons;
  ProblemCallback callback() {
    return [this](const std::string& input, const std::string& reason) {
      inputs.push_back(input);
      reasons.push_back(reason);
    };
  }
};

}  // namespace

TEST_CASE("honeytokens: a registry entry round-trips through its TOML form", "[honeytokens]") {
  HoneytokenEntry entry = sample_entry("a1b2c3", "decoy value one");
  entry.value = "decoy value one";
  Problems problems;
  auto registry = HoneytokenRegistry::parse(registry_entry_toml(entry), "reg", problems.callback());
  CHECK(problems.inputs.empty());
  REQUIRE(registry.entries().size() == 1);
  const HoneytokenEntry& loaded = registry.entries().front();
  CHECK(loaded.id == entry.id);
  CHECK(loaded.label == entry.label);
  CHECK(loaded.planted_at == entry.planted_at);
  CHECK(loaded.created == entry.created);
  CHECK(loaded.value == entry.value);
  CHECK(loaded.line == 1);
  CHECK(registry.find_by_sha256(to_hex(sha256("decoy value one"))) == &loaded);
  CHECK(registry.find_by_sha256(to_hex(sha256("another value"))) == nullptr);
}

TEST_CASE("honeytokens: a malformed registry entry is reported with its line and ignored",
          "[honeytokens]") {
  const std::string good_one = registry_entry_toml(sample_entry("aaaa01", "first"));
  const std::string good_two = registry_entry_toml(sample_entry("aaaa02", "second"));
  const std::string text = "# registry\n\n" + good_one + "\n" +  // entry at line 3
                           "[[honeytokens]]\nid = \"bbbb01\"\nkind = \"generic\"\n" +
                           "label = \"no hash\"\nplanted_at = \"x\"\ncreated = 2024-05-01\n\n" +
                           "[[honeytokens]]\nid = \"cccc01\"\nlabel = \"broken = = toml\n\n" +
                           good_two;
  Problems problems;
  auto registry = HoneytokenRegistry::parse(text, "reg.toml", problems.callback());
  REQUIRE(registry.entries().size() == 2);
  CHECK(registry.entries()[0].id == "aaaa01");
  CHECK(registry.entries()[1].id == "aaaa02");
  CHECK(registry.find_by_sha256(to_hex(sha256("second"))) != nullptr);
  REQUIRE(problems.inputs.size() == 2);
  // good_one is 7 lines plus a blank one: the entry without a hash starts at line 12.
  const std::size_t good_lines =
      static_cast<std::size_t>(std::count(good_one.begin(), good_one.end(), '\n'));
  const std::size_t missing_hash_line = 3 + good_lines + 1;
  CHECK(problems.inputs[0] == "reg.toml:" + std::to_string(missing_hash_line));
  CHECK_THAT(problems.reasons[0], Catch::Contains("sha256") && Catch::Contains("ignored"));
  // The TOML syntax error is on the label line, two below its header.
  CHECK(problems.inputs[1] == "reg.toml:" + std::to_string(missing_hash_line + 9));
  CHECK_THAT(problems.reasons[1], Catch::Contains("not valid TOML"));
}

TEST_CASE("honeytokens: registry entries are checked", "[honeytokens]") {
  auto rejects = [](const std::string& toml, const std::string& reason) {
    Problems problems;
    auto registry =
        HoneytokenRegistry::parse("[[honeytokens]]\n" + toml, "reg", problems.callback());
    CHECK(registry.entries().empty());
    REQUIRE(problems.reasons.size() == 1);
    CHECK_THAT(problems.reasons[0], Catch::Contains(reason));
  };
  const std::string hash = to_hex(sha256("v"));
  const std::string base =
      "kind = \"generic\"\nlabel = \"l\"\nplanted_at = \"p\"\n"
      "created = 2024-05-01\n";
  rejects("id = \"Bad_Id\"\n" + base + "sha256 = \"" + hash + "\"\n", "'id'");
  rejects("id = \"a1\"\n" + base + "sha256 = \"abc\"\n", "64 lowercase hex");
  rejects("id = \"a1\"\n" + base + "sha256 = \"" + hash + "\"\nvalue = \"w\"\n", "not the SHA-256");
  rejects("id = \"a1\"\n" + base + "sha256 = \"" + hash + "\"\ncolour = \"red\"\n",
          "unknown key 'colour'");
  rejects(
      "id = \"a1\"\nkind = \"ftp\"\nlabel = \"l\"\nplanted_at = \"p\"\ncreated = 2024-05-01\n"
      "sha256 = \"" +
          hash + "\"\n",
      "unknown kind");

  Problems duplicates;
  const std::string twice = registry_entry_toml(sample_entry("dd01", "x")) +
                            registry_entry_toml(sample_entry("dd01", "y"));
  auto registry = HoneytokenRegistry::parse(twice, "reg", duplicates.callback());
  CHECK(registry.entries().size() == 1);
  REQUIRE(duplicates.reasons.size() == 1);
  CHECK_THAT(duplicates.reasons[0], Catch::Contains("duplicate id"));
}

TEST_CASE("honeytokens: appending creates a private registry file", "[honeytokens]") {
  test::TempDir dir;
  const auto file = dir.path() / "registry.toml";
  REQUIRE(append_registry_entry(file, sample_entry("ee01", "one")));
  REQUIRE(append_registry_entry(file, sample_entry("ee02", "two")));
  auto registry = HoneytokenRegistry::load(file, nullptr);
  REQUIRE(registry);
  CHECK(registry.value().entries().size() == 2);
  const auto permissions = std::filesystem::status(file).permissions();
  CHECK((permissions & std::filesystem::perms::group_all) == std::filesystem::perms::none);
  CHECK((permissions & std::filesystem::perms::others_all) == std::filesystem::perms::none);
  CHECK_FALSE(HoneytokenRegistry::load(dir.path() / "missing.toml", nullptr));
}
