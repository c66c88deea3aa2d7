// .leakhound.toml: per-project settings found at the scan root (or given with --config).
// This first version holds the allowlisted paths (globs excluded from every scan), which is
// how a project keeps its own test corpora out of its scans. Unknown keys are errors naming
// the file and line, so a typo never silently disables a setting.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/result.h"

namespace leakhound {

struct ProjectConfig {
  std::filesystem::path file;            // empty when no configuration was used
  std::vector<std::string> allow_paths;  // globs, as --exclude
};

inline constexpr const char* kProjectConfigName = ".leakhound.toml";

Result<ProjectConfig> load_project_config(const std::filesystem::path& file);

// The configuration a scan uses: `explicit_file` (--config) if given, else .leakhound.toml in
// `root` if there is one, else none (also with --no-config).
Result<ProjectConfig> find_project_config(const std::string& explicit_file, bool no_config,
                                          const std::filesystem::path& root);

}  // namespace leakhound
