// .leakhound.toml: per-project settings found at the scan root (or given with --config): extra
// rule files, disabled rules, allowlists, the severity that fails the scan, the default output
// format and baseline. Unknown keys are errors naming the file and line, so a typo never
// silently disables a setting. A gitleaks or Betterleaks configuration (.gitleaks.toml) is read
// into the same structure (cli/gitleaks_config.h), so projects can switch without rewriting it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/allowlist.h"
#include "engine/result.h"
#include "engine/rule.h"

namespace leakhound {

struct ProjectConfig {
  std::filesystem::path file;            // empty when no configuration was used
  std::vector<std::string> allow_paths;  // globs, as --exclude
  std::vector<Allowlist> allowlists;
  std::vector<std::string> rule_files;  // relative paths resolved against the file's folder
  std::vector<std::string> disabled_rules;
  std::optional<Severity> fail_on;  // findings below it are reported but do not fail the scan
  std::string format;               // default --format
  std::string baseline;             // default --baseline
  // From a gitleaks configuration: its rules (translated), whether leakhound's built-in pack is
  // kept ([extend] useDefault), per-rule path regexes, and what could not be used and why.
  std::vector<Rule> rules;
  bool use_builtin_rules = true;
  std::vector<std::pair<std::string, std::string>> rule_paths;  // rule id, path regex
  std::vector<std::string> notes;
};

inline constexpr const char* kProjectConfigName = ".leakhound.toml";

// Reads `file` as a .leakhound.toml, or as a gitleaks configuration when its name says so
// (gitleaks, betterleaks) or it holds [[rules]] or [extend].
Result<ProjectConfig> load_project_config(const std::filesystem::path& file);

// The configuration a scan uses: `explicit_file` (--config) if given, else .leakhound.toml in
// `root`, else .gitleaks.toml or .betterleaks.toml in `root` (said on stderr), else none (also
// with --no-config).
Result<ProjectConfig> find_project_config(const std::string& explicit_file, bool no_config,
                                          const std::filesystem::path& root);

}  // namespace leakhound
