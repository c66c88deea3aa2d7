// Reads a gitleaks (v8) or Betterleaks configuration into a ProjectConfig, so that a project
// can switch to leakhound without rewriting it (docs/ci.md lists what maps to what). Rules keep
// their ids; regexes are translated from Go RE2 (cli/go_regex.h) and checked one by one with
// both engines: a rule that cannot be used is skipped and named in `notes` with the reason,
// and the rest load. Settings leakhound cannot apply (Betterleaks' CEL filters, composite
// rules) are named in `notes` too, never silently dropped.
#pragma once

#include <toml++/toml.h>
#include <filesystem>

#include "cli/project_config.h"

namespace leakhound {

Result<ProjectConfig> read_gitleaks_config(const std::filesystem::path& file,
                                           const toml::table& document);

}  // namespace leakhound
