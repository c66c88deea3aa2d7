// GitLab's secret-detection report (the `secret_detection` artifact of a CI job), so merge
// requests and the security dashboard show leakhound's findings. Fields follow GitLab's
// published secret-detection-report-format schema (15.x): version, vulnerabilities[] (id, name,
// description, severity, solution, location{file, commit{sha}, start_line, end_line},
// identifiers[]) and scan{analyzer, scanner, type, start_time, end_time, status, messages}.
// Schema 15.0 dropped a vulnerability's category, confidence and scanner: none is written. The
// schema is vendored in tests/reporters/gitlab/ and every report is validated against it
// (tests/reporters/gitlab_schema_test.cpp). A vulnerability's id is derived from the secret's
// fingerprint and location, never from the secret, and its description quotes no plaintext. Written
// whole at end().
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

#include "engine/reporter.h"

namespace leakhound {

// The schema version the report declares: the one vendored in tests/reporters/gitlab/.
inline constexpr const char* kGitlabSchemaVersion = "15.2.4";

class GitlabReporter : public Reporter {
 public:
  explicit GitlabReporter(std::ostream& out) : out_(out) {}
  void begin(const RunInfo& run) override;
  void finding(const Finding& finding) override;
  void end(const Summary& summary) override;

 private:
  std::ostream& out_;
  std::string start_time_;
  nlohmann::ordered_json vulnerabilities_ = nlohmann::ordered_json::array();
};

}  // namespace leakhound
