// Regression tests, named after the bug or edge they pin, run on the real binary.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support.h"

using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

TEST_CASE("regression: secret split across chunk boundary", "[regression]") {
  // Chunks of 4 KiB (the overlap is 64 KiB, bounded by the file): put secrets exactly across
  // several chunk boundaries and check each is found once, on the right line.
  FakeSecrets fake;
  const std::size_t chunk = 4096;
  std::string content;
  std::vector<std::pair<std::string, int>> planted;  // token, line
  int line = 1;
  for (std::size_t boundary = chunk; boundary <= 20 * chunk; boundary += chunk) {
    std::string token = fake.github_classic();
    // The token starts half its length before the boundary; filler lines lead up to it.
    const std::size_t start = boundary - token.size() / 2;
    const std::string filler = "filler text for the chunk boundary test\n";
    while (content.size() + filler.size() + 1 < start) {
      content += filler;
      ++line;
    }
    content += std::string(start - content.size() - 1, 'x') + " ";
    content += token + "\n";
    planted.emplace_back(token, line++);
  }
  TempDir tree;
  tree.write("big.log", content);
  auto result = run_leakhound({"dir", "big.log", "-f", "json", "--chunk-size", "4K"}, tree.path());
  REQUIRE(result.exit_code == 1);
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == planted.size());
  for (std::size_t i = 0; i < planted.size(); ++i) {
    CHECK(findings[i]["line"] == planted[i].second);
    CHECK(findings[i]["offset"] == content.find(planted[i].first));
  }
  // The same file scanned whole gives the same findings.
  auto whole = run_leakhound({"dir", "big.log", "-f", "json"}, tree.path());
  CHECK(nlohmann::json::parse(whole.out)["findings"] == findings);
}

TEST_CASE("regression: overlapping hits of one rule report one finding", "[regression]") {
  FakeSecrets fake;
  TempDir tree;
  // A JWT-shaped run is matched at every possible end by stage one.
  std::string jwt =
      "ey"
      "J" +
      fake.random_string(30, leakhound::test::kBase62) +
      ".ey"
      "J" +
      fake.random_string(40, leakhound::test::kBase62) + "." +
      fake.random_string(43, leakhound::test::kBase62);
  tree.write("t.txt", "Authorization: Bearer " + jwt + "\n");
  auto result = run_leakhound({"dir", ".", "-f", "json"}, tree.path());
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "jwt");
}

TEST_CASE("regression: an empty file and a file without a final newline", "[regression]") {
  FakeSecrets fake;
  TempDir tree;
  tree.write("empty.txt", "");
  tree.write("last.txt", "k=" + fake.github_classic());
  auto result = run_leakhound({"dir", ".", "-f", "json"}, tree.path());
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["line"] == 1);
  CHECK(findings[0]["column"] == 3);
}

TEST_CASE("regression: column numbers wrong on long lines", "[regression]") {
  // One line over many 4 KiB chunks, longer than the 64 KiB overlap so that the secrets' chunks
  // start inside the line (with 2-byte characters, so columns and offsets differ): the columns
  // are those of the whole line, as when the file is scanned in one piece.
  FakeSecrets fake;
  const std::string first = fake.github_classic();
  const std::string second = fake.github_classic();
  std::string line;
  for (int i = 0; i < 3000; ++i)
    line += "\xc3\xa9 ";  // "é "
  line += std::string(70000, 'y') + " k=" + first + " ";
  line += std::string(9000, 'y') + " v=" + second + " tail";
  TempDir tree;
  tree.write("long.log", line + "\n");
  auto result = run_leakhound({"dir", "long.log", "-f", "json", "--chunk-size", "4K"}, tree.path());
  REQUIRE(result.exit_code == 1);
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == 2);
  CHECK(findings[0]["offset"] == line.find(first));
  CHECK(findings[0]["column"] == 3000 * 2 + 70000 + 4);
  CHECK(findings[0]["end_column"] == 3000 * 2 + 70000 + 4 + first.size());
  CHECK(findings[1]["offset"] == line.find(second));
  CHECK(findings[1]["column"] == 3000 * 2 + 70000 + 3 + first.size() + 1 + 9000 + 3 + 1);
  auto whole = run_leakhound({"dir", "long.log", "-f", "json"}, tree.path());
  CHECK(nlohmann::json::parse(whole.out)["findings"] == findings);
}
