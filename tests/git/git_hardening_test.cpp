// The git source on damaged, shallow and repetitive histories (issue 14): each repository is
// built here with the git CLI in a temporary folder, with fake secrets generated at run time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

// A repository driven through the git CLI with a fixed author and a clock one hour per commit,
// so commit times order the history.
class Repo {
 public:
  explicit Repo(std::filesystem::path path) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    git("init -q -b main");
  }
  const std::filesystem::path& path() const { return path_; }
  std::string repo() const { return path_.string(); }

  std::string git(const std::string& arguments) const {
    const std::string date = std::to_string(clock_) + " +0000";
    auto result =
        run_shell("cd " + shell_quote(path_.string()) +
                  " && GIT_AUTHOR_NAME='Fixture Author' GIT_AUTHOR_EMAIL=author@fixture.invalid "
                  "GIT_COMMITTER_NAME='Fixture Author' GIT_COMMITTER_EMAIL=author@fixture.invalid "
                  "GIT_AUTHOR_DATE='" +
                  date + "' GIT_COMMITTER_DATE='" + date +
                  "' git -c commit.gpgsign=false -c tag.gpgsign=false " + arguments);
    if (result.exit_code != 0) throw std::runtime_error("git " + arguments + ": " + result.err);
    std::string out = result.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
      out.pop_back();
    return out;
  }
  void write(const std::string& relative, const std::string& content) const {
    std::filesystem::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative, std::ios::binary) << content;
  }
  std::string commit(const std::string& message) {
    clock_ += 3600;
    git("add -A");
    std::ofstream(path_ / ".git/test-message") << message;
    git("commit -q -F .git/test-message");
    return git("rev-parse HEAD");
  }
  // Everything into one pack, without deltas, so each object's bytes stand alone.
  void pack() const { git("repack -q -a -d -f --window=0"); }
  // The pack, made writable: git writes packs read-only, and a test that damages one must not
  // depend on running as root (CI does not).
  std::filesystem::path pack_file() const {
    for (const auto& entry : std::filesystem::directory_iterator(path_ / ".git/objects/pack")) {
      if (entry.path().extension() != ".pack") continue;
      std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::add);
      return entry.path();
    }
    throw std::runtime_error("no pack");
  }
  // Overwrites bytes in the middle of each object's compressed data in the pack (all offsets
  // are read first: git refuses to list a damaged pack).
  void damage_objects(const std::vector<std::string>& ids) const {
    const std::string index = pack_file().replace_extension(".idx").string();
    std::istringstream listing(git("verify-pack -v " + shell_quote(index)));
    std::vector<std::uint64_t> positions;
    std::string line;
    while (std::getline(listing, line)) {
      std::istringstream fields(line);
      std::string sha, type;
      std::uint64_t size = 0, packed = 0, offset = 0;
      if (!(fields >> sha >> type >> size >> packed >> offset)) continue;
      if (std::find(ids.begin(), ids.end(), sha) != ids.end())
        positions.push_back(offset + packed / 2);
    }
    if (positions.size() != ids.size()) throw std::runtime_error("objects not in the pack");
    std::fstream pack(pack_file(), std::ios::in | std::ios::out | std::ios::binary);
    for (std::uint64_t position : positions) {
      pack.seekp(static_cast<std::streamoff>(position));
      pack.write("\xff\x00\xff\x00", 4);
    }
    if (!pack.flush()) throw std::runtime_error("cannot damage the pack");
  }

 private:
  std::filesystem::path path_;
  std::int64_t clock_ = 1700000000;
};

std::string token_line(const std::string& token) {
  return "service = \"api\"\ntoken = \"" + token + "\"\n";
}

// Five commits, each adding f<i>.txt with a token of its own.
struct FiveCommits {
  TempDir root;
  Repo repo{root.path() / "repo"};
  std::vector<std::string> tokens;
  std::vector<std::string> commits;
  FiveCommits() {
    FakeSecrets fake(99);
    for (int i = 1; i <= 5; ++i) {
      tokens.push_back(fake.github_classic());
      repo.write("f" + std::to_string(i) + ".txt", token_line(tokens.back()));
      commits.push_back(repo.commit("add file " + std::to_string(i)));
    }
    repo.pack();
  }
};

nlohmann::json json_of(const CommandResult& result) {
  INFO(result.err);
  return nlohmann::json::parse(result.out);
}

