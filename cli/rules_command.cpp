#include "cli/rules_command.h"

#include <iomanip>
#include <iostream>

#include "cli/exit_codes.h"
#include "engine/rule_check.h"
#include "engine/rule_loader.h"
#include "reporters/finding_json.h"

namespace leakhound {

void add_rules_command(CLI::App& app, RulesOptions& options) {
  CLI::App* rules = app.add_subcommand("rules", "List or check the loaded rules");
  rules->require_subcommand(1);
  CLI::App* list = rules->add_subcommand("list", "Print id, name, severity and tags of every rule");
  add_rule_options(*list, options.common);
  list->add_flag("--regexes", options.regexes, "Print only the regexes, one per line");
  list->add_flag("--json", options.json, "Print the rules as a JSON array");
  CLI::App* check = rules->add_subcommand(
      "check", "Run every rule's examples and negative examples; exit 1 on any failure");
  check
      ->add_option("files", options.files,
                   "Check only the rules in these files (default: built-in and --rules)")
      ->type_name("FILE");
  add_rule_options(*check, options.common);
}

int run_rules_list(const RulesOptions& options) {
  auto database = load_database(options.common);
  if (!database) {
    print_error(database.error().message);
    return kExitError;
  }
  const auto& rules = database.value()->rules();
  if (options.regexes) {
    for (const Rule& rule : rules)
      std::cout << rule.regex << '\n';
    return kExitClean;
  }
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Rule& rule : rules) {
      out.push_back({{"id", rule.id},
                     {"name", rule.name},
                     {"severity", to_string(rule.severity)},
                     {"confidence", to_string(rule.confidence)},
                     {"tags", rule.tags},
                     {"origin", rule.origin}});
    }
    std::cout << dump_json(out, 2) << '\n';
    return kExitClean;
  }
  std::size_t id_width = 2;
  std::size_t name_width = 4;
  for (const Rule& rule : rules) {
    id_width = std::max(id_width, rule.id.size());
    name_width = std::max(name_width, rule.name.size());
  }
  std::cout << std::left << std::setw(static_cast<int>(id_width + 2)) << "ID"
            << std::setw(static_cast<int>(name_width + 2)) << "NAME" << std::setw(10) << "SEVERITY"
            << "TAGS\n";
  for (const Rule& rule : rules) {
    std::string tags;
    for (const std::string& tag : rule.tags)
      tags += (tags.empty() ? "" : ",") + tag;
    std::cout << std::setw(static_cast<int>(id_width + 2)) << rule.id
              << std::setw(static_cast<int>(name_width + 2)) << rule.name << std::setw(10)
              << to_string(rule.severity) << tags << '\n';
  }
  std::cout << rules.size() << " rules\n";
  return kExitClean;
}

int run_rules_check(const RulesOptions& options) {
  Result<std::unique_ptr<RuleDatabase>> database = make_error("no rules");
  if (options.files.empty()) {
    database = load_database(options.common);
  } else {
    std::vector<Rule> rules;
    for (const std::string& file : options.files) {
      auto loaded = load_rules(file);
      if (!loaded) {
        print_error(loaded.error().message);
        return kExitError;
      }
      if (auto merged = merge_rules(rules, std::move(loaded).value()); !merged) {
        print_error(merged.error().message);
        return kExitError;
      }
    }
    DatabaseOptions database_options;
    if (!options.common.no_db_cache) database_options.cache_dir = default_cache_dir();
    database = RuleDatabase::build(std::move(rules), database_options);
  }
  if (!database) {
    print_error(database.error().message);
    return kExitError;
  }
  RuleCheckReport report = check_rule_examples(*database.value());
  for (const RuleCheckFailure& failure : report.failures) {
    std::cout << "FAIL " << failure.rule_id << " (" << failure.origin << "): " << failure.message
              << '\n';
  }
  std::cout << report.rules << " rules, " << report.examples << " examples, "
            << report.negative_examples << " negative examples: " << report.failures.size()
            << " failure(s)\n";
  return report.failures.empty() ? kExitClean : kExitFindings;
}

}  // namespace leakhound
