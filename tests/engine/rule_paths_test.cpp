#include <catch2/catch.hpp>

#include "engine/rule_loader.h"
#include "engine/rule_paths.h"

using namespace leakhound;

TEST_CASE("a rule glob without '/' matches the file name", "[rules][paths]") {
  CHECK(path_matches_rule_glob(".pgpass", ".pgpass"));
  CHECK(path_matches_rule_glob(".pgpass", "home/jdoe/.pgpass"));
  CHECK(path_matches_rule_glob("*.htpasswd", "site/admin.htpasswd"));
  CHECK(path_matches_rule_glob("htpasswd.*", "/etc/nginx/htpasswd.users"));
  CHECK_FALSE(path_matches_rule_glob(".pgpass", "home/jdoe/.pgpass.bak"));
  CHECK_FALSE(path_matches_rule_glob(".pgpass", "notes/.pgpass/readme"));
  CHECK_FALSE(path_matches_rule_glob(".pgpass", ""));
  CHECK_FALSE(path_matches_rule_glob("", ".pgpass"));
}

TEST_CASE("a rule glob with '/' matches the path or an ending at a component", "[rules][paths]") {
  CHECK(path_matches_rule_glob("config/master.key", "config/master.key"));
  CHECK(path_matches_rule_glob("config/master.key", "apps/shop/config/master.key"));
  CHECK(path_matches_rule_glob("config/credentials/*.key", "config/credentials/production.key"));
  CHECK_FALSE(path_matches_rule_glob("config/master.key", "myconfig/master.key"));
  CHECK_FALSE(path_matches_rule_glob("config/master.key", "config/master.key.enc"));
}

TEST_CASE("paths is an optional list of globs that limits where a rule applies", "[rules][paths]") {
  constexpr const char* kRule = R"(
[[rules]]
id = "demo-file"
name = "Demo file"
description = "A demo."
regex = '''demo_[a-z]{8}'''
paths = [".demo", "conf/*.demo"]
severity = "high"
confidence = "medium"
tags = []
references = []
examples = ["demo_abcdefgh"]
negative_examples = ["demo_abc"]
)";
  auto rules = parse_rules(kRule, "demo.toml");
  REQUIRE(rules.ok());
  const Rule& rule = rules.value()[0];
  CHECK(rule.paths == std::vector<std::string>{".demo", "conf/*.demo"});
  CHECK(rule_applies_to_path(rule, "home/.demo"));
  CHECK(rule_applies_to_path(rule, "app/conf/local.demo"));
  CHECK_FALSE(rule_applies_to_path(rule, "home/demo.txt"));
  Rule anywhere = rule;
  anywhere.paths.clear();
  CHECK(rule_applies_to_path(anywhere, "home/demo.txt"));

  std::string wrong = kRule;
  const std::string list = "paths = [\".demo\", \"conf/*.demo\"]";
  wrong.replace(wrong.find(list), list.size(), "paths = \".demo\"");
  auto rejected = parse_rules(wrong, "demo.toml");
  REQUIRE_FALSE(rejected.ok());
  CHECK_THAT(rejected.error().message, Catch::Contains("paths"));
}

TEST_CASE("findings of path-limited rules are dropped outside their paths", "[rules][paths]") {
  Rule limited;
  limited.id = "limited";
  limited.paths = {".pgpass"};
  Rule anywhere;
  anywhere.id = "anywhere";
  std::vector<Finding> findings(3);
  findings[0].rule = &limited;
  findings[1].rule = &anywhere;
  findings[2].rule = &limited;
  drop_findings_outside_rule_paths(findings, 1, "notes.txt");
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].rule == &limited);  // before `first`: left alone
  CHECK(findings[1].rule == &anywhere);
}
