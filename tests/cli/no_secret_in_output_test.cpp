// Property (issue 14 item 3): for random files with planted secrets (several per line, some
// base64- or hex-encoded so decoded findings occur), no confirmed secret of 8 bytes or more, nor
// the encoded run of a decoded one, appears anywhere in our output unless --show-secrets: not in
// any format of `dir`, `git` and `image`, nor in `stream`, nor in `redact`'s output and report.
// The seeds are a fixed list, so every run plants the same secrets.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support.h"

using leakhound::test::base64;
using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

constexpr std::size_t kFiles = 3;
constexpr std::size_t kLinesPerFile = 8;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Random lines of filler words with secrets planted among them, several on some lines.
std::string random_file(FakeSecrets& fake, std::mt19937& random) {
  const std::vector<std::string> filler = {"INFO", "user=alice",  "request", "id=42", "->",
                                           "ok",   "GET /api/v1", "retry",   "#",     "done"};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  std::string out;
  for (std::size_t line = 0; line < kLinesPerFile; ++line) {
    const std::size_t items = 2 + pick(6);
    for (std::size_t item = 0; item < items; ++item) {
      if (item > 0) out += ' ';
      switch (pick(9)) {
        case 0:
          out += fake.github_classic();
          break;
        case 1:
          out += fake.slack_bot();
          break;
        case 2:
          out += "AWS_ACCESS_KEY_ID=" + fake.aws_access_key_id();
          break;
        case 3:
          out += "AWS_SECRET_ACCESS_KEY=" +
                 fake.random_string(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
          break;
        case 4:
          out += base64(fake.github_classic());
          break;
        case 5:
          out += hex(fake.slack_bot());
          break;
        default:
          out += filler[pick(filler.size())];
      }
    }
    out += '\n';
  }
  return out;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What must never be printed: every confirmed secret of 8 bytes or more and, for a decoded
// finding, its encoded run (the bytes at its offsets), from a --show-secrets JSON report.
std::set<std::string> confirmed_secrets(const TempDir& tree) {
  auto shown = run_leakhound({"dir", tree.path().string(), "-f", "json", "--show-secrets"});
  REQUIRE(shown.exit_code == 1);
  std::set<std::string> out;
  const auto report = nlohmann::json::parse(shown.out);
  for (const auto& finding : report["findings"]) {
    const std::string secret = finding["secret"];
    if (secret.size() >= 8) out.insert(secret);
    const std::string content = slurp(tree.path() / finding["path"].get<std::string>());
    const std::size_t offset = finding["offset"];
    const std::string run =
        content.substr(offset, finding["end_offset"].get<std::size_t>() - offset);
    if (run.size() >= 8) out.insert(run);
  }
  return out;
}

void check_clean(const std::string& what, const CommandResult& result,
                 const std::set<std::string>& secrets) {
  std::vector<std::string> leaked;  // each by its first 4 bytes, never whole
  for (const std::string& secret : secrets) {
    if (result.out.find(secret) != std::string::npos ||
        result.err.find(secret) != std::string::npos)
      leaked.push_back(secret.substr(0, 4) + "...");
  }
  INFO(what << " exit " << result.exit_code << "\n" << result.err);
  CHECK((result.exit_code == 1 || result.exit_code == 0));
  CHECK(leaked.empty());
}

void check_every_format(const std::string& what, std::vector<std::string> arguments,
                        const std::set<std::string>& secrets) {
  for (const std::string& format : leakhound::test::kReportFormats) {
    std::vector<std::string> with_format = arguments;
    with_format.insert(with_format.end(), {"-f", format});
    check_clean(what + " -f " + format, run_leakhound(with_format), secrets);
  }
}

}  // namespace

TEST_CASE("property: no confirmed secret appears in any output without --show-secrets",
          "[masking][property]") {
  for (const std::uint32_t seed : {14u, 1401u, 271828u}) {
    INFO("seed " << seed);
    FakeSecrets fake(seed);
    std::mt19937 random(seed);
    TempDir root;
    TempDir tree;
    std::string all;
    for (std::size_t file = 0; file < kFiles; ++file) {
      const std::string content = random_file(fake, random);
      tree.write("f" + std::to_string(file) + ".txt", content);
      all += content;
    }
    const std::set<std::string> secrets = confirmed_secrets(tree);
    REQUIRE(secrets.size() >= 4);  // the property says nothing without secrets

    check_every_format("dir", {"dir", tree.path().string()}, secrets);

    // The same files committed to a repository.
    auto committed = run_shell("cd " + shell_quote(tree.path().string()) +
                               " && git init -q . && git add -A && git -c user.name=t -c "
                               "user.email=t@example.invalid commit -q -m 'add files'");
    REQUIRE(committed.exit_code == 0);
    check_every_format("git", {"git", tree.path().string()}, secrets);

    // The same files as an image layer, in the docker-save format.
    const auto tarball = root.path() / "image.tar";
    auto made = run_shell(
        "python3 " +
        shell_quote(std::string(LEAKHOUND_SOURCE_DIR) + "/corpus/make_image_fixtures.py") +
        " --from-dirs " + shell_quote((root.path() / "layout").string()) + " property" +
        " --docker " + shell_quote(tarball.string()) + " " + shell_quote(tree.path().string()));
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    check_every_format("image", {"image", tarball.string()}, secrets);

    // All of it as one log.
    const auto log = root.write("app.log", all);
    check_clean("stream", run_leakhound({"stream", "--quiet", log.string()}), secrets);
    const auto report = root.path() / "report.jsonl";
    check_clean("redact", run_leakhound({"redact", "--report", report.string(), log.string()}),
                secrets);
    CommandResult report_text;
    report_text.exit_code = 1;
    report_text.out = slurp(report);
    CHECK(!report_text.out.empty());
    check_clean("redact --report", report_text, secrets);
  }
}
