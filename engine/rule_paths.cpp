#include "engine/rule_paths.h"

#include <fnmatch.h>

#include <algorithm>
#include <string>

namespace leakhound {

bool path_matches_rule_glob(std::string_view glob_view, std::string_view path_view) {
  if (glob_view.empty() || path_view.empty()) return false;
  const std::string glob(glob_view);
  const std::string path(path_view);
  if (glob.find('/') == std::string::npos) {
    const std::size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  }
  for (std::size_t start = 0; start != std::string::npos;) {
    if (::fnmatch(glob.c_str(), path.c_str() + start, 0) == 0) return true;
    const std::size_t slash = path.find('/', start);
    start = slash == std::string::npos ? slash : slash + 1;
  }
  return false;
}

bool rule_applies_to_path(const Rule& rule, std::string_view path) {
  return rule.paths.empty() ||
         std::any_of(rule.paths.begin(), rule.paths.end(),
                     [&](const std::string& glob) { return path_matches_rule_glob(glob, path); });
}

void drop_findings_outside_rule_paths(std::vector<Finding>& findings, std::size_t first,
                                      std::string_view path) {
  if (first >= findings.size()) return;
  auto kept = std::remove_if(
      findings.begin() + static_cast<std::ptrdiff_t>(first), findings.end(),
      [&](const Finding& finding) { return !rule_applies_to_path(*finding.rule, path); });
  findings.erase(kept, findings.end());
}

}  // namespace leakhound
