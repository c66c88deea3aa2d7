#include "cli/project_config.h"

#include <toml++/toml.h>
#include <iostream>
#include <sstream>

#include "cli/gitleaks_config.h"
#include "reporters/reporter_factory.h"

namespace leakhound {
namespace {

std::string where(const std::filesystem::path& file, const toml::node& node) {
  return file.string() + ":" + std::to_string(node.source().begin.line);
}

// Reads an array of strings at `node` into `out`; the error names the file, line and key.
Result<void> read_strings(const std::filesystem::path& file, const toml::node& node,
                          const std::string& key, std::vector<std::string>& out) {
  const toml::array* array = node.as_array();
  if (!array) return make_error(where(file, node) + ": '" + key + "' must be an array of strings");
  for (const toml::node& element : *array) {
    if (!element.is_string())
      return make_error(where(file, element) + ": '" + key + "' must contain only strings");
    out.push_back(element.as_string()->get());
  }
  return {};
}

Result<std::string> read_string(const std::filesystem::path& file, const toml::node& node,
                                const std::string& key) {
  if (!node.is_string()) return make_error(where(file, node) + ": '" + key + "' must be a string");
  return node.as_string()->get();
}

Result<void> read_allowlist(const std::filesystem::path& file, const toml::node& node,
                            ProjectConfig& config) {
  const toml::table* table = node.as_table();
  if (!table) return make_error(where(file, node) + ": 'allowlist' must be a table");
  Allowlist list;
  list.origin = where(file, node);
  for (auto&& [key, value] : *table) {
    const std::string name(key.str());
    std::vector<std::string>* target = nullptr;
    if (name == "paths") target = &config.allow_paths;
    if (name == "regexes") target = &list.regexes;
    if (name == "line_regexes") target = &list.line_regexes;
    if (name == "stopwords") target = &list.stopwords;
    if (name == "commits") target = &list.commits;
    if (!target) return make_error(where(file, value) + ": unknown key 'allowlist." + name + "'");
    if (auto read = read_strings(file, value, "allowlist." + name, *target); !read) return read;
  }
  if (!list.regexes.empty() || !list.line_regexes.empty() || !list.stopwords.empty() ||
      !list.commits.empty()) {
    config.allowlists.push_back(std::move(list));
  }
  return {};
}

Result<void> read_rules_table(const std::filesystem::path& file, const toml::node& node,
                              ProjectConfig& config) {
  const toml::table* table = node.as_table();
  if (!table) return make_error(where(file, node) + ": 'rules' must be a table");
  for (auto&& [key, value] : *table) {
    const std::string name(key.str());
    if (name == "files") {
      std::vector<std::string> files;
      if (auto read = read_strings(file, value, "rules.files", files); !read) return read;
      for (const std::string& rule_file : files) {
        std::filesystem::path path(rule_file);
        if (path.is_relative()) path = file.parent_path() / path;
        config.rule_files.push_back(path.string());
      }
    } else if (name == "disable") {
      if (auto read = read_strings(file, value, "rules.disable", config.disabled_rules); !read)
        return read;
    } else {
      return make_error(where(file, value) + ": unknown key 'rules." + name + "'");
    }
  }
  return {};
}

bool looks_like_gitleaks(const std::filesystem::path& file, const toml::table& document) {
  const std::string name = file.filename().string();
  if (name == kProjectConfigName) return false;
  if (name.find("gitleaks") != std::string::npos || name.find("betterleaks") != std::string::npos)
    return true;
  return document.contains("extend") || document.contains("title") ||
         (document.get("rules") && document.get("rules")->is_array());
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
  if (looks_like_gitleaks(file, document)) return read_gitleaks_config(file, document);
  for (auto&& [key, node] : document) {
    const std::string name(key.str());
    Result<void> read;
    if (name == "allowlist") {
      read = read_allowlist(file, node, config);
    } else if (name == "rules") {
      read = read_rules_table(file, node, config);
    } else if (name == "fail_on") {
      auto text = read_string(file, node, name);
      if (!text) return text.error();
      config.fail_on = parse_severity(text.value());
      if (!config.fail_on)
        return make_error(where(file, node) +
                          ": 'fail_on' must be one of low, medium, high, "
                          "critical");
    } else if (name == "format") {
      auto text = read_string(file, node, name);
      if (!text) return text.error();
      if (!parse_output_format(text.value()))
        return make_error(where(file, node) + ": unknown format '" + text.value() + "'");
      config.format = text.value();
    } else if (name == "baseline") {
      auto text = read_string(file, node, name);
      if (!text) return text.error();
      std::filesystem::path path(text.value());
      config.baseline = (path.is_relative() ? file.parent_path() / path : path).string();
    } else {
      return make_error(where(file, node) + ": unknown key '" + name + "'");
    }
    if (!read) return read.error();
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
  for (const char* name : {".gitleaks.toml", ".betterleaks.toml"}) {
    const auto foreign = root / name;
    if (std::filesystem::is_regular_file(foreign, error)) {
      std::cerr << "leakhound: note: using " << foreign.string() << " (no " << kProjectConfigName
                << " there)\n";
      return load_project_config(foreign);
    }
  }
  return ProjectConfig{};
}

}  // namespace leakhound
