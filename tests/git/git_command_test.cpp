// The git source end to end: fixture repositories built by corpus/make_git_fixtures.py with real
// git commands, scanned by the real binary in each mode.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

struct Fixtures {
  TempDir root;
  nlohmann::json manifest;
  std::filesystem::path history() const { return root.path() / "repos/history"; }
  std::filesystem::path corrupt() const { return root.path() / "repos/corrupt"; }
  std::string commit(const std::string& name) const { return manifest["history"][name]; }
  std::string token(const std::string& name) const { return manifest["tokens"][name]; }
};

const Fixtures& fixtures() {
  static const Fixtures* built = [] {
    auto* fixtures = new Fixtures();
    auto result =
        run_shell("python3 " +
                  shell_quote(std::string(LEAKHOUND_SOURCE_DIR) + "/corpus/make_git_fixtures.py") +
                  " " + shell_quote((fixtures->root.path() / "repos").string()));
    if (result.exit_code != 0) throw std::runtime_error("fixture builder failed: " + result.err);
    std::ifstream manifest(fixtures->root.path() / "repos/manifest.json");
    fixtures->manifest = nlohmann::json::parse(manifest);
    return fixtures;
  }();
  return *built;
}

// "rule path:line" for each finding, in output order.
std::vector<std::string> summarise(const CommandResult& result) {
  std::vector<std::string> out;
  const auto document = nlohmann::json::parse(result.out);
  for (const auto& finding : document["findings"]) {
    out.push_back(finding["rule_id"].get<std::string>() + " " + finding["path"].get<std::string>() +
                  ":" + std::to_string(finding["line"].get<int>()));
  }
  return out;
}

nlohmann::json find(const CommandResult& result, const std::string& path) {
  const auto document = nlohmann::json::parse(result.out);
  for (const auto& finding : document["findings"]) {
    if (finding["path"] == path) return finding;
  }
  FAIL("no finding at " << path);
  return {};
}

CommandResult git_scan(const std::vector<std::string>& extra) {
  std::vector<std::string> arguments = {"git", fixtures().history().string(), "-f", "json"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return run_leakhound(arguments);
}

}  // namespace

TEST_CASE("git: full history scans every blob once with first-commit provenance", "[git]") {
  auto result = git_scan({});
  INFO(result.err);
  REQUIRE(result.exit_code == 1);
  CHECK(summarise(result) == std::vector<std::string>{
                                 "github-classic-pat settings.py:2",
                                 "slack-bot-token notes/old.txt:1",
                                 "aws-access-key-id side.txt:1",
                                 "github-classic-pat merge.txt:1",
                                 "github-classic-pat copies/a.txt:1",
                                 "slack-bot-token notes/new.txt:2",
                                 "npmrc-auth-token tagged.txt:1",
                                 "npm-access-token tagged.txt:1",
                             });
  auto deleted = find(result, "settings.py");
  CHECK(deleted["provenance"]["source"] == "git");
  CHECK(deleted["provenance"]["commit"] == fixtures().commit("add_token"));
  CHECK(deleted["provenance"]["author"] == "Fixture Author <author@fixture.invalid>");
  CHECK(deleted["provenance"]["message"] == "add settings with a token");
  CHECK(deleted["provenance"]["date"] == "2023-11-14T23:13:20+00:00");
  CHECK(deleted["provenance"]["status"] == "history only");
  CHECK(find(result, "side.txt")["provenance"]["commit"] == fixtures().commit("side_secret"));
  CHECK(find(result, "merge.txt")["provenance"]["commit"] == fixtures().commit("merge"));
  CHECK(find(result, "merge.txt")["provenance"]["status"] == "present at HEAD");
  CHECK(find(result, "tagged.txt")["provenance"]["commit"] == fixtures().commit("tag_only"));
  // Not at HEAD, but still at the tip of the tag that reaches it.
  CHECK(find(result, "tagged.txt")["provenance"]["status"] == "present at a ref tip");
  CHECK(find(result, "tagged.txt")["provenance"]["present_at"] ==
        nlohmann::json::array({"refs/tags/tag-only"}));
  // The renamed file's blob is reported once, under the path that introduced it.
  CHECK(find(result, "notes/old.txt")["provenance"]["status"] == "present at HEAD");
  auto summary = nlohmann::json::parse(result.out)["summary"];
  CHECK(summary["skipped"]["binary"] == 1);
  CHECK(summary["partial"] == false);
  for (const char* name : {"github_1", "slack_1", "aws_1"}) {
    CHECK(result.out.find(fixtures().token(name)) == std::string::npos);
  }
}

TEST_CASE("git: the same blob under many paths and commits is scanned once", "[git]") {
  auto result = git_scan({"--all-provenance"});
  REQUIRE(result.exit_code == 1);
  auto copies = find(result, "copies/a.txt");
  std::set<std::string> paths;
  std::set<std::string> commits;
  for (const auto& occurrence : copies["provenance"]["occurrences"]) {
    paths.insert(occurrence["path"]);
    commits.insert(occurrence["commit"]);
  }
  CHECK(paths == std::set<std::string>{"copies/a.txt", "copies/b.txt", "copies/c.txt"});
  CHECK(commits.size() == 5);  // copies, unrelated, binary, touch_secret_line, tag_only
  CHECK(commits.contains(fixtures().commit("copies")));
  auto summary = nlohmann::json::parse(result.out)["summary"];
  CHECK(summary["inputs_scanned"] == 10 + 13);  // 10 distinct text blobs, 13 messages
}

