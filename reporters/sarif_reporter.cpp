#include "reporters/sarif_reporter.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "reporters/finding_json.h"

namespace leakhound {
namespace {

using Json = nlohmann::ordered_json;

std::string_view level(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    case Severity::low:
      return "note";
  }
  return "warning";
}

std::string_view precision(Confidence confidence) {
  switch (confidence) {
    case Confidence::high:
      return "very-high";
    case Confidence::medium:
      return "high";
    case Confidence::low:
      return "medium";
  }
  return "medium";
}

// SARIF messages are sentences: they end with a period.
std::string sentence(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n'))
    text.pop_back();
  if (!text.empty() && text.back() != '.' && text.back() != '!' && text.back() != '?') text += '.';
  return text;
}

// "github-classic-pat" -> "GithubClassicPat": SARIF wants a readable identifier as the name.
std::string pascal_case(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '-' || c == '.') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

Json rule_to_sarif(const Rule& rule) {
  std::string help = sentence(rule.description);
  std::string markdown = "**" + rule.name + "**\n\n" + sentence(rule.description);
  if (!rule.remediation.empty()) {
    help += "\n\nRemediation: " + sentence(rule.remediation);
    markdown += "\n\n**Remediation:** " + sentence(rule.remediation);
  }
  if (!rule.references.empty()) {
    help += "\n\nReferences:";
    markdown += "\n\n**References:**\n";
    for (const std::string& reference : rule.references) {
      help += "\n- " + reference;
      markdown += "\n- <" + reference + ">";
    }
  }
  Json tags = Json::array({"security", "secret"});
  for (const std::string& tag : rule.tags)
    tags.push_back(tag);
  Json out;
  out["id"] = rule.id;
  // SARIF wants the name to differ from the id (compared without case); omit it otherwise.
  const std::string name = pascal_case(rule.id);
  if (!std::equal(name.begin(), name.end(), rule.id.begin(), rule.id.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    out["name"] = name;
  }
  out["shortDescription"] = {{"text", sentence(rule.name)}};
  out["fullDescription"] = {{"text", sentence(rule.description)}};
  out["help"] = {{"text", help}, {"markdown", markdown}};
  if (!rule.references.empty()) out["helpUri"] = rule.references.front();
  out["defaultConfiguration"] = {{"level", level(rule.severity)}};
  out["properties"] = {{"tags", tags},
                       {"precision", precision(rule.confidence)},
                       {"security-severity", security_severity(rule.severity)}};
  // Literal rules compiled from the honeytoken registry match nothing but decoys.
  if (std::find(rule.tags.begin(), rule.tags.end(), "honeytoken") != rule.tags.end())
    out["properties"]["security-severity"] = "10.0";
  return out;
}

}  // namespace

std::string encode_uri_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

std::string_view security_severity(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
  }
  return "5.5";
}

void SarifReporter::begin(const RunInfo& run) {
  Json rules = Json::array();
  if (run.rules) {
    for (const Rule& rule : *run.rules) {
      rule_index_.emplace(rule.id, rules.size());
      rules.push_back(rule_to_sarif(rule));
    }
  }
  Json driver = {{"name", "leakhound"},
                 {"informationUri", "https://github.com/leakhound/leakhound"},
                 {"semanticVersion", LEAKHOUND_VERSION},
                 {"rules", rules}};
  out_ << "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":{\"driver\":"
       << dump_json(driver) << "},\"columnKind\":\"unicodeCodePoints\",\"results\":[";
}

void SarifReporter::finding(const Finding& finding) {
  const Rule& rule = *finding.rule;
  const std::string& path = finding.provenance.path;
  Json artifact;
  if (!path.empty() && path.front() == '/') {
    artifact["uri"] = "file://" + encode_uri_path(path);
  } else {
    artifact["uri"] = encode_uri_path(path);
    artifact["uriBaseId"] = "%SRCROOT%";
  }
  Json region = {{"startLine", finding.line},
                 {"startColumn", finding.column},
                 {"endLine", finding.end_line},
                 {"endColumn", finding.end_column},
                 {"snippet", {{"text", display_snippet(finding, show_secrets_)}}}};
  Json result;
  result["ruleId"] = rule.id;
  if (auto it = rule_index_.find(rule.id); it != rule_index_.end())
    result["ruleIndex"] = it->second;
  result["level"] = level(effective_severity(finding));
  std::string message = rule.name + " found in " + path + " (fingerprint " +
                        finding.fingerprint.substr(0, 16) + "). The secret is " +
                        (show_secrets_ ? "shown in the snippet." : "redacted.");
  if (finding.honeytoken) {
    message = "HONEYTOKEN sighting: the decoy '" + finding.honeytoken->label + "' (planted at " +
              finding.honeytoken->planted_at + ") was found. " + message;
  }
  result["message"] = {{"text", message}};
  result["locations"] =
      Json::array({{{"physicalLocation", {{"artifactLocation", artifact}, {"region", region}}}}});
  // Other places of the same secret (git: later versions, other paths), as related locations.
  Json related = Json::array();
  for (const Fields& occurrence : finding.provenance.occurrences) {
    std::string where;
    std::uint64_t line = 0;
    std::string description;
    for (const auto& [key, value] : occurrence) {
      if (key == "path") where = value;
      if (key == "line") line = std::strtoull(value.c_str(), nullptr, 10);
      if (key == "commit") description = "Also in commit " + value.substr(0, 12) + ".";
    }
    if (where.empty()) continue;
    Json location = {{"uri", encode_uri_path(where)}, {"uriBaseId", "%SRCROOT%"}};
    Json physical = {{"artifactLocation", location}};
    if (line > 0) physical["region"] = {{"startLine", line}};
    Json entry = {{"id", related.size() + 1}, {"physicalLocation", physical}};
    entry["message"] = {{"text", description.empty() ? "Also here." : description}};
    related.push_back(std::move(entry));
  }
  if (!related.empty()) result["relatedLocations"] = std::move(related);
  result["partialFingerprints"] = {{"secretFingerprint/v1", finding.fingerprint}};
  Json properties = {{"severity", to_string(effective_severity(finding))},
                     {"confidence", to_string(finding.confidence)},
                     {"entropy", rounded_entropy(finding.entropy)},
                     {"provenance", provenance_to_json(finding.provenance)}};
  if (!finding.present_at.empty()) properties["provenance"]["present_at"] = finding.present_at;
  if (show_secrets_) properties["secret"] = finding.secret;
  if (!finding.encoding.empty()) properties["encoding"] = finding.encoding;
  if (finding.honeytoken) {
    // A decoy's sighting is certain: the top of GitHub's scale, whatever the rule's severity.
    properties["security-severity"] = "10.0";
    properties["tags"] = Json::array({"security", "secret", "honeytoken"});
    properties["honeytoken"] = honeytoken_to_json(*finding.honeytoken);
  }
  result["properties"] = properties;
  out_ << (first_ ? "" : ",") << dump_json(result);
  first_ = false;
}

void SarifReporter::end(const Summary& summary) {
  Json notifications = Json::array();
  for (const auto& [input, reason] : summary.problems) {
    notifications.push_back(
        {{"level", "error"}, {"message", {{"text", sentence(input + ": " + reason)}}}});
  }
  Json invocation = {{"executionSuccessful", !summary.partial}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
  out_ << "],\"invocations\":[" << dump_json(invocation) << "]}]}\n";
  out_.flush();
}

}  // namespace leakhound
