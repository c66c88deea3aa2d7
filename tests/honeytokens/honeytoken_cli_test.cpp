// The real binary: minting into a registry, and scans that report planted decoys as
// honeytoken sightings in every format, with exit code 3.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Mints a decoy into `registry` (relative to `dir`) and returns what it printed.
std::string mint(const TempDir& dir, const std::string& kind, const std::string& label,
                 std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {
      "honeytoken",          "mint",       "--kind",       kind, "--label", label, "--planted-at",
      "ci/" + kind + ".yml", "--registry", "registry.toml"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  CommandResult result = run_leakhound(arguments, dir.path());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(!result.out.empty());
  return result.out;
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

}  // namespace

TEST_CASE("honeytokens: the registry holds no plaintext unless --store-value", "[honeytokens]") {
  TempDir dir;
  std::vector<std::string> values;
  for (const char* kind : {"aws", "github", "gitlab", "slack", "stripe", "npm", "openai"}) {
    const std::string out = mint(dir, kind, std::string("decoy ") + kind);
    if (std::string(kind) == "aws") {
      CHECK_THAT(out, Catch::StartsWith("aws_access_key_id = "));
      values.push_back(first_line(out).substr(20));
      values.push_back(out.substr(out.rfind(" = ") + 3, 40));
    } else {
      values.push_back(first_line(out));
    }
  }
  std::string registry = read_text(dir.path() / "registry.toml");
  for (const std::string& value : values)
    CHECK(registry.find(value) == std::string::npos);
  CHECK_THAT(registry, Catch::Contains("label = ") && Catch::Contains("decoy github"));

  auto list = run_leakhound({"honeytoken", "list", "--registry", "registry.toml"}, dir.path());
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("decoy stripe") && Catch::Contains("ci/npm.yml"));

  const std::string stored = mint(dir, "github", "stored", {"--store-value"});
  registry = read_text(dir.path() / "registry.toml");
  CHECK(registry.find(first_line(stored)) != std::string::npos);
  list = run_leakhound({"honeytoken", "list", "--registry", "registry.toml"}, dir.path());
  CHECK(list.out.find(first_line(stored)) == std::string::npos);
  list = run_leakhound({"honeytoken", "list", "--registry", "registry.toml", "--show-secrets"},
                       dir.path());
  CHECK(list.out.find(first_line(stored)) != std::string::npos);
}

TEST_CASE("honeytokens: mint uses the default registry in the current directory", "[honeytokens]") {
  TempDir dir;
  auto result = run_leakhound(
      {"honeytoken", "mint", "--kind", "npm", "--label", "l", "--planted-at", "p"}, dir.path());
  CHECK(result.exit_code == 0);
  CHECK(std::filesystem::exists(dir.path() / ".leakhound-honeytokens.toml"));
  auto bad = run_leakhound({"honeytoken", "mint", "--kind", "github", "--label", "l",
                            "--planted-at", "p", "--aws-account", "123456789012"},
                           dir.path());
  CHECK(bad.exit_code == 2);
}

