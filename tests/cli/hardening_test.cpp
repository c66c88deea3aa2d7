// Regression tests of issue 14's CLI hardening items, on the real binary: explicitly named
// special files, JSON keys in streams, flag consistency across commands and error wording.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

std::string binary() {
  return shell_quote(LEAKHOUND_BINARY);
}

}  // namespace

TEST_CASE("regression: a FIFO or /dev/stdin named explicitly is skipped as not a regular file",
          "[regression][cli]") {
  FakeSecrets fake;
  const std::string token = fake.github_classic();
  TempDir tree;
  tree.write("t.txt", "k=" + token + "\n");
  const std::string file = shell_quote((tree.path() / "t.txt").string());

  SECTION("/dev/stdin from a pipe") {
    auto result = run_shell("cat " + file + " | " + binary() + " dir /dev/stdin -f json");
    INFO(result.err);
    REQUIRE(result.exit_code == 1);
    auto findings = nlohmann::json::parse(result.out)["findings"];
    REQUIRE(findings.size() == 1);
    CHECK(findings[0]["path"] == "/dev/stdin");
    CHECK(findings[0]["line"] == 1);
    CHECK(findings[0]["column"] == 3);
  }
  SECTION("a named FIFO, larger than the chunk size") {
    // Read in chunks as it streams in: every secret is found once, on its line.
    std::string content;
    for (int i = 0; i < 400; ++i)
      content += "line " + std::to_string(i) + " filler filler filler\n";
    content += "k=" + token + "\n";
    for (int i = 0; i < 400; ++i)
      content += "line " + std::to_string(i) + " more filler text\n";
    tree.write("big.txt", content);
    const std::string fifo = shell_quote((tree.path() / "pipe").string());
    auto result = run_shell("mkfifo " + fifo + " && (cat " +
                            shell_quote((tree.path() / "big.txt").string()) + " > " + fifo +
                            " &) && " + binary() + " dir " + fifo + " -f json --chunk-size 4K");
    INFO(result.err);
    REQUIRE(result.exit_code == 1);
    auto findings = nlohmann::json::parse(result.out)["findings"];
    REQUIRE(findings.size() == 1);
    CHECK(findings[0]["line"] == 401);
    CHECK(findings[0]["offset"] == content.find(token));
  }
  SECTION("a FIFO met during a walk is still skipped") {
    REQUIRE(run_shell("mkfifo " + shell_quote((tree.path() / "walked").string())).exit_code == 0);
    auto result = run_leakhound({"dir", ".", "-f", "json"}, tree.path());
    CHECK(result.exit_code == 1);
    CHECK(nlohmann::json::parse(result.out)["findings"].size() == 1);
  }
}

