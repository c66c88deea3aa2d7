// Rule paths: some credential formats are recognisable only by their file's name (.pgpass lines
// are host:port:db:user:password, config/master.key is 32 hex digits). A rule with `paths`
// (file-name globs, docs/rules.md) reports a finding only when the input's path matches one of
// them; a rule without `paths` applies everywhere. Rule examples (engine/rule_check.h) are
// checked as content, whatever the path.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/finding.h"
#include "engine/rule.h"

namespace leakhound {

// True when `glob` matches `path` ('/'-separated): a glob without '/' is matched against the
// last component (".pgpass", "*.htpasswd"); one with '/' against the path or any ending of it
// that starts at a component ("config/master.key" matches "app/config/master.key"). '*' and '?'
// are fnmatch's and may cross '/'.
bool path_matches_rule_glob(std::string_view glob, std::string_view path);

// True when the rule has no `paths` or `path` matches one of them.
bool rule_applies_to_path(const Rule& rule, std::string_view path);

// Removes findings[first..] of rules whose `paths` do not match `path`: for the stream scanner,
// whose one streaming database holds every rule (block scans use Scanner::scan_at_path).
void drop_findings_outside_rule_paths(std::vector<Finding>& findings, std::size_t first,
                                      std::string_view path);

}  // namespace leakhound
