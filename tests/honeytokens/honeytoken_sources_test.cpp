// Honeytoken sightings in the other scan commands: a decoy committed and later deleted in a git
// history, a decoy printed into a log stream, and one passing through redact.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

std::string mint_into(const TempDir& dir, const std::string& kind, const std::string& label) {
  auto result = run_leakhound({"honeytoken", "mint", "--kind", kind, "--label", label,
                               "--planted-at", "the ops wiki", "--registry", "registry.toml"},
                              dir.path());
  REQUIRE(result.exit_code == 0);
  return result.out.substr(0, result.out.find('\n'));
}

}  // namespace

TEST_CASE("honeytokens: a decoy deleted from a git history is still a sighting", "[honeytokens]") {
  TempDir dir;
  const std::string token = mint_into(dir, "slack", "slack decoy");
  const std::string repo = (dir.path() / "repo").string();
  const std::string git = "git -C " + shell_quote(repo) +
                          " -c user.name=Test -c user.email=test@example.invalid "
                          "-c commit.gpgsign=false ";
  dir.write("repo/notify.sh", "curl -H 'Authorization: Bearer " + token + "' example.invalid\n");
  auto setup =
      run_shell("git init -q " + shell_quote(repo) + " && " + git + "add . && " + git +
                "commit -qm leak && " + git + "rm -q notify.sh && " + git + "commit -qm clean");
  REQUIRE(setup.exit_code == 0);

  auto result =
      run_leakhound({"git", "repo", "--honeytokens", "registry.toml", "-f", "json"}, dir.path());
  INFO(result.err);
  CHECK(result.exit_code == 3);
  CHECK(result.out.find(token) == std::string::npos);
  const auto report = nlohmann::json::parse(result.out);
  REQUIRE(report["findings"].size() >= 1);
  const auto& finding = report["findings"][0];
  CHECK(finding["honeytoken"]["label"] == "slack decoy");
  CHECK(finding["honeytoken"]["planted_at"] == "the ops wiki");
  CHECK(finding["provenance"]["source"] == "git");
}

TEST_CASE("honeytokens: a decoy in a log stream is a sighting", "[honeytokens]") {
  TempDir dir;
  const std::string token = mint_into(dir, "stripe", "billing decoy");
  const auto log = dir.write("app.log",
                             "2024-05-01T10:00:00Z INFO start\n"
                             "2024-05-01T10:00:01Z ERROR charge failed key=" +
                                 token + "\n");
  auto result = run_leakhound({"stream", "--quiet", "--honeytokens", "registry.toml", log.string()},
                              dir.path());
  CHECK(result.exit_code == 3);
  CHECK(result.out.find(token) == std::string::npos);
  const auto line = nlohmann::json::parse(result.out.substr(0, result.out.find('\n')));
  CHECK(line["honeytoken"]["label"] == "billing decoy");
  CHECK(line["severity"] == "critical");

  auto plain = run_leakhound({"stream", "--quiet", log.string()}, dir.path());
  CHECK(plain.exit_code == 1);
}

TEST_CASE("honeytokens: redact masks a decoy and raises the alarm", "[honeytokens][redact]") {
  TempDir dir;
  const std::string token = mint_into(dir, "github", "ci log decoy");
  const auto log = dir.write("build.log", "step 1 ok\nexport GH_TOKEN=" + token + "\nstep 2 ok\n");
  auto result = run_leakhound(
      {"redact", "--honeytokens", "registry.toml", "--report", "report.jsonl", log.string()},
      dir.path());
  CHECK(result.exit_code == 3);
  CHECK(result.out ==
        "step 1 ok\nexport GH_TOKEN=" + std::string(token.size(), '*') + "\nstep 2 ok\n");
  CHECK(result.err.find(token) == std::string::npos);
  CHECK(result.err.find("HONEYTOKEN sighting: ci log decoy (planted at the ops wiki)") !=
        std::string::npos);
  std::ifstream report(dir.path() / "report.jsonl");
  std::string first;
  REQUIRE(std::getline(report, first));
  CHECK(first.find(token) == std::string::npos);
  const auto finding = nlohmann::json::parse(first);
  CHECK(finding["honeytoken"]["label"] == "ci log decoy");
  CHECK(finding["line"] == 2);

  auto plain = run_leakhound({"redact", "--quiet", log.string()}, dir.path());
  CHECK(plain.exit_code == 1);
  CHECK(plain.out == result.out);
}
