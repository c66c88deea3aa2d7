// Integration tests: the real binary on temporary trees.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

namespace {

nlohmann::json findings_of(const CommandResult& result) {
  return nlohmann::json::parse(result.out)["findings"];
}

}  // namespace

TEST_CASE("cli: a clean tree exits 0 and a leaked secret exits 1", "[cli]") {
  TempDir tree;
  tree.write("README.md", "nothing to see\n");
  auto clean = run_leakhound({"dir", "."}, tree.path());
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.empty());
  CHECK_THAT(clean.err, Catch::Contains("0 finding(s)"));

  FakeSecrets fake;
  const std::string token = fake.github_classic();
  tree.write("src/settings.py", "import os\n\nGITHUB_TOKEN = \"" + token + "\"\n");
  auto dirty = run_leakhound({"dir", "."}, tree.path());
  CHECK(dirty.exit_code == 1);
  CHECK_THAT(dirty.out, Catch::Contains("src/settings.py:3:17"));
  CHECK_THAT(dirty.out, Catch::Contains("github-classic-pat"));
  CHECK(dirty.out.find(token) == std::string::npos);
  CHECK(dirty.err.find(token) == std::string::npos);

  CHECK(run_leakhound({"dir", ".", "--exit-code", "42"}, tree.path()).exit_code == 42);
  CHECK(run_leakhound({"dir", ".", "--exit-code", "0"}, tree.path()).exit_code == 0);
}

TEST_CASE("cli: secrets are redacted in every format unless --show-secrets", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  const std::string token = fake.aws_access_key_id();
  tree.write("deploy.env", "AWS_ACCESS_KEY_ID=" + token + "\n");
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    INFO(format);
    auto hidden = run_leakhound({"dir", ".", "--format", format}, tree.path());
    CHECK(hidden.exit_code == 1);
    CHECK(hidden.out.find(token) == std::string::npos);
    auto shown = run_leakhound({"dir", ".", "--format", format, "--show-secrets"}, tree.path());
    CHECK(shown.out.find(token) != std::string::npos);
  }
}

TEST_CASE("cli: json output carries locations and provenance", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("a/one.yaml", "slack:\n  token: " + fake.slack_bot() + "\n");
  tree.write("b/two.txt", "x " + fake.github_classic() + " " + fake.aws_access_key_id() + "\n");
  auto result = run_leakhound({"dir", ".", "-f", "json"}, tree.path());
  REQUIRE(result.exit_code == 1);
  auto findings = findings_of(result);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0]["path"] == "a/one.yaml");
  CHECK(findings[0]["rule_id"] == "slack-bot-token");
  CHECK(findings[0]["line"] == 2);
  CHECK(findings[0]["column"] == 10);
  CHECK(findings[1]["path"] == "b/two.txt");
  CHECK(findings[1]["rule_id"] == "github-classic-pat");
  CHECK(findings[2]["rule_id"] == "aws-access-key-id");
  CHECK(findings[2]["provenance"]["source"] == "file");
}

TEST_CASE("cli: output is identical for any thread count", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  for (int i = 0; i < 60; ++i) {
    std::string body = "line\n";
    if (i % 4 == 0) body += "token " + fake.github_classic() + "\n";
    tree.write("d" + std::to_string(i % 5) + "/f" + std::to_string(i) + ".txt", body);
  }
  auto one = run_leakhound({"dir", ".", "-f", "jsonl", "-j", "1"}, tree.path());
  auto many = run_leakhound({"dir", ".", "-f", "jsonl", "-j", "4"}, tree.path());
  CHECK(one.exit_code == 1);
  CHECK(std::count(one.out.begin(), one.out.end(), '\n') == 15);
  CHECK(one.out == many.out);
}

