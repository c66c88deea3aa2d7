// Credential files people leak: the real binary on temporary trees. Human passwords are built
// by concatenation so that this file itself scans clean.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::TempDir;

namespace {

// "path:line rule-id" of every finding.
std::set<std::string> located_findings(const CommandResult& result) {
  std::set<std::string> located;
  const auto report = nlohmann::json::parse(result.out);
  for (const auto& finding : report["findings"]) {
    located.insert(finding["path"].get<std::string>() + ":" +
                   std::to_string(finding["line"].get<int>()) + " " +
                   finding["rule_id"].get<std::string>());
  }
  return located;
}

const std::string kWeak = std::string("hun") + "ter22";  // a human password, low entropy
const std::string kWord = std::string("pass") + "word";  // a placeholder

}  // namespace

TEST_CASE("regression: .pgpass lines are found only in files named .pgpass", "[cli][regression]") {
  TempDir tree;
  const std::string entries =
      "# hostname:port:database:username:password\n"
      "db.acme-corp.io:5432:orders:orders_app:" +
      kWeak + "\n*:5432:*:postgres:" + kWeak + "x\n";
  tree.write(".pgpass", entries);
  tree.write("home/jdoe/.pgpass", entries);
  tree.write("notes/pgpass-lines.txt", entries);  // the same text under another name
  auto result = run_leakhound({"dir", ".", "-f", "json", "--no-config"}, tree.path());
  INFO(result.out);
  CHECK(result.exit_code == 1);
  CHECK(located_findings(result) == std::set<std::string>{
                                        ".pgpass:2 pgpass-password",
                                        ".pgpass:3 pgpass-password",
                                        "home/jdoe/.pgpass:2 pgpass-password",
                                        "home/jdoe/.pgpass:3 pgpass-password",
                                    });
}

TEST_CASE("regression: a Rails master key is found in config/master.key, not in other hex files",
          "[cli][regression]") {
  TempDir tree;
  FakeSecrets fake(16);
  const std::string key = fake.random_string(32, "0123456789abcdef");
  tree.write("app/config/master.key", key);
  tree.write("app/config/credentials/production.key", key + "\n");
  tree.write("app/checksums/file.md5", key + "\n");
  auto result = run_leakhound({"dir", ".", "-f", "json", "--no-config"}, tree.path());
  INFO(result.out);
  CHECK(located_findings(result) == std::set<std::string>{
                                        "app/config/master.key:1 rails-master-key",
                                        "app/config/credentials/production.key:1 rails-master-key",
                                    });
}

TEST_CASE("regression: path-only rules do not fire in streams", "[cli][regression]") {
  TempDir tree;
  auto log = tree.write("app.log", "db.acme-corp.io:5432:orders:orders_app:" + kWeak + "\n");
  auto result = run_leakhound({"stream", "--quiet", log.string()});
  INFO(result.out);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  // The same line streamed from a file named .pgpass is one.
  auto named = tree.write(".pgpass", "db.acme-corp.io:5432:orders:orders_app:" + kWeak + "\n");
  auto found = run_leakhound({"stream", "--quiet", named.string()});
  CHECK(found.exit_code == 1);
  CHECK(found.out.find("pgpass-password") != std::string::npos);
}

TEST_CASE("regression: weak passwords in credential files are found", "[cli][regression]") {
  TempDir tree;
  tree.write(".netrc", "machine ftp.acme-corp.io login deploy password " + kWeak + "\n" +
                           "machine mail.acme-corp.io login jdoe password ${MAIL_PASSWORD}\n" +
                           "machine ci.acme-corp.io login ci password " + kWord + "\n");
  tree.write("sftp-config.json",
             "{\n  \"type\": \"sftp\",\n  \"host\": \"web01.acme-corp.io\",\n"
             "  \"user\": \"deploy\",\n  \"password\": \"" +
                 kWeak + "\",\n  \"remote_path\": \"/var/www/\"\n}\n");
  tree.write("wp-config.php", "<?php\ndefine( 'DB_PASSWORD', '" + kWeak +
                                  "' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n");
  tree.write("deploy.sh", "git clone https://builder:Spr1ng#" + std::string("2021") +
                              "@git.acme-corp.io/infra.git\n");
  auto result = run_leakhound({"dir", ".", "-f", "json", "--no-config"}, tree.path());
  INFO(result.out);
  CHECK(located_findings(result) == std::set<std::string>{
                                        ".netrc:1 netrc-password",
                                        "sftp-config.json:5 json-connection-password",
                                        "wp-config.php:2 wordpress-db-password",
                                        "deploy.sh:1 http-basic-auth-url",
                                    });
}

TEST_CASE("regression: a leaked password hash is a low-severity finding", "[cli][regression]") {
  TempDir tree;
  FakeSecrets fake(17);
  const std::string crypt_alphabet =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  tree.write("shadow", "root:$6$" + fake.random_string(16, crypt_alphabet) + "$" +
                           fake.random_string(86, crypt_alphabet) +
                           ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
  auto result = run_leakhound({"dir", ".", "-f", "json", "--no-config"}, tree.path());
  INFO(result.out);
  auto findings = nlohmann::json::parse(result.out)["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "password-hash-crypt");
  CHECK(findings[0]["severity"] == "low");
  CHECK(findings[0]["line"] == 1);
}

TEST_CASE("regression: a path-limited rule does not hide a decoded token", "[cli][regression]") {
  // base64("user:ghp_...") decodes to a user:value line that .htpasswd rules would read.
  TempDir tree;
  FakeSecrets fake(18);
  const std::string token = fake.github_classic();
  tree.write("app.log", "creds " + leakhound::test::base64("user:" + token) + "\n");
  auto result = run_leakhound({"dir", ".", "-f", "json", "--no-config"}, tree.path());
  INFO(result.out);
  CHECK(located_findings(result) == std::set<std::string>{"app.log:1 github-classic-pat"});
}
