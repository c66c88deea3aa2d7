// The GitHub Action (action.yml) runs ci/github/action.sh; these tests run that script as the
// runner would, with a fake GITHUB_* environment and event payload, on a fixture repository of
// three commits: an old secret, a clean commit, a new secret.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ActionFixture {
 public:
  ActionFixture() {
    FakeSecrets fake(1414);
    old_secret_ = fake.github_classic();
    new_secret_ = fake.github_classic();
    dir_.write("repo/old.py", "OLD = \"" + old_secret_ + "\"\n");
    REQUIRE(in_repo("git init -q . && " + commit("old")).exit_code == 0);
    c1_ = head();
    dir_.write("repo/readme.txt", "nothing here\n");
    REQUIRE(in_repo(commit("clean")).exit_code == 0);
    c2_ = head();
    dir_.write("repo/new.py", "NEW = \"" + new_secret_ + "\"\n");
    REQUIRE(in_repo(commit("new")).exit_code == 0);
    c3_ = head();
  }

  // Runs the action's scan step for `event` with `payload` as the event file.
  CommandResult run(const std::string& event, const nlohmann::json& payload, const std::string& sha,
                    const std::string& extra_env = "") {
    const auto event_file = dir_.write("event.json", payload.dump());
    std::filesystem::remove(dir_.path() / "output");
    std::filesystem::remove(dir_.path() / "summary.md");
    std::filesystem::remove(repo() / "leakhound.sarif");
    std::filesystem::remove(repo() / "leakhound-gate.sarif");
    const std::string script = std::string(LEAKHOUND_SOURCE_DIR) + "/ci/github/action.sh";
    return run_shell("cd " + shell_quote(repo().string()) + " && env GITHUB_EVENT_NAME=" + event +
                     " GITHUB_EVENT_PATH=" + shell_quote(event_file.string()) + " GITHUB_SHA=" +
                     sha + " GITHUB_OUTPUT=" + shell_quote((dir_.path() / "output").string()) +
                     " GITHUB_STEP_SUMMARY=" + shell_quote((dir_.path() / "summary.md").string()) +
                     " LEAKHOUND=" + shell_quote(LEAKHOUND_BINARY) + " " + extra_env + " bash " +
                     shell_quote(script));
  }

  std::map<std::string, std::string> outputs() const {
    std::map<std::string, std::string> out;
    std::istringstream lines(read_text(dir_.path() / "output"));
    for (std::string line; std::getline(lines, line);) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) out[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return out;
  }
  std::string summary() const { return read_text(dir_.path() / "summary.md"); }
  std::size_t uploaded_results() const {
    const auto sarif = nlohmann::json::parse(read_text(repo() / "leakhound.sarif"));
    return sarif["runs"][0]["results"].size();
  }

  std::filesystem::path repo() const { return dir_.path() / "repo"; }
  const std::string& c1() const { return c1_; }
  const std::string& c2() const { return c2_; }
  const std::string& c3() const { return c3_; }
  const std::string& old_secret() const { return old_secret_; }
  const std::string& new_secret() const { return new_secret_; }

 private:
  CommandResult in_repo(const std::string& command) {
    return run_shell("cd " + shell_quote(repo().string()) + " && " + command);
  }
  static std::string commit(const std::string& message) {
    return "git add . && git -c user.name=Test -c user.email=test@example.invalid "
           "-c commit.gpgsign=false commit -qm " +
           message;
  }
  std::string head() {
    auto result = in_repo("git rev-parse HEAD");
    return result.out.substr(0, 40);
  }

  TempDir dir_;
  std::string old_secret_, new_secret_, c1_, c2_, c3_;
};

}  // namespace

TEST_CASE("regression: action push uploads only before..after and closes earlier alerts",
          "[ci][action]") {
  ActionFixture fixture;
  // A push that adds the new secret: the gate sees only it, code scanning gets both.
  auto result = fixture.run("push", {{"before", fixture.c2()}}, fixture.c3());
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  auto outputs = fixture.outputs();
  CHECK(outputs["exit-code"] == "1");
  CHECK(outputs["findings"] == "1");
  CHECK(outputs["upload"] == "true");
  CHECK(fixture.uploaded_results() == 2);
  CHECK(fixture.summary().find("new.py") != std::string::npos);
  CHECK(fixture.summary().find("old.py") == std::string::npos);

  // A clean push after an old secret: the gate passes and the old alert stays in the upload.
  result = fixture.run("push", {{"before", fixture.c1()}}, fixture.c2());
  INFO(result.out << result.err);
  outputs = fixture.outputs();
  CHECK(outputs["exit-code"] == "0");
  CHECK(outputs["findings"] == "0");
  CHECK(fixture.uploaded_results() >= 1);
}

