// `leakhound rules list` and `leakhound rules check`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/common.h"

namespace leakhound {

struct RulesOptions {
  CommonOptions common;
  bool regexes = false;
  bool json = false;
  std::vector<std::string> files;  // check: only these files' rules
};

void add_rules_command(CLI::App& app, RulesOptions& options);
int run_rules_list(const RulesOptions& options);
int run_rules_check(const RulesOptions& options);

}  // namespace leakhound
