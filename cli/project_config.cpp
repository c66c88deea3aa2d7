#include "cli/project_config.h"

#include <toml++/toml.h>
#include <sstream>

namespace leakhound {
namespace {

std::string where(const std::filesystem::path& file, const toml::node& node) {
  return file.string() + ":" + std::to_string(node.source().begin.line);
}

}  // namespace

Result<ProjectConfig> load_project_config(const std::filesystem::path& file) {
  ProjectConfig config;
  config.file = file;
  toml::table document;
  try {
    document = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    std::ostringstream out;
    out << file.string() << ':' << error.source().begin.line
        << ": invalid TOML: " << error.description();
    return make_error(out.str());
  }
  for (auto&& [key, node] : document) {
    if (key.str() != "allowlist") {
      return make_error(where(file, node) + ": unknown key '" + std::string(key.str()) + "'");
    }
    const toml::table* allowlist = node.as_table();
    if (!allowlist) return make_error(where(file, node) + ": 'allowlist' must be a table");
    for (auto&& [allow_key, allow_node] : *allowlist) {
      if (allow_key.str() != "paths") {
        return make_error(where(file, allow_node) + ": unknown key 'allowlist." +
                          std::string(allow_key.str()) + "'");
      }
      const toml::array* paths = allow_node.as_array();
      if (!paths)
        return make_error(where(file, allow_node) +
                          ": 'allowlist.paths' must be an array of globs");
      for (const toml::node& path : *paths) {
        if (!path.is_string()) {
          return make_error(where(file, path) + ": 'allowlist.paths' must contain only strings");
        }
        config.allow_paths.push_back(path.as_string()->get());
      }
    }
  }
  return config;
}

Result<ProjectConfig> find_project_config(const std::string& explicit_file, bool no_config,
                                          const std::filesystem::path& root) {
  if (no_config) return ProjectConfig{};
  if (!explicit_file.empty()) return load_project_config(explicit_file);
  std::error_code error;
  const auto candidate = root / kProjectConfigName;
  if (std::filesystem::is_regular_file(candidate, error)) return load_project_config(candidate);
  return ProjectConfig{};
}

}  // namespace leakhound
