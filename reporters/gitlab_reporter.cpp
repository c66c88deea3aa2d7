#include "reporters/gitlab_reporter.h"

#include <ctime>

#include "engine/hashing.h"
#include "reporters/finding_json.h"

namespace leakhound {
namespace {

// GitLab's timestamp format: "2024-01-31T12:34:56" (UTC, no zone suffix).
std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return text;
}

std::string_view gitlab_severity(Severity severity) {
  switch (severity) {
    case Severity::low:
      return "Low";
    case Severity::medium:
      return "Medium";
    case Severity::high:
      return "High";
    case Severity::critical:
      return "Critical";
  }
  return "Unknown";
}

// A stable UUID-shaped id (version 5 layout) from the finding's identity and location.
std::string vulnerability_id(const Finding& finding) {
  Sha256 hash;
  hash.update(finding.fingerprint);
  hash.update("\0", 1);
  hash.update(finding.provenance.path);
  hash.update("\0", 1);
  hash.update(std::to_string(finding.line));
  std::string hex = to_hex(hash.finish()).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string field_of(const Provenance& provenance, std::string_view key) {
  for (const auto& [name, value] : provenance.fields) {
    if (name == key) return value;
  }
  return {};
}

nlohmann::ordered_json tool() {
  return {{"id", "leakhound"},
          {"name", "leakhound"},
          {"url", "https://github.com/leakhound/leakhound"},
          {"vendor", {{"name", "leakhound"}}},
          {"version", LEAKHOUND_VERSION}};
}

}  // namespace

void GitlabReporter::begin(const RunInfo&) {
  start_time_ = utc_now();
}

void GitlabReporter::finding(const Finding& finding) {
  const Rule& rule = *finding.rule;
  nlohmann::ordered_json location = {{"file", finding.provenance.path},
                                     {"start_line", finding.line},
                                     {"end_line", finding.end_line}};
  // GitLab expects a commit even for a working-tree scan; it documents a placeholder sha then.
  std::string commit = field_of(finding.provenance, "commit");
  nlohmann::ordered_json commit_json = {{"sha", commit.empty() ? "0000000" : commit}};
  if (const std::string author = field_of(finding.provenance, "author"); !author.empty())
    commit_json["author"] = author;
  if (const std::string date = field_of(finding.provenance, "date"); !date.empty())
    commit_json["date"] = date;
  if (const std::string message = field_of(finding.provenance, "message"); !message.empty())
    commit_json["message"] = message;
  location["commit"] = std::move(commit_json);
  std::string description = rule.description.empty() ? rule.name : rule.description;
  if (finding.honeytoken)
    description += " (honeytoken sighting: " + finding.honeytoken->label + ")";
  nlohmann::ordered_json vulnerability = {
      {"id", vulnerability_id(finding)},
      {"name", rule.name},
      {"description", description},
      {"severity", gitlab_severity(effective_severity(finding))},
      {"location", std::move(location)},
      {"identifiers", nlohmann::ordered_json::array({{{"type", "leakhound_rule_id"},
                                                      {"name", "leakhound rule " + rule.id},
                                                      {"value", rule.id}}})}};
  if (!rule.remediation.empty()) vulnerability["solution"] = rule.remediation;
  vulnerabilities_.push_back(std::move(vulnerability));
}

void GitlabReporter::end(const Summary& summary) {
  nlohmann::ordered_json report = {
      {"version", kGitlabSchemaVersion},
      {"vulnerabilities", std::move(vulnerabilities_)},
      {"scan",
       {{"analyzer", tool()},
        {"scanner", tool()},
        {"type", "secret_detection"},
        {"start_time", start_time_},
        {"end_time", utc_now()},
        {"status", summary.partial || summary.errors > 0 ? "failure" : "success"}}}};
  // What could not be scanned, as the schema's scan messages ("warn": a partial error).
  if (!summary.problems.empty()) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    for (const auto& [input, reason] : summary.problems)
      messages.push_back({{"level", "warn"}, {"value", input + ": " + reason}});
    report["scan"]["messages"] = std::move(messages);
  }
  out_ << dump_json(report, 2) << '\n';
  vulnerabilities_ = nlohmann::ordered_json::array();
}

}  // namespace leakhound
