// Reads rule files (TOML, one [[rules]] table per rule) into Rules, rejecting anything the
// format does not define: unknown keys, wrong types, missing fields, bad ids, duplicate ids.
// Every error names the file, the rule id (when known) and the reason. Regex validity is
// checked when the rules are compiled (RuleDatabase), which names the same three things.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "engine/rule.h"

namespace leakhound {

// Parses one rule file's text; `origin` names it in errors.
Result<std::vector<Rule>> parse_rules(std::string_view toml_text, std::string_view origin);

// Loads a rule file, or every *.toml file below a directory (sorted by path).
Result<std::vector<Rule>> load_rules(const std::filesystem::path& path);

// The rule pack embedded in the binary at build time.
Result<std::vector<Rule>> load_builtin_rules();

// Appends `extra` to `rules`; fails when an id is already present.
Result<void> merge_rules(std::vector<Rule>& rules, std::vector<Rule> extra);

}  // namespace leakhound
