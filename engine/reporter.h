// Reporter: the sink for a scan's results. Called from one thread, in input order:
// begin() once, finding() for each finding as it is confirmed, end() once with the summary.
// A reporter writes only; it never matches or reads sources.
#pragma once

#include <string>
#include <vector>

#include "engine/finding.h"
#include "engine/rule.h"
#include "engine/summary.h"

namespace leakhound {

struct RunInfo {
  std::string command;               // "dir", "git", ...
  std::vector<std::string> targets;  // what was scanned, as given
  const std::vector<Rule>* rules = nullptr;
  bool show_secrets = false;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void begin(const RunInfo& run) = 0;
  virtual void finding(const Finding& finding) = 0;
  virtual void end(const Summary& summary) = 0;
};

// Keeps findings in memory, for sources whose provenance is complete only once the whole input
// has been read (git: present at HEAD; images: removed by a later layer, other locations).
class CollectingReporter : public Reporter {
 public:
  void begin(const RunInfo&) override {}
  void finding(const Finding& finding) override { findings.push_back(finding); }
  void end(const Summary&) override {}
  std::vector<Finding> findings;
};

}  // namespace leakhound