TEST_CASE("cli: --output writes the report and picks the format from the extension", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("x.txt", fake.github_classic() + "\n");
  auto result = run_leakhound({"dir", "x.txt", "--output", "report.sarif"}, tree.path());
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  std::ifstream report(tree.path() / "report.sarif");
  auto sarif = nlohmann::json::parse(report);
  CHECK(sarif["runs"][0]["results"].size() == 1);

  auto unwritable =
      run_leakhound({"dir", "x.txt", "--output", "/nonexistent/dir/out.json"}, tree.path());
  CHECK(unwritable.exit_code == 2);
  CHECK_THAT(unwritable.err, Catch::Contains("/nonexistent/dir/out.json: cannot open for writing"));
}

TEST_CASE("cli: an unreadable file is named, counted, and makes the exit code 2", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("readable.txt", fake.github_classic() + "\n");
  auto locked = tree.write("locked.txt", "secret stuff\n");
  ::chmod(locked.c_str(), 0);
  ::chmod(tree.path().c_str(), 0755);
  // Root reads any file, so where we are root the scan runs as an unprivileged user, from a
  // copy of the binary that user can reach wherever the build tree lives.
  TempDir tools;
  ::chmod(tools.path().c_str(), 0755);
  const auto binary = tools.path() / "leakhound";
  std::filesystem::copy_file(LEAKHOUND_BINARY, binary);
  std::string command = leakhound::test::shell_quote(binary.string()) + " dir . -f json";
  if (::geteuid() == 0) {
    // That user may not reach the tests' database cache either: it compiles the pack itself.
    command =
        "XDG_CACHE_HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
  }
  auto result = leakhound::test::run_shell(
      "cd " + leakhound::test::shell_quote(tree.path().string()) + " && " + command);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("locked.txt: cannot open: Permission denied"));
  CHECK_THAT(result.err, Catch::Contains("INCOMPLETE"));
  auto document = nlohmann::json::parse(result.out);
  CHECK(document["findings"].size() == 1);  // the rest of the scan still reports
  CHECK(document["summary"]["errors"] == 1);
}

TEST_CASE("cli: a file over --max-file-size is reported and the scan is partial", "[cli]") {
  TempDir tree;
  tree.write("big.log", std::string(3000, 'a'));
  tree.write("small.txt", "fine\n");
  auto result = run_leakhound({"dir", ".", "--max-file-size", "2K"}, tree.path());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err,
             Catch::Contains("big.log: skipped: 3000 bytes is more than --max-file-size"));
  CHECK_THAT(result.err, Catch::Contains("1 too large"));
  CHECK(run_leakhound({"dir", ".", "--max-file-size", "lots"}, tree.path()).exit_code == 2);
}

TEST_CASE("cli: binary junk is skipped quietly and counted", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("image.png", std::string("\x89PNG\0\0", 6) + fake.github_classic());
  auto result = run_leakhound({"dir", "."}, tree.path());
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("1 binary"));
  CHECK(run_leakhound({"dir", ".", "--scan-binary"}, tree.path()).exit_code == 1);
}

TEST_CASE("cli: --exclude and .leakhound.toml keep paths out of the scan", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("fixtures/leak.txt", fake.github_classic() + "\n");
  CHECK(run_leakhound({"dir", "."}, tree.path()).exit_code == 1);
  CHECK(run_leakhound({"dir", ".", "--exclude", "fixtures"}, tree.path()).exit_code == 0);
  tree.write(".leakhound.toml", "[allowlist]\npaths = [\"fixtures/*\"]\n");
  CHECK(run_leakhound({"dir", "."}, tree.path()).exit_code == 0);
  CHECK(run_leakhound({"dir", ".", "--no-config"}, tree.path()).exit_code == 1);
  tree.write(".leakhound.toml", "[allowlist]\npath = [\"fixtures/*\"]\n");
  auto bad = run_leakhound({"dir", "."}, tree.path());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains(".leakhound.toml:2: unknown key 'allowlist.path'"));
}