TEST_CASE("honeytokens: a planted decoy is reported in every format with its label",
          "[honeytokens]") {
  TempDir dir;
  const std::string token = first_line(mint(dir, "github", "deploy bot decoy"));
  dir.write("tree/src/config.py", "import os\n\nTOKEN = \"" + token + "\"\n");
  const std::vector<std::string> scan = {"dir", "tree", "--honeytokens", "registry.toml"};

  auto text = run_leakhound(scan, dir.path());
  CHECK(text.exit_code == 3);
  CHECK_THAT(text.out, Catch::Contains("HONEYTOKEN SIGHTING"));
  CHECK_THAT(text.out, Catch::Contains("deploy bot decoy") && Catch::Contains("ci/github.yml"));
  CHECK_THAT(text.out, Catch::StartsWith("!!! HONEYTOKEN"));
  CHECK_THAT(text.err, Catch::Contains(" HONEYTOKEN sighting(s)"));

  for (const char* format : {"json", "jsonl"}) {
    INFO(format);
    auto result =
        run_leakhound({"dir", "tree", "--honeytokens", "registry.toml", "-f", format}, dir.path());
    CHECK(result.exit_code == 3);
    CHECK(result.out.find(token) == std::string::npos);
    // Other rules (a generic assignment rule) may report the same secret: pick the GitHub one.
    nlohmann::json findings = nlohmann::json::array();
    if (std::string(format) == "json") {
      findings = nlohmann::json::parse(result.out)["findings"];
    } else {
      std::istringstream lines(result.out);
      for (std::string line; std::getline(lines, line);)
        findings.push_back(nlohmann::json::parse(line));
    }
    nlohmann::json finding;
    for (const auto& candidate : findings) {
      CHECK(candidate["honeytoken"]["label"] == "deploy bot decoy");
      if (candidate["rule_id"] == "github-classic-pat") finding = candidate;
    }
    REQUIRE(finding.is_object());
    CHECK(finding["rule_id"] == "github-classic-pat");
    CHECK(finding["severity"] == "critical");
    CHECK(finding["honeytoken"]["label"] == "deploy bot decoy");
    CHECK(finding["honeytoken"]["planted_at"] == "ci/github.yml");
    CHECK(finding["honeytoken"]["kind"] == "github");
    CHECK(finding["honeytoken"]["id"].get<std::string>().size() == 12);
    const auto tags = finding["tags"].get<std::vector<std::string>>();
    CHECK(std::find(tags.begin(), tags.end(), "honeytoken") != tags.end());
  }

  auto sarif =
      run_leakhound({"dir", "tree", "--honeytokens", "registry.toml", "-f", "sarif"}, dir.path());
  CHECK(sarif.exit_code == 3);
  CHECK(sarif.out.find(token) == std::string::npos);
  auto result = nlohmann::json::parse(sarif.out)["runs"][0]["results"][0];
  CHECK(result["level"] == "error");
  CHECK(result["properties"]["security-severity"] == "10.0");
  CHECK(result["properties"]["honeytoken"]["label"] == "deploy bot decoy");
  CHECK_THAT(result["message"]["text"].get<std::string>(), Catch::Contains("deploy bot decoy"));

  // The same secret without the registry is an ordinary finding; --exit-code cannot hide a
  // sighting.
  CHECK(run_leakhound({"dir", "tree"}, dir.path()).exit_code == 1);
  CHECK(run_leakhound({"dir", "tree", "--honeytokens", "registry.toml", "--exit-code", "0"},
                      dir.path())
            .exit_code == 3);
}

TEST_CASE("honeytokens: every kind planted in a file is found as a honeytoken", "[honeytokens]") {
  TempDir dir;
  std::string planted;
  std::size_t kinds = 0;
  for (const char* kind : {"aws", "github", "gitlab", "slack", "stripe", "npm"}) {
    const std::string out = mint(dir, kind, std::string("label ") + kind);
    planted += std::string(kind) + "_token: \"" +
               first_line(out).substr(std::string(kind) == "aws" ? 20 : 0) + "\"\n";
    ++kinds;
  }
  dir.write("tree/settings.yml", planted);
  auto result =
      run_leakhound({"dir", "tree", "--honeytokens", "registry.toml", "-f", "json"}, dir.path());
  CHECK(result.exit_code == 3);
  std::set<std::string> labels;
  const auto report = nlohmann::json::parse(result.out);
  for (const auto& finding : report["findings"]) {
    if (finding.contains("honeytoken"))
      labels.insert(finding["honeytoken"]["label"].get<std::string>());
  }
  CHECK(labels.size() == kinds);
}

TEST_CASE("honeytokens: a generic decoy with a stored value is compiled as a literal",
          "[honeytokens]") {
  TempDir dir;
  const std::string decoy = first_line(mint(dir, "generic", "wiki decoy", {"--store-value"}));
  dir.write("tree/notes.md", "see " + decoy + " here\n");
  auto plain = run_leakhound({"dir", "tree", "-f", "json"}, dir.path());
  CHECK(plain.exit_code == 0);
  auto result =
      run_leakhound({"dir", "tree", "--honeytokens", "registry.toml", "-f", "json"}, dir.path());
  CHECK(result.exit_code == 3);
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0]["rule_id"].get<std::string>(), Catch::StartsWith("honeytoken-"));
  CHECK(findings[0]["honeytoken"]["label"] == "wiki decoy");
  CHECK(findings[0]["line"] == 1);
  CHECK(findings[0]["column"] == 5);
}

