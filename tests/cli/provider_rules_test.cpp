// Regression tests for the provider rules of the cloud, version control and CI/CD families,
// run on the real binary. The tokens are generated at run time (prefixes split), so this file
// holds nothing a scan would report.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support.h"

using leakhound::test::FakeSecrets;
using leakhound::test::kBase62;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

namespace {

constexpr std::string_view kHex = "0123456789abcdef";

// Scans `content` written to `name` and returns the findings (with their secrets).
nlohmann::json scan_one(const std::string& name, const std::string& content) {
  TempDir tree;
  tree.write(name, content);
  auto result = run_leakhound({"dir", ".", "-f", "json", "--show-secrets"}, tree.path());
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  return nlohmann::json::parse(result.out)["findings"];
}

std::string uuid(FakeSecrets& fake) {
  return fake.random_string(8, kHex) + "-" + fake.random_string(4, kHex) + "-4" +
         fake.random_string(3, kHex) + "-a" + fake.random_string(3, kHex) + "-" +
         fake.random_string(12, kHex);
}

}  // namespace

TEST_CASE("regression: GitHub refresh tokens of 76 characters were missed", "[regression]") {
  // GitHub issues ghr_ tokens with 76 characters after the prefix; the rule accepted only 36.
  FakeSecrets fake;
  const std::string long_token =
      "gh"
      "r_" +
      fake.random_string(76, kBase62);
  const std::string short_token =
      "gh"
      "r_" +
      fake.random_string(36, kBase62);
  auto findings = scan_one("tokens.json", "{\"refresh_token\": \"" + long_token +
                                              "\",\n \"old\": \"" + short_token + "\"}\n");
  REQUIRE(findings.size() == 2);
  CHECK(findings[0]["rule_id"] == "github-refresh-token");
  CHECK(findings[0]["secret"] == long_token);
  CHECK(findings[1]["rule_id"] == "github-refresh-token");
  CHECK(findings[1]["secret"] == short_token);

  // One character more or less than 76 is no GitHub token.
  const std::string too_long =
      "gh"
      "r_" +
      fake.random_string(77, kBase62);
  CHECK(scan_one("t.env", "REFRESH=" + too_long + "\n").empty());
}

TEST_CASE("regression: GitLab runner tokens created through the API (glrtr-) were missed",
          "[regression]") {
  FakeSecrets fake;
  const std::string token =
      "glr"
      "tr-" +
      fake.random_string(20, kBase62);
  auto findings = scan_one("config.toml", "[[runners]]\n  token = \"" + token + "\"\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "gitlab-runner-token");
  CHECK(findings[0]["secret"] == token);
}

TEST_CASE("regression: a LaunchDarkly SDK key is reported by one rule, not two", "[regression]") {
  // "sdk-" and a UUID is 40 characters: the access token rule once took it for a legacy token.
  FakeSecrets fake;
  const std::string key =
      "sd"
      "k-" +
      uuid(fake);
  auto findings = scan_one(".env", "LAUNCHDARKLY_SDK_KEY=" + key + "\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "launchdarkly-sdk-key");
  CHECK(findings[0]["secret"] == key);
}

TEST_CASE("regression: a GitHub OAuth client secret is reported by one rule, not two",
          "[regression]") {
  // github_oauth_secret also read as a legacy token name ("oauth") before the names were split.
  FakeSecrets fake;
  const std::string secret = fake.random_string(40, kHex);
  auto findings = scan_one("config.py", "github_oauth_secret = '" + secret + "'\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "github-oauth-client-secret");
  CHECK(findings[0]["secret"] == secret);
}

TEST_CASE("provider tokens in real files are named by their provider's rule", "[providers]") {
  // The shapes people leak: CI variables, YAML, JSON, CLI flags and build configuration. Each
  // line must be reported by the provider rule (with its revoke advice), not a generic one.
  FakeSecrets fake;
  const auto b62 = [&](std::size_t n) { return fake.random_string(n, kBase62); };
  const auto hex = [&](std::size_t n) { return fake.random_string(n, kHex); };
  struct Case {
    std::string rule;
    std::string file;
    std::string content;
  };
  const std::vector<Case> cases = {
      {"databricks-api-token", ".env",
       "DATABRICKS_TOKEN=da"
       "pi" +
           hex(32) + "\n"},
      {"tailscale-key", "ci.yml",
       "  TS_AUTHKEY: ts"
       "key-auth-k" +
           b62(11) + "CNTRL-" + b62(33) + "\n"},
      {"supabase-access-token", ".env",
       "SUPABASE_ACCESS_TOKEN=sb"
       "p_" +
           hex(40) + "\n"},
      {"sonarqube-token", "build.sh",
       "mvn sonar:sonar -Dsonar.token=sq"
       "p_" +
           hex(40) + "\n"},
      {"postman-api-key", "env.json",
       "{\"apiKey\": \"PM"
       "AK-" +
           hex(24) + "-" + hex(34) + "\"}\n"},
      {"snyk-api-token", "ci.sh", "snyk auth " + uuid(fake) + "\n"},
      {"kafka-sasl-jaas-password", "client.properties",
       "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
       "username=\"" +
           fake.random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + "\" password=\"" +
           b62(64) + "\";\n"},
      {"gradle-credentials-password", "build.gradle",
       "credentials {\n    username 'deployer'\n    password '" + b62(16) + "'\n}\n"},
      {"vault-unseal-key", "init.txt",
       "Unseal Key 1: " + leakhound::test::base64(fake.random_string(33, kBase62)) + "\n"},
  };
  for (const auto& c : cases) {
    INFO(c.rule << " in " << c.file);
    auto findings = scan_one(c.file, c.content);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0]["rule_id"] == c.rule);
  }
}
