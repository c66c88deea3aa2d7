// SARIF 2.1.0 for GitHub code scanning (validated in the tests with Microsoft's SARIF
// Multitool and GitHub's ingestion rules). Every loaded rule is described with its help text,
// tags (always including "security") and security-severity; each result has one location with
// a relative URI under %SRCROOT% and a region, and a partial fingerprint derived from the
// secret's fingerprint, never the secret. Results are streamed as they are found.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "engine/reporter.h"

namespace leakhound {

// RFC 3986 percent-encoding of a path, keeping '/' and unreserved characters.
std::string encode_uri_path(std::string_view path);

// GitHub's security-severity scale: critical > 9, high 7-8.9, medium 4-6.9, low < 4.
std::string_view security_severity(Severity severity);

class SarifReporter : public Reporter {
 public:
  SarifReporter(std::ostream& out, bool show_secrets) : out_(out), show_secrets_(show_secrets) {}
  void begin(const RunInfo& run) override;
  void finding(const Finding& finding) override;
  void end(const Summary& summary) override;

 private:
  std::ostream& out_;
  bool show_secrets_;
  bool first_ = true;
  std::map<std::string, std::size_t, std::less<>> rule_index_;
};

}  // namespace leakhound