TEST_CASE("regression: stream --json-lines never scans object keys", "[regression][stream]") {
  FakeSecrets fake;
  const std::string token = fake.github_classic();
  TempDir tree;
  const auto log = tree.write("app.jsonl", "{\"ok\":1}\n{\"tokens\":{\"" + token +
                                               "\":{\"owner\":\"ci\",\"note\":\"x\"}}}\n");
  auto result = run_leakhound({"stream", "--json-lines", "-q", log.string()});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  REQUIRE(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  auto finding = nlohmann::json::parse(result.out);
  CHECK(finding["line"] == 2);
  // The key is named by a placeholder: a field path never carries the secret.
  CHECK(result.out.find("tokens.{key}") != std::string::npos);
  CHECK(result.out.find(token) == std::string::npos);
  CHECK(result.err.find(token) == std::string::npos);
}

TEST_CASE("regression: errors print leakhound: leakhound: and stream names the path twice",
          "[regression][cli]") {
  TempDir tree;
  auto dir = run_leakhound({"dir", ".", "--max-file-size", "lots"}, tree.path());
  CHECK(dir.exit_code == 2);
  CHECK(dir.err.find("leakhound: leakhound:") == std::string::npos);
  CHECK(dir.err.find("leakhound: invalid size 'lots'") != std::string::npos);
  auto stream = run_leakhound({"stream", "missing.log"}, tree.path());
  CHECK(stream.exit_code == 2);
  CHECK(stream.err.find("leakhound: missing.log: cannot open:") != std::string::npos);
  CHECK(stream.err.find("missing.log: missing.log") == std::string::npos);
  auto redact = run_leakhound({"redact", "missing.log"}, tree.path());
  CHECK(redact.exit_code == 2);
  CHECK(redact.err.find("leakhound: missing.log: cannot open:") != std::string::npos);
}

TEST_CASE("regression: stream lacks -f, -j and --color", "[regression][stream]") {
  FakeSecrets fake;
  TempDir tree;
  const auto first = tree.write("a.log", "user=x token=" + fake.github_classic() + "\n");
  const auto second = tree.write("b.log", "nothing here\nk=" + fake.github_classic() + "\n");
  SECTION("json and sarif reports, written when the inputs end") {
    auto json =
        run_leakhound({"stream", "-q", "-f", "json", "-j", "1", first.string(), second.string()});
    INFO(json.err);
    CHECK(json.exit_code == 1);
    auto report = nlohmann::json::parse(json.out);
    REQUIRE(report["findings"].size() == 2);
    CHECK(report["findings"][0]["path"] == first.string());
    CHECK(report["findings"][1]["line"] == 2);
    auto sarif = run_leakhound({"stream", "-q", "--format", "sarif", first.string()});
    CHECK(sarif.exit_code == 1);
    CHECK(nlohmann::json::parse(sarif.out)["runs"][0]["results"].size() == 1);
  }
  SECTION("text with colour, and the default stays JSON lines") {
    auto text = run_leakhound({"stream", "-q", "-f", "text", "--color", "always", first.string()});
    CHECK(text.exit_code == 1);
    CHECK(text.out.find("\x1b[") != std::string::npos);
    auto lines = run_leakhound({"stream", "-q", first.string()});
    CHECK(nlohmann::json::parse(lines.out)["rule_id"].is_string());
  }
  SECTION("--follow needs a thread per input") {
    auto follow = run_leakhound({"stream", "-F", "-j", "1", first.string(), second.string()});
    CHECK(follow.exit_code == 2);
    CHECK(follow.err.find("-j 1") != std::string::npos);
  }
}

TEST_CASE("regression: git and image lack --exclude", "[regression][git]") {
  FakeSecrets fake;
  TempDir repo;
  repo.write("src/app.txt", "k=" + fake.github_classic() + "\n");
  repo.write("fixtures/fake.txt", "k=" + fake.github_classic() + "\n");
  const std::string at = shell_quote(repo.path().string());
  REQUIRE(run_shell("cd " + at +
                    " && git init -q . && git add -A && git -c user.name=t -c user.email=t@t "
                    "commit -q -m init")
              .exit_code == 0);
  auto all = run_leakhound({"git", ".", "-f", "json"}, repo.path());
  REQUIRE(nlohmann::json::parse(all.out)["findings"].size() == 2);
  auto excluded = run_leakhound({"git", ".", "-f", "json", "--exclude", "fixtures/*"}, repo.path());
  INFO(excluded.err);
  auto findings = nlohmann::json::parse(excluded.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["path"] == "src/app.txt");
  auto help = run_leakhound({"image", "--help"});
  CHECK(help.out.find("--exclude") != std::string::npos);
}

TEST_CASE("regression: baseline create --help does not say it takes a scan", "[regression][cli]") {
  auto help = run_leakhound({"baseline", "create", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: leakhound baseline create dir [PATH...] | git [REPO] | image PATH") !=
        std::string::npos);
}

TEST_CASE("regression: SARIF lacks tool.driver.informationUri (SARIF2005)", "[regression][sarif]") {
  TempDir tree;
  tree.write("a.txt", "nothing\n");
  auto result = run_leakhound({"dir", ".", "-f", "sarif"}, tree.path());
  CHECK(result.exit_code == 0);
  auto uri = nlohmann::json::parse(result.out)["runs"][0]["tool"]["driver"]["informationUri"];
  REQUIRE(uri.is_string());
  CHECK(uri.get<std::string>().starts_with("https://"));
}

TEST_CASE("regression: a PCRE2 match-limit hit drops the candidate silently", "[regression][cli]") {
  TempDir tree;
  leakhound::test::write_backtracking_rule(tree);  // input.txt and input.jsonl
  tree.write("plain.txt", "nothing to see\n");
  auto result = run_leakhound(
      {"dir", ".", "--rules", "rules/backtrack.toml", "-f", "json", "--exclude", "rules"},
      tree.path());
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("input.txt: rule backtracking-rule") != std::string::npos);
  CHECK(result.err.find("input.jsonl: rule backtracking-rule") != std::string::npos);
  CHECK(result.err.find("2 rule/input pair(s) with a candidate not confirmed") !=
        std::string::npos);
  CHECK(result.err.find("INCOMPLETE") != std::string::npos);
}