std::set<std::string> paths_found(const nlohmann::json& document) {
  std::set<std::string> out;
  for (const auto& finding : document["findings"])
    out.insert(finding["path"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("regression: a truncated pack is an error naming what is missing, not an empty history",
          "[git][regression]") {
  FiveCommits history;
  // A commit on top in loose objects stays readable; the pack under it loses its second half.
  FakeSecrets fake(7);
  const std::string loose_token = fake.github_classic();
  history.repo.write("loose.txt", token_line(loose_token));
  const std::string loose = history.repo.commit("add a loose file");
  const auto pack = history.repo.pack_file();
  std::filesystem::resize_file(pack, std::filesystem::file_size(pack) / 2);

  auto result = run_leakhound({"git", history.repo.repo(), "-f", "json"});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, !Catch::Contains("has no commits"));
  CHECK_THAT(result.err, Catch::Contains("parent of " + loose.substr(0, 12)));
  auto document = json_of(result);
  CHECK(document["summary"]["partial"] == true);
  CHECK(document["summary"]["errors"].get<int>() >= 1);
  // What is readable is still scanned.
  CHECK(paths_found(document).contains("loose.txt"));

  // Everything in the truncated pack, HEAD included: the reference names what it cannot read.
  FiveCommits packed;
  const auto only_pack = packed.repo.pack_file();
  std::filesystem::resize_file(only_pack, std::filesystem::file_size(only_pack) / 2);
  auto full = run_leakhound({"git", packed.repo.repo(), "-f", "json"});
  CHECK(full.exit_code == 2);
  CHECK_THAT(full.err, !Catch::Contains("has no commits"));
  CHECK_THAT(full.err, Catch::Contains("reference refs/heads/main"));
  auto staged = run_leakhound({"git", packed.repo.repo(), "--staged", "-f", "json"});
  INFO(staged.err);
  CHECK(staged.exit_code == 2);
  CHECK_THAT(staged.err, Catch::Contains("HEAD"));
}

TEST_CASE("regression: a shallow clone scans what it has and says where history stops",
          "[git][regression]") {
  FiveCommits history;
  TempDir clone;
  const std::string shallow = (clone.path() / "shallow").string();
  auto cloned = run_shell("git clone -q --depth 1 " + shell_quote("file://" + history.repo.repo()) +
                          " " + shell_quote(shallow));
  REQUIRE(cloned.exit_code == 0);

  auto result = run_leakhound({"git", shallow, "-f", "json"});
  INFO(result.err);
  CHECK(result.exit_code == 1);  // findings; not partial unless full history is required
  auto document = json_of(result);
  CHECK(paths_found(document) ==
        std::set<std::string>{"f1.txt", "f2.txt", "f3.txt", "f4.txt", "f5.txt"});
  CHECK(document["summary"]["partial"] == false);
  CHECK_THAT(result.err, Catch::Contains("shallow clone: history stops at 1 commit(s) (" +
                                         history.commits.back().substr(0, 12)));
  CHECK_THAT(result.err, Catch::Contains("git fetch --unshallow"));

  auto strict = run_leakhound({"git", shallow, "-f", "json", "--require-full-history"});
  CHECK(strict.exit_code == 2);
  CHECK(json_of(strict)["summary"]["partial"] == true);
  CHECK(paths_found(json_of(strict)).size() == 5);
}

TEST_CASE("regression: bytes flipped inside a pack skip that object and scan the rest",
          "[git][regression]") {
  FiveCommits history;
  const std::string bad_blob = history.repo.git("rev-parse HEAD:f3.txt");
  // The blob of f3.txt, and a commit in the middle of the chain.
  history.repo.damage_objects({bad_blob, history.commits[2]});

  auto result = run_leakhound({"git", history.repo.repo(), "-f", "json"});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains(bad_blob));
  CHECK_THAT(result.err, Catch::Contains(":f3.txt"));  // the commit and path that hold it
  CHECK_THAT(result.err, Catch::Contains("commit " + history.commits[2]));
  auto document = json_of(result);
  CHECK(document["summary"]["partial"] == true);
  CHECK(paths_found(document) == std::set<std::string>{"f1.txt", "f2.txt", "f4.txt", "f5.txt"});
  // The commits under the damaged one are still walked (found in the object database).
  for (const auto& finding : document["findings"]) {
    if (finding["path"] == "f1.txt") CHECK(finding["provenance"]["commit"] == history.commits[0]);
  }

  // A range across the damage reports the same blob and still scans the rest.
  auto range = run_leakhound({"git", history.repo.repo(), "-f", "json", "--range",
                              history.commits[0] + ".." + history.commits[4]});
  INFO(range.err);
  CHECK(range.exit_code == 2);
  CHECK_THAT(range.err, Catch::Contains("commit " + history.commits[2]));
  // The commits after the damage are still scanned (the walk used to stop at it: nothing was).
  CHECK(paths_found(json_of(range)).contains("f5.txt"));
}

TEST_CASE("regression: each edited version of a file re-reported the same secret",
          "[git][regression]") {
  TempDir root;
  Repo repo(root.path() / "repo");
  FakeSecrets fake(31);
  const std::string kept = fake.github_classic();
  const std::string branch_only = fake.aws_access_key_id();
  repo.write("config.txt", token_line(kept));
  const std::string first = repo.commit("add config");
  repo.write("config.txt", "# edited once\n" + token_line(kept));
  const std::string second = repo.commit("edit config");
  repo.write("copy.txt", "# a copy\n" + token_line(kept));
  repo.write("config.txt", "# edited twice\n" + token_line(kept));
  repo.commit("edit config again, copy it");
  repo.git("checkout -q -b feature");
  repo.write("feature.txt", "aws_access_key_id = " + branch_only + "\n");
  repo.commit("feature work");
  repo.git("checkout -q main");

  auto result = run_leakhound({"git", repo.repo(), "-f", "json", "-j", "1"});
  INFO(result.err);
  REQUIRE(result.exit_code == 1);
  auto document = json_of(result);
  REQUIRE(document["findings"].size() == 3);  // config.txt, copy.txt, feature.txt
  CHECK(document["summary"]["findings"] == 3);
  const auto& config = document["findings"][0];
  CHECK(config["path"] == "config.txt");
  CHECK(config["provenance"]["commit"] == first);
  CHECK(config["provenance"]["status"] == "present at HEAD");
  CHECK(config["provenance"]["present_at"] ==
        nlohmann::json::array({"refs/heads/feature", "refs/heads/main", "HEAD"}));
  std::set<std::string> places;
  for (const auto& occurrence : config["provenance"]["occurrences"])
    places.insert(occurrence["path"].get<std::string>() + "@" +
                  occurrence["commit"].get<std::string>().substr(0, 12));
  CHECK(places.size() == 3);  // two later versions, and the copy
  CHECK(places.contains("config.txt@" + second.substr(0, 12)));
  for (const auto& finding : document["findings"]) {
    if (finding["path"] != "feature.txt") continue;
    CHECK(finding["provenance"]["status"] == "present at a ref tip");
    CHECK(finding["provenance"]["present_at"] == nlohmann::json::array({"refs/heads/feature"}));
  }

  // The same output for any thread count.
  auto threaded = run_leakhound({"git", repo.repo(), "-f", "json", "-j", "4"});
  auto without_time = [](nlohmann::json value) {
    value["summary"].erase("seconds");
    value["summary"].erase("threads");
    return value;
  };
  CHECK(without_time(json_of(threaded)) == without_time(document));

  // SARIF lists the other places as related locations; text shows a count.
  auto sarif = nlohmann::json::parse(
      run_leakhound({"git", repo.repo(), "-f", "sarif"}).out)["runs"][0]["results"][0];
  CHECK(sarif["relatedLocations"].size() == 3);
  auto text = run_leakhound({"git", repo.repo(), "-f", "text", "--color", "never"});
  CHECK_THAT(text.out, Catch::Contains("3 other occurrence(s)"));

  // A baseline of the merged findings still silences them.
  TempDir baseline;
  auto created = run_shell(shell_quote(std::string(LEAKHOUND_BINARY)) + " baseline create git " +
                           shell_quote(repo.repo()) + " > " +
                           shell_quote((baseline.path() / "b.json").string()));
  REQUIRE(created.exit_code == 0);
  auto gated = run_leakhound(
      {"git", repo.repo(), "--baseline", (baseline.path() / "b.json").string(), "-f", "json"});
  CHECK(gated.exit_code == 0);
}

TEST_CASE("regression: commit and tag messages are scanned and masked where echoed",
          "[git][regression]") {
  TempDir root;
  Repo repo(root.path() / "repo");
  FakeSecrets fake(57);
  const std::string in_message = fake.github_classic();
  const std::string in_file = fake.github_classic();
  const std::string in_tag = fake.github_classic();
  repo.write("app.txt", token_line(in_file));
  const std::string commit = repo.commit("use token " + in_message + " for now");
  std::ofstream(repo.path() / ".git/tag-message") << "release with " << in_tag << "\n";
  repo.git("tag -a v1 -F .git/tag-message");

  auto result = run_leakhound({"git", repo.repo(), "-f", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 1);
  CHECK(result.out.find(in_message) == std::string::npos);
  CHECK(result.out.find(in_tag) == std::string::npos);
  auto document = json_of(result);
  bool commit_message = false;
  bool tag_message = false;
  for (const auto& finding : document["findings"]) {
    const auto& provenance = finding["provenance"];
    if (provenance.value("kind", "") == "commit-message") {
      commit_message = true;
      CHECK(provenance["commit"] == commit);
      CHECK(provenance["author"] == "Fixture Author <author@fixture.invalid>");
      CHECK(finding["path"] == "(commit-message)/" + commit);
    } else if (provenance.value("kind", "") == "tag-message") {
      tag_message = true;
      CHECK(provenance["ref"] == "refs/tags/v1");
    } else {
      CHECK(finding["path"] == "app.txt");
      CHECK(provenance["message"] == "use token [REDACTED] for now");
    }
  }
  CHECK(commit_message);
  CHECK(tag_message);

  // One commit: its message is scanned and masked the same way.
  auto one = run_leakhound({"git", repo.repo(), "-f", "json", "--commit", commit});
  CHECK(one.out.find(in_message) == std::string::npos);
  CHECK(json_of(one)["findings"].size() == 2);

  auto shown = run_leakhound({"git", repo.repo(), "-f", "json", "--show-secrets"});
  CHECK(shown.out.find(in_message) != std::string::npos);
}
