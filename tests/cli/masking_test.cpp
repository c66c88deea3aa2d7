// Issue 14, "never print a secret": every secret a rule confirmed is masked wherever our output
// echoes the scanned text (snippets of other findings, image history, redact's output), in
// every format, unless --show-secrets. Each test runs the real binary on a temp tree.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
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

// The output of `arguments` plus `-f FORMAT` for every format.
std::vector<std::pair<std::string, CommandResult>> every_format(
    const std::vector<std::string>& arguments) {
  std::vector<std::pair<std::string, CommandResult>> out;
  for (const std::string& format : leakhound::test::kReportFormats) {
    std::vector<std::string> with_format = arguments;
    with_format.insert(with_format.end(), {"-f", format});
    out.emplace_back(format, run_leakhound(with_format));
  }
  return out;
}

void check_absent(const std::string& output, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    INFO("secret " << secret.substr(0, 4) << "... in:\n" << output);
    CHECK(output.find(secret) == std::string::npos);
  }
}

// "aws_secret_access_key" style 40-character value of the AWS secret key rule's alphabet.
std::string aws_secret(FakeSecrets& fake) {
  return fake.random_string(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

}  // namespace

TEST_CASE("regression: other secrets on a finding's line are printed in its snippet",
          "[masking][regression]") {
  TempDir dir;
  FakeSecrets fake(1401);
  const std::string key_id = fake.aws_access_key_id();
  const std::string secret_key = aws_secret(fake);
  const std::string token = fake.github_classic();
  const std::string encoded = fake.github_classic();
  dir.write("run.sh", "docker run -e AWS_ACCESS_KEY_ID=" + key_id +
                          " -e AWS_SECRET_ACCESS_KEY=" + secret_key + " app\n");
  dir.write("twice.txt", "token=" + token + " again " + token + "\n");
  dir.write("decoded.txt", "plain " + token + " blob " + base64(encoded) + "\n");
  const std::vector<std::string> secrets = {key_id, secret_key, token, encoded, base64(encoded)};

  for (const auto& [format, result] : every_format({"dir", dir.path().string()})) {
    INFO("format " << format);
    CHECK(result.exit_code == 1);
    check_absent(result.out, secrets);
  }
  // Masked, not lost: the findings are all there, and --show-secrets shows the line whole.
  auto json = run_leakhound({"dir", dir.path().string(), "-f", "json"});
  const auto report = nlohmann::json::parse(json.out);
  CHECK(report["findings"].size() == 6);
  for (const auto& finding : report["findings"]) {
    const std::string line = finding["line_text"];
    if (finding["path"] == "run.sh") {
      CHECK(line ==
            "docker run -e AWS_ACCESS_KEY_ID=[REDACTED] -e "
            "AWS_SECRET_ACCESS_KEY=[REDACTED] app");
    }
    if (finding["path"] == "twice.txt") CHECK(line == "token=[REDACTED] again [REDACTED]");
  }
  auto shown = run_leakhound({"dir", dir.path().string(), "--show-secrets"});
  CHECK(shown.out.find("AWS_ACCESS_KEY_ID=" + key_id + " -e") != std::string::npos);
}

TEST_CASE("regression: stream and redact --report print other secrets of the line",
          "[masking][regression][stream]") {
  TempDir dir;
  FakeSecrets fake(1402);
  const std::string key_id = fake.aws_access_key_id();
  const std::string secret_key = aws_secret(fake);
  const std::string token = fake.github_classic();
  const std::string encoded = fake.github_classic();
  const auto log =
      dir.write("app.log", "docker run -e AWS_ACCESS_KEY_ID=" + key_id +
                               " -e AWS_SECRET_ACCESS_KEY=" + secret_key + " app\nuse " + token +
                               " or " + token + " or " + base64(encoded) + "\n");
  const std::vector<std::string> secrets = {key_id, secret_key, token, encoded, base64(encoded)};

  auto stream = run_leakhound({"stream", "--quiet", log.string()});
  CHECK(stream.exit_code == 1);
  CHECK(stream.out.find("aws-secret-access-key") != std::string::npos);
  check_absent(stream.out, secrets);

  const auto report = dir.path() / "report.jsonl";
  auto redact = run_leakhound({"redact", "--quiet", "--report", report.string(), log.string()});
  CHECK(redact.exit_code == 1);
  check_absent(redact.out, secrets);
  auto read = run_shell("cat " + shell_quote(report.string()));
  CHECK(read.out.find("aws-access-key-id") != std::string::npos);
  check_absent(read.out, secrets);
}

TEST_CASE("regression: an image history created_by is printed in clear on other findings",
          "[masking][regression][image]") {
  TempDir temp;
  FakeSecrets fake(1403);
  const std::string build_token = fake.github_classic();
  const std::string file_token = fake.github_classic();
  const std::string env_token = fake.github_classic();
  temp.write("base/etc/app.conf", "token = " + file_token + "\n");
  const auto layout = temp.path() / "image";
  const auto tarball = temp.path() / "image.tar";
  auto made =
      run_shell("python3 " +
                shell_quote(std::string(LEAKHOUND_SOURCE_DIR) + "/corpus/make_image_fixtures.py") +
                " --from-dirs " + shell_quote(layout.string()) + " masked" + " --created-by=" +
                shell_quote("RUN echo " + build_token + " > /etc/token # buildkit") +
                " --env=" + shell_quote("GITHUB_TOKEN=" + env_token) + " --docker " +
                shell_quote(tarball.string()) + " " + shell_quote((temp.path() / "base").string()));
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::vector<std::string> secrets = {build_token, file_token, env_token};

  for (const std::string& image : {layout.string(), tarball.string()}) {
    for (const auto& [format, result] : every_format({"image", image})) {
      INFO(image << " format " << format);
      CHECK(result.exit_code == 1);
      check_absent(result.out, secrets);
    }
    // Each secret is still a finding of the field it was found in.
    auto json = run_leakhound({"image", image, "-f", "json"});
    const auto report = nlohmann::json::parse(json.out);
    std::vector<std::string> paths;
    for (const auto& finding : report["findings"]) {
      paths.push_back(finding["path"]);
      if (finding["path"] == "etc/app.conf") {
        CHECK(finding["provenance"]["created_by"] == "RUN echo [REDACTED] > /etc/token # buildkit");
      }
    }
    CHECK_THAT(paths, Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                          "config:Env", "config:history[0].created_by", "etc/app.conf"}));
  }
}

TEST_CASE("regression: redact masks a byte outside every reported secret",
          "[masking][regression][redact]") {
  // Found by fuzz_redact: a plain generic match [4,14) yields to the decoded finding [0,13) of
  // the escaped run, but its mask stayed and hid the 14th byte too.
  TempDir dir;
  for (const std::string& tail : {std::string("\xae"), std::string("\xc3\xa9")}) {
    const std::string input = "pwd:roswrd\\/7" + tail;
    const auto file = dir.write("input.bin", input);
    const auto report = dir.path() / "report.jsonl";
    auto redact = run_leakhound({"redact", "--quiet", "--report", report.string(), file.string()});
    std::string masked = input;
    std::size_t reported = 0;
    std::istringstream lines(run_shell("cat " + shell_quote(report.string())).out);
    for (std::string line; std::getline(lines, line);) {
      const auto finding = nlohmann::json::parse(line);
      ++reported;
      for (std::size_t at = finding["offset"]; at < finding["end_offset"].get<std::size_t>(); ++at)
        masked[at] = '*';
    }
    CHECK(reported == 1);
    CHECK(redact.out == masked);  // exactly the reported bytes: the tail passes as it came
    CHECK(redact.out.ends_with(tail));
  }
}
