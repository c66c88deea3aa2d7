// JSON reporters. `json`: one document {version, tool, findings, summary}, streamed so memory
// does not grow with the number of findings. `jsonl`: one finding object per line, flushed as
// each is found, for pipelines that act on findings while the scan runs.
#pragma once

#include <ostream>

#include "engine/reporter.h"

namespace leakhound {

class JsonReporter : public Reporter {
 public:
  JsonReporter(std::ostream& out, bool show_secrets) : out_(out), show_secrets_(show_secrets) {}
  void begin(const RunInfo& run) override;
  void finding(const Finding& finding) override;
  void end(const Summary& summary) override;

 private:
  std::ostream& out_;
  bool show_secrets_;
  bool first_ = true;
};

class JsonLinesReporter : public Reporter {
 public:
  JsonLinesReporter(std::ostream& out, bool show_secrets)
      : out_(out), show_secrets_(show_secrets) {}
  void begin(const RunInfo&) override {}
  void finding(const Finding& finding) override;
  void end(const Summary&) override { out_.flush(); }

 private:
  std::ostream& out_;
  bool show_secrets_;
};

}  // namespace leakhound