TEST_CASE("git: binary blobs are skipped unless asked for", "[git]") {
  auto result = git_scan({"--scan-binary"});
  CHECK(find(result, "binary.bin")["rule_id"] == "github-classic-pat");
}

TEST_CASE("git: one commit reports only what it adds", "[git]") {
  CHECK(summarise(git_scan({"--commit", fixtures().commit("add_token")})) ==
        std::vector<std::string>{"github-classic-pat settings.py:2"});
  // An evil merge: only the lines added relative to both parents.
  CHECK(summarise(git_scan({"--commit", fixtures().commit("merge")})) ==
        std::vector<std::string>{"github-classic-pat merge.txt:1"});
  auto rename = git_scan({"--commit", fixtures().commit("rename")});
  CHECK(rename.exit_code == 0);
  CHECK(summarise(rename).empty());
  // Editing the line that already held a secret does not report it again.
  CHECK(summarise(git_scan({"--commit", fixtures().commit("touch_secret_line")})).empty());
}

TEST_CASE("git: a range reports what its commits add with new-file line numbers", "[git]") {
  auto range =
      git_scan({"--range", fixtures().commit("main_work") + ".." + fixtures().commit("merge")});
  CHECK(summarise(range) ==
        std::vector<std::string>{"aws-access-key-id side.txt:1", "github-classic-pat merge.txt:1"});
  CHECK(find(range, "side.txt")["provenance"]["commit"] == fixtures().commit("side_secret"));
  auto since = git_scan({"--since", fixtures().commit("remove_token")});
  CHECK(summarise(since) == std::vector<std::string>{
                                "slack-bot-token notes/old.txt:1",
                                "aws-access-key-id side.txt:1",
                                "github-classic-pat merge.txt:1",
                                "github-classic-pat copies/a.txt:1",
                                "github-classic-pat copies/b.txt:1",
                                "github-classic-pat copies/c.txt:1",
                            });
  auto bad = git_scan({"--range", "no-such-ref..HEAD"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("cannot resolve range 'no-such-ref..HEAD'"));
}

TEST_CASE("git: staged changes report new secrets but not moved ones", "[git]") {
  auto result = git_scan({"--staged"});
  CHECK(summarise(result) == std::vector<std::string>{"github-classic-pat staged.txt:1"});
  CHECK(find(result, "staged.txt")["provenance"]["message"] == "staged changes");
}

TEST_CASE("git: a corrupt object is reported by id and the scan goes on", "[git]") {
  auto result = run_leakhound({"git", fixtures().corrupt().string(), "-f", "json"});
  CHECK(result.exit_code == 2);
  const std::string bad = fixtures().manifest["corrupt"]["bad_blob"];
  CHECK_THAT(result.err, Catch::Contains("cannot read object " + bad));
  CHECK(summarise(result) == std::vector<std::string>{"github-classic-pat ok.txt:1"});
}

TEST_CASE("git: the blob cache skips blobs scanned clean before", "[git]") {
  TempDir cache;
  auto first = git_scan({"--cache", cache.path().string()});
  CHECK(first.exit_code == 1);
  auto second = git_scan({"--cache", cache.path().string()});
  CHECK(summarise(second) == summarise(first));
  CHECK_THAT(second.err, Catch::Contains("blob(s) skipped: known clean from the --cache"));
  CHECK(nlohmann::json::parse(second.out)["summary"]["inputs_scanned"] <
        nlohmann::json::parse(first.out)["summary"]["inputs_scanned"]);
  // A damaged cache file is discarded, not trusted.
  for (const auto& entry : std::filesystem::directory_iterator(cache.path())) {
    if (entry.path().extension() == ".bin") std::ofstream(entry.path(), std::ios::trunc) << "junk";
  }
  auto third = git_scan({"--cache", cache.path().string()});
  CHECK(summarise(third) == summarise(first));
  CHECK_THAT(third.err, Catch::Contains("corrupt and was discarded"));
}

TEST_CASE("git: not a repository is an error naming the path", "[git]") {
  TempDir empty;
  auto result = run_leakhound({"git", empty.path().string()});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("not a git repository"));
}

TEST_CASE("git: a bare clone scans like its origin", "[git]") {
  TempDir clone;
  auto cloned = run_shell("git clone -q --bare " + shell_quote(fixtures().history().string()) +
                          " " + shell_quote((clone.path() / "bare.git").string()));
  REQUIRE(cloned.exit_code == 0);
  auto result = run_leakhound({"git", (clone.path() / "bare.git").string(), "-f", "json"});
  CHECK(result.exit_code == 1);
  CHECK(summarise(result).size() == 8);
}