TEST_CASE("regression: action push whose before is not in the clone fails the job",
          "[ci][action]") {
  ActionFixture fixture;
  const std::string unknown = "0123456789abcdef0123456789abcdef01234567";
  auto result = fixture.run("push", {{"before", unknown}}, fixture.c3());
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  auto outputs = fixture.outputs();
  // Not an error: the gate falls back to the full history and says so.
  CHECK(outputs["exit-code"] == "1");
  CHECK(outputs["findings"] == "2");
  CHECK(result.out.find("::notice") != std::string::npos);
  CHECK(result.out.find("not in the clone") != std::string::npos);
  CHECK(fixture.summary().find("not in the clone") != std::string::npos);

  // A new branch (before is all zeros): the full history, without a notice.
  result = fixture.run("push", {{"before", std::string(40, '0')}}, fixture.c3());
  const auto new_branch = fixture.outputs();
  CHECK(new_branch.at("exit-code") == "1");
  CHECK(new_branch.at("findings") == "2");
}

TEST_CASE("regression: action fork pull request fails on the SARIF upload", "[ci][action]") {
  ActionFixture fixture;
  auto pull_request = [&](const std::string& head_repo) {
    return nlohmann::json{
        {"pull_request",
         {{"base", {{"sha", fixture.c2()}, {"repo", {{"full_name", "owner/project"}}}}},
          {"head", {{"sha", fixture.c3()}, {"repo", {{"full_name", head_repo}}}}}}}};
  };
  auto result = fixture.run("pull_request", pull_request("someone/project"), fixture.c3());
  INFO(result.out << result.err);
  auto outputs = fixture.outputs();
  CHECK(outputs["upload"] == "false");
  CHECK(outputs["exit-code"] == "1");  // the gate still applies
  CHECK(outputs["findings"] == "1");   // base...head: only the new secret
  CHECK(result.out.find("::notice") != std::string::npos);
  CHECK(result.out.find("fork") != std::string::npos);

  result = fixture.run("pull_request", pull_request("owner/project"), fixture.c3());
  outputs = fixture.outputs();
  CHECK(outputs["upload"] == "true");
  CHECK(outputs["findings"] == "1");

  // Upload turned off by the input: no notice about forks.
  result = fixture.run("pull_request", pull_request("someone/project"), fixture.c3(),
                       "UPLOAD_SARIF=false");
  CHECK(fixture.outputs()["upload"] == "false");
  CHECK(result.out.find("fork") == std::string::npos);
}

TEST_CASE("regression: action summary shows severity numbers", "[ci][action]") {
  ActionFixture fixture;
  auto result = fixture.run("workflow_dispatch", nlohmann::json::object(), fixture.c3());
  INFO(result.out << result.err);
  const std::string summary = fixture.summary();
  INFO(summary);
  CHECK(fixture.outputs()["findings"] == "2");
  CHECK(summary.find("| critical |") != std::string::npos);
  for (const char* number : {"10.0", "9.5", "8.0", "7.0"})
    CHECK(summary.find(number) == std::string::npos);
  // No plaintext secret in the summary or in what the action uploads.
  CHECK(summary.find(fixture.old_secret()) == std::string::npos);
  CHECK(read_text(fixture.repo() / "leakhound.sarif").find(fixture.new_secret()) ==
        std::string::npos);
}

TEST_CASE("action.yml runs the tested script and uploads only when it says so", "[ci][action]") {
  const std::string action = read_text(std::string(LEAKHOUND_SOURCE_DIR) + "/action.yml");
  CHECK(action.find("ci/github/action.sh") != std::string::npos);
  CHECK(action.find("steps.scan.outputs.upload == 'true'") != std::string::npos);
  CHECK(action.find("--range") == std::string::npos);  // the range logic lives in the script
}
