// The GitLab report against GitLab's published secret-detection report schema, vendored in
// tests/reporters/gitlab/ (with its license). GitLab refuses a report that does not validate
// against the version it declares, so the real binary's reports (dir, git, empty, partial) are
// checked with tests/reporters/gitlab/validate_report.py, which also rejects keys the schema
// does not declare (such as those that 15.x dropped).
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

const std::string kSchemaDir = std::string(LEAKHOUND_SOURCE_DIR) + "/tests/reporters/gitlab";

// Writes `report` beside the tree and validates it; the validator's messages go to INFO.
CommandResult validate(const TempDir& dir, const std::string& report) {
  const auto file = dir.write("out/gl-secret-detection-report.json", report);
  return run_shell("python3 " + shell_quote(kSchemaDir + "/validate_report.py") + " " +
                   shell_quote(kSchemaDir + "/secret-detection-report-format.json") + " " +
                   shell_quote(file.string()));
}

std::string schema_version() {
  std::ifstream in(kSchemaDir + "/secret-detection-report-format.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str())["self"]["version"].get<std::string>();
}

}  // namespace

TEST_CASE("regression: gitlab report keeps fields schema 15.x dropped", "[reporters][gitlab]") {
  FakeSecrets fake(1515);
  TempDir dir;
  const std::string secret = fake.github_classic();
  dir.write("tree/src/app.py", "token = \"" + secret + "\"\n");
  auto result = run_leakhound({"dir", ".", "-f", "gitlab"}, dir.path() / "tree");
  INFO(result.err);
  REQUIRE(result.exit_code == 1);
  CHECK(result.out.find(secret) == std::string::npos);
  const auto report = nlohmann::json::parse(result.out);
  CHECK(report["version"] == schema_version());
  REQUIRE(report["vulnerabilities"].size() == 1);
  for (const char* dropped : {"category", "confidence", "scanner"})
    CHECK_FALSE(report["vulnerabilities"][0].contains(dropped));
  auto validated = validate(dir, result.out);
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);
}

TEST_CASE("gitlab report of a git history validates against the schema", "[reporters][gitlab]") {
  FakeSecrets fake(1516);
  TempDir dir;
  const std::string repo = (dir.path() / "repo").string();
  const std::string git = "git -C " + shell_quote(repo) +
                          " -c user.name=Test -c user.email=test@example.invalid "
                          "-c commit.gpgsign=false ";
  dir.write("repo/deploy.sh", "export AWS_ACCESS_KEY_ID=" + fake.aws_access_key_id() + "\n");
  dir.write("repo/notify.py", "SLACK = \"" + fake.slack_bot() + "\"\n");
  auto setup = run_shell("git init -q " + shell_quote(repo) + " && " + git + "add . && " + git +
                         "commit -qm 'add scripts'");
  REQUIRE(setup.exit_code == 0);
  auto result = run_leakhound({"git", "repo", "-f", "gitlab"}, dir.path());
  INFO(result.err);
  REQUIRE(result.exit_code == 1);
  const auto report = nlohmann::json::parse(result.out);
  REQUIRE(report["vulnerabilities"].size() >= 2);
  for (const auto& vulnerability : report["vulnerabilities"])
    CHECK(vulnerability["location"]["commit"]["sha"].get<std::string>().size() == 40);
  auto validated = validate(dir, result.out);
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);
}

TEST_CASE("gitlab report of a clean or partial scan validates against the schema",
          "[reporters][gitlab]") {
  TempDir dir;
  dir.write("tree/readme.txt", "nothing to see\n");
  auto clean = run_leakhound({"dir", ".", "-f", "gitlab"}, dir.path() / "tree");
  INFO(clean.err);
  REQUIRE(clean.exit_code == 0);
  CHECK(nlohmann::json::parse(clean.out)["vulnerabilities"].empty());
  auto validated = validate(dir, clean.out);
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);

  // A path that does not exist: the scan is partial, and the report says why in scan.messages.
  auto partial = run_leakhound({"dir", "tree", "missing-dir", "-f", "gitlab"}, dir.path());
  INFO(partial.err);
  REQUIRE(partial.exit_code == 2);
  const auto report = nlohmann::json::parse(partial.out);
  CHECK(report["scan"]["status"] == "failure");
  REQUIRE(report["scan"].contains("messages"));
  CHECK(report["scan"]["messages"][0]["level"] == "warn");
  CHECK(report["scan"]["messages"][0]["value"].get<std::string>().find("missing-dir") !=
        std::string::npos);
  validated = validate(dir, partial.out);
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);
}

TEST_CASE("the gitlab schema validator rejects what GitLab would refuse", "[reporters][gitlab]") {
  TempDir dir;
  // Missing the required scan, and a vulnerability without a commit: both must be caught, or
  // the tests above prove nothing.
  auto invalid = validate(dir, R"({"version": "15.2.4", "vulnerabilities": [{"id": "x",)"
                               R"( "identifiers": [], "location": {"file": "a"}}]})");
  CHECK(invalid.exit_code == 1);
  CHECK(invalid.err.find("scan") != std::string::npos);
  CHECK(invalid.err.find("commit") != std::string::npos);
  CHECK(invalid.err.find("identifiers") != std::string::npos);
}
