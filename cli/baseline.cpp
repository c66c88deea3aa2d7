#include "cli/baseline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace leakhound {
namespace {

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

Result<std::string> read_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot open " + std::string(what));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(file.string() + ": cannot read " + std::string(what));
  return text.str();
}

}  // namespace

BaselineEntry baseline_entry(const Finding& finding) {
  return {finding.rule->id, finding.provenance.path, finding.fingerprint};
}

Result<std::set<BaselineEntry>> load_baseline(const std::filesystem::path& file) {
  auto text = read_file(file, "baseline");
  if (!text) return text.error();
  const nlohmann::json document = nlohmann::json::parse(text.value(), nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return make_error(file.string() + ": not a leakhound baseline (invalid JSON)");
  // Checked by type first: json::value() throws when the stored type does not convert.
  const auto version = document.find("version");
  if (version == document.end() || !version->is_number_integer() || *version != 1)
    return make_error(file.string() + ": unsupported baseline version (expected the number 1)");
  const auto entries = document.find("entries");
  if (entries == document.end() || !entries->is_array())
    return make_error(file.string() + ": baseline has no 'entries' array");
  std::set<BaselineEntry> out;
  std::size_t index = 0;
  for (const nlohmann::json& entry : *entries) {
    const bool valid =
        entry.is_object() && entry.contains("rule_id") && entry["rule_id"].is_string() &&
        entry.contains("path") && entry["path"].is_string() && entry.contains("fingerprint") &&
        entry["fingerprint"].is_string() && is_hex(entry["fingerprint"].get<std::string>());
    if (!valid) {
      return make_error(file.string() + ": entry " + std::to_string(index) +
                        " needs string rule_id, path and a hex fingerprint");
    }
    out.insert({entry["rule_id"].get<std::string>(), entry["path"].get<std::string>(),
                entry["fingerprint"].get<std::string>()});
    ++index;
  }
  return out;
}

std::string baseline_json(const std::set<BaselineEntry>& entries) {
  // Written by hand around nlohmann's string escaping, for one entry per line: stable diffs.
  std::string out = "{\n  \"version\": 1,\n  \"tool\": \"leakhound\",\n  \"entries\": [";
  const char* separator = "\n";
  for (const BaselineEntry& entry : entries) {
    nlohmann::ordered_json object = {
        {"rule_id", entry.rule_id}, {"path", entry.path}, {"fingerprint", entry.fingerprint}};
    out += separator;
    out += "    ";
    out += object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    separator = ",\n";
  }
  out += entries.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

Result<std::set<IgnoreEntry>> load_gitleaks_ignore(const std::filesystem::path& file) {
  auto text = read_file(file, kGitleaksIgnoreName);
  if (!text) return text.error();
  std::set<IgnoreEntry> out;
  std::istringstream lines(text.value());
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line.erase(0, first);
    // From the right: line number, rule id, then the path (which may hold ':'), optionally
    // preceded by "commit:".
    const std::size_t line_colon = line.rfind(':');
    const std::size_t rule_colon = line_colon == std::string::npos || line_colon == 0
                                       ? std::string::npos
                                       : line.rfind(':', line_colon - 1);
    if (rule_colon == std::string::npos || rule_colon == 0 ||
        !is_digits(std::string_view(line).substr(line_colon + 1))) {
      return make_error(file.string() + ":" + std::to_string(number) +
                        ": not a gitleaks fingerprint (path:rule-id:line or "
                        "commit:path:rule-id:line)");
    }
    IgnoreEntry entry;
    entry.rule_id = line.substr(rule_colon + 1, line_colon - rule_colon - 1);
    std::string path = line.substr(0, rule_colon);
    if (const std::size_t commit_colon = path.find(':');
        commit_colon != std::string::npos && commit_colon >= 7 &&
        is_hex(std::string_view(path).substr(0, commit_colon))) {
      path.erase(0, commit_colon + 1);
    }
    entry.path = std::move(path);
    out.insert(std::move(entry));
  }
  return out;
}

}  // namespace leakhound
