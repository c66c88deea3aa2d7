// Baselines and ignore files: findings a project has accepted, so that a CI gate fails on new
// secrets only. A baseline entry is (rule id, path, fingerprint): never a line number, so a
// moved line stays suppressed, and never the plaintext, only the fingerprint (SHA-256 of the
// rule id and the secret), so a changed secret on the same line is reported. Entries are sorted
// and unique, so a regenerated baseline diffs cleanly. gitleaks' .gitleaksignore entries
// (`commit:path:rule-id:line` or `path:rule-id:line`) suppress by path and rule.
#pragma once

#include <compare>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "engine/finding.h"
#include "engine/reporter.h"
#include "engine/result.h"

namespace leakhound {

struct BaselineEntry {
  std::string rule_id;
  std::string path;
  std::string fingerprint;
  auto operator<=>(const BaselineEntry&) const = default;
};

BaselineEntry baseline_entry(const Finding& finding);

Result<std::set<BaselineEntry>> load_baseline(const std::filesystem::path& file);

// The baseline file's text: {"version": 1, "entries": [...]}, sorted, one entry per line.
std::string baseline_json(const std::set<BaselineEntry>& entries);

// The reporter of `baseline create`: collects every finding's entry, writes the file at end().
class BaselineWriter : public Reporter {
 public:
  explicit BaselineWriter(std::ostream& out) : out_(out) {}
  void begin(const RunInfo&) override {}
  void finding(const Finding& finding) override { entries_.insert(baseline_entry(finding)); }
  void end(const Summary&) override { out_ << baseline_json(entries_); }

 private:
  std::ostream& out_;
  std::set<BaselineEntry> entries_;
};

struct IgnoreEntry {  // one .gitleaksignore line
  std::string path;
  std::string rule_id;
  auto operator<=>(const IgnoreEntry&) const = default;
};

inline constexpr const char* kGitleaksIgnoreName = ".gitleaksignore";

// Blank lines and '#' comments are skipped; a line that is not a gitleaks fingerprint is an
// error naming the file and line.
Result<std::set<IgnoreEntry>> load_gitleaks_ignore(const std::filesystem::path& file);

}  // namespace leakhound
