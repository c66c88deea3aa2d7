// What turns a scan into a CI gate, shared by the scan commands: the project configuration
// applied to the options (rule files, disabled rules, default format and baseline), and every
// way of accepting a finding (inline markers, allowlists, gitleaks per-rule paths, the baseline,
// .gitleaksignore) applied as the pipeline's `keep` filter. Accepted findings are not reported;
// a honeytoken sighting is never accepted. Findings below `fail_on` are reported but do not
// fail the scan: the gate counts those that do.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/allowlist.h"
#include "cli/baseline.h"
#include "cli/common.h"
#include "cli/project_config.h"

namespace leakhound {

// `options` with the configuration's settings where the command line left them unset; prints
// the configuration's notes (skipped gitleaks rules...) on stderr unless --quiet.
Result<CommonOptions> apply_project_config(const CommonOptions& options,
                                           const ProjectConfig& config);

class ScanGate {
 public:
  // `root`: where .gitleaksignore is looked for (the scan root or repository).
  static Result<std::unique_ptr<ScanGate>> open(const CommonOptions& options,
                                                const ProjectConfig& config,
                                                const std::filesystem::path& root);
  ~ScanGate();

  // Chains the gate's filter in front of `pipeline.keep`.
  void install(PipelineOptions& pipeline);
  // A reporter that forwards to `inner` and counts the findings that fail the scan.
  Reporter& counting(Reporter& inner);
  std::uint64_t failing_findings() const { return failing_; }
  // With --report-stale-baseline: prints the baseline entries no finding matched.
  void report_stale_baseline() const;

 private:
  class CountingReporter;
  ScanGate() = default;
  bool accepts(const Finding& finding);

  Severity fail_on_ = Severity::low;
  bool report_stale_ = false;
  std::vector<std::string> allow_paths_;
  // The scan's own decoy lists (--honeytokens, --canary-accounts) relative to the root, when
  // they lie below it: never an input of their own scan (with stored values, the registry
  // would be a sighting of every decoy).
  std::set<std::string, std::less<>> own_files_;
  std::unique_ptr<AllowlistMatcher> allowlists_;
  std::vector<std::pair<std::string, Regex>> rule_paths_;
  std::set<BaselineEntry> baseline_;
  std::set<BaselineEntry> baseline_used_;
  std::set<IgnoreEntry> ignored_;
  std::unique_ptr<CountingReporter> counter_;
  std::uint64_t failing_ = 0;
};

}  // namespace leakhound