TEST_CASE("cli: a bad rule file is rejected naming file, rule and reason", "[cli]") {
  TempDir tree;
  tree.write("rules/bad.toml", R"([[rules]]
id = "custom-bad"
name = "Bad"
description = "Uses a lookbehind."
regex = '''(?<=key=)[a-z]{8}'''
severity = "low"
confidence = "low"
tags = []
references = []
examples = []
negative_examples = []
)");
  auto result = run_leakhound({"dir", ".", "--rules", "rules/bad.toml"}, tree.path());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err,
             Catch::Contains("rules/bad.toml: rule 'custom-bad': regex rejected by Vectorscan"));
}

TEST_CASE("cli: custom rules are added with --rules", "[cli]") {
  TempDir tree;
  tree.write("rules/acme.toml", R"([[rules]]
id = "acme-token"
name = "ACME token"
description = "Internal ACME tokens."
regex = '''\bacme_[0-9a-f]{16}\b'''
severity = "medium"
confidence = "high"
tags = ["internal"]
references = ["https://example.invalid/acme"]
examples = ["token = acme_0123456789abcdef"]
negative_examples = ["acme_0123"]
)");
  tree.write("app.cfg", "token = acme_0123456789abcdef\n");
  auto result = run_leakhound({"dir", "app.cfg", "--rules", "rules", "-f", "json"}, tree.path());
  CHECK(result.exit_code == 1);
  CHECK(findings_of(result)[0]["rule_id"] == "acme-token");
  auto check = run_leakhound({"rules", "check", "rules/acme.toml"}, tree.path());
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("1 rules, 1 examples, 1 negative examples: 0 failure(s)"));
}

TEST_CASE("cli: rules check fails on a rule whose example does not match", "[cli]") {
  TempDir tree;
  tree.write("r.toml", R"([[rules]]
id = "strict"
name = "Strict"
description = "Example does not match."
regex = '''\bstrict_[0-9]{8}\b'''
severity = "low"
confidence = "low"
tags = []
references = []
examples = ["strict_123"]
negative_examples = ["strict_12345678"]
)");
  auto result = run_leakhound({"rules", "check", "r.toml"}, tree.path());
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("FAIL strict"));
  CHECK_THAT(result.out, Catch::Contains("example #1 is not detected"));
  CHECK_THAT(result.out, Catch::Contains("negative example #1 is detected"));
}

TEST_CASE("cli: rules list, rules check and --version", "[cli]") {
  auto list = run_leakhound({"rules", "list"});
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("aws-access-key-id"));
  auto regexes = run_leakhound({"rules", "list", "--regexes"});
  CHECK(std::count(regexes.out.begin(), regexes.out.end(), '\n') >= 30);
  auto check = run_leakhound({"rules", "check"});
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains(" 0 failure(s)"));
  auto version = run_leakhound({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("leakhound "));
  CHECK(run_leakhound({"dir", "--no-such-flag"}).exit_code == 2);
  CHECK(run_leakhound({}).exit_code == 2);
}

TEST_CASE("cli: file names that are not UTF-8 are scanned and reported", "[cli]") {
  TempDir tree;
  FakeSecrets fake;
  tree.write("caf\xe9.txt", fake.github_classic() + "\n");
  auto result = run_leakhound({"dir", ".", "-f", "json"}, tree.path());
  CHECK(result.exit_code == 1);
  CHECK(findings_of(result)[0]["path"] == "caf\xef\xbf\xbd.txt");
}

TEST_CASE("cli: the project's own tree scans clean with its configuration", "[cli][self]") {
  auto result = run_leakhound({"dir", LEAKHOUND_SOURCE_DIR, "-f", "json"});
  INFO(result.out.substr(0, 2000));
  INFO(result.err);
  CHECK(result.exit_code == 0);
  // And the configuration is what keeps it clean: without it, the rule examples are found.
  auto unconfigured =
      run_leakhound({"dir", std::string(LEAKHOUND_SOURCE_DIR) + "/rules", "--no-config"});
  CHECK(unconfigured.exit_code == 1);
}