TEST_CASE("honeytokens: a malformed registry entry does not stop the scan", "[honeytokens]") {
  TempDir dir;
  const std::string token = first_line(mint(dir, "npm", "npm decoy"));
  {
    std::ofstream registry(dir.path() / "registry.toml", std::ios::app);
    registry << "\n[[honeytokens]]\nid = \"broken\"\nkind = \"npm\"\n";
  }
  const std::size_t broken_line = [&] {
    const std::string text = read_text(dir.path() / "registry.toml");
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.rfind("[[honeytokens]]"); ++i)
      line += text[i] == '\n';
    return line;
  }();
  dir.write("tree/.npmrc", "//registry.npmjs.org/:_authToken=" + token + "\n");
  auto result = run_leakhound({"dir", "tree", "--honeytokens", "registry.toml"}, dir.path());
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("registry.toml:" + std::to_string(broken_line)));
  CHECK_THAT(result.out, Catch::Contains("npm decoy"));
  auto list = run_leakhound({"honeytoken", "list", "--registry", "registry.toml"}, dir.path());
  CHECK_THAT(list.err, Catch::Contains("registry.toml:" + std::to_string(broken_line)));
  CHECK_THAT(list.out, Catch::Contains("npm decoy"));

  auto missing = run_leakhound({"dir", "tree", "--honeytokens", "nowhere.toml"}, dir.path());
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("nowhere.toml"));
}

TEST_CASE("honeytokens: an AWS key of a canary account is a canary sighting", "[honeytokens]") {
  TempDir dir;
  const std::string out = mint(dir, "aws", "unused", {"--aws-account", "123456789012"});
  const std::string key_id = first_line(out).substr(20);
  dir.write("canaries.txt", "# our canary accounts\n123456789012\n");
  dir.write("other.txt", "210987654321\n");
  dir.write("tree/env", "AWS_ACCESS_KEY_ID=" + key_id + "\n");
  auto result =
      run_leakhound({"dir", "tree", "--canary-accounts", "canaries.txt", "-f", "json"}, dir.path());
  CHECK(result.exit_code == 3);
  auto finding = nlohmann::json::parse(result.out)["findings"][0];
  CHECK(finding["honeytoken"]["kind"] == "aws-canary");
  CHECK_THAT(finding["honeytoken"]["label"].get<std::string>(), Catch::Contains("123456789012"));
  auto other = run_leakhound({"dir", "tree", "--canary-accounts", "other.txt"}, dir.path());
  CHECK(other.exit_code == 1);
}

TEST_CASE("honeytokens: scan help documents the options and exit code 3", "[honeytokens]") {
  auto help = run_leakhound({"dir", "--help"});
  CHECK_THAT(help.out, Catch::Contains("--honeytokens") && Catch::Contains("--canary-accounts"));
  auto top = run_leakhound({"--help"});
  CHECK_THAT(top.out, Catch::Contains("3 a honeytoken"));
}

TEST_CASE("regression: the registry file itself is reported as a sighting", "[regression]") {
  // As the README says: mint into the default registry (with --store-value), scan the tree.
  TempDir dir;
  const std::string value = first_line(mint(dir, "github", "deploy bot", {"--store-value"}));
  const std::string registry = "registry.toml";
  CommandResult clean =
      run_leakhound({"dir", ".", "-f", "json", "--honeytokens", registry}, dir.path());
  INFO(clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(nlohmann::json::parse(clean.out)["findings"].empty());
  // A real sighting elsewhere is still one, and the registry is not an input in git either.
  dir.write("ci/deploy.yml", "token: " + value + "\n");
  CommandResult seen =
      run_leakhound({"dir", ".", "-f", "json", "--honeytokens", registry}, dir.path());
  CHECK(seen.exit_code == 3);
  auto findings = nlohmann::json::parse(seen.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["path"] == "ci/deploy.yml");
  CommandResult committed = leakhound::test::run_shell(
      "cd " + leakhound::test::shell_quote(dir.path().string()) +
      " && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -q -m x");
  REQUIRE(committed.exit_code == 0);
  CommandResult git =
      run_leakhound({"git", ".", "-f", "json", "--honeytokens", registry}, dir.path());
  INFO(git.err);
  CHECK(git.exit_code == 3);
  auto git_findings = nlohmann::json::parse(git.out)["findings"];
  REQUIRE(git_findings.size() == 1);
  CHECK(git_findings[0]["path"] == "ci/deploy.yml");
}

TEST_CASE("regression: a generic decoy minted without --store-value can never be detected",
          "[regression]") {
  TempDir dir;
  CommandResult refused = run_leakhound({"honeytoken", "mint", "--kind", "generic", "--label", "x",
                                         "--planted-at", "y", "--registry", "registry.toml"},
                                        dir.path());
  CHECK(refused.exit_code == 2);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("--store-value") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "registry.toml"));
  mint(dir, "generic", "x", {"--store-value"});
}
