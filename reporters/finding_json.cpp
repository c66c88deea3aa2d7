#include "reporters/finding_json.h"

#include <cmath>

namespace leakhound {

double rounded_entropy(double entropy) {
  return std::round(entropy * 1000.0) / 1000.0;
}

nlohmann::ordered_json provenance_to_json(const Provenance& provenance) {
  nlohmann::ordered_json out;
  out["source"] = provenance.source;
  out["path"] = provenance.path;
  for (const auto& [key, value] : provenance.fields)
    out[key] = value;
  if (!provenance.occurrences.empty()) {
    auto& occurrences = out["occurrences"] = nlohmann::ordered_json::array();
    for (const Fields& occurrence : provenance.occurrences) {
      nlohmann::ordered_json entry = nlohmann::ordered_json::object();
      for (const auto& [key, value] : occurrence)
        entry[key] = value;
      occurrences.push_back(std::move(entry));
    }
  }
  return out;
}

nlohmann::ordered_json honeytoken_to_json(const HoneytokenMatch& honeytoken) {
  return {{"id", honeytoken.id},
          {"label", honeytoken.label},
          {"planted_at", honeytoken.planted_at},
          {"kind", honeytoken.kind}};
}

nlohmann::ordered_json finding_to_json(const Finding& finding, bool show_secrets) {
  const Rule& rule = *finding.rule;
  nlohmann::ordered_json out;
  out["rule_id"] = rule.id;
  out["rule_name"] = rule.name;
  out["severity"] = to_string(effective_severity(finding));
  out["confidence"] = to_string(finding.confidence);
  out["tags"] = rule.tags;
  if (finding.honeytoken) out["tags"].push_back("honeytoken");
  out["path"] = finding.provenance.path;
  out["line"] = finding.line;
  out["column"] = finding.column;
  out["end_line"] = finding.end_line;
  out["end_column"] = finding.end_column;
  out["offset"] = finding.offset;
  out["end_offset"] = finding.end_offset;
  out["fingerprint"] = finding.fingerprint;
  out["entropy"] = rounded_entropy(finding.entropy);
  out["line_text"] = display_snippet(finding, show_secrets);
  if (show_secrets) out["secret"] = finding.secret;
  if (!finding.encoding.empty()) out["encoding"] = finding.encoding;
  out["provenance"] = provenance_to_json(finding.provenance);
  if (!finding.present_at.empty()) out["provenance"]["present_at"] = finding.present_at;
  if (finding.honeytoken) out["honeytoken"] = honeytoken_to_json(*finding.honeytoken);
  return out;
}

nlohmann::ordered_json summary_to_json(const Summary& summary) {
  nlohmann::ordered_json out;
  out["inputs_scanned"] = summary.inputs_scanned;
  out["bytes_scanned"] = summary.bytes_scanned;
  out["findings"] = summary.findings;
  out["honeytokens"] = summary.honeytokens;
  out["errors"] = summary.errors;
  out["skipped"] = nlohmann::ordered_json::object();
  for (const auto& [reason, count] : summary.skipped)
    out["skipped"][reason] = count;
  out["partial"] = summary.partial;
  out["problems"] = nlohmann::ordered_json::array();
  for (const auto& [input, reason] : summary.problems) {
    out["problems"].push_back({{"input", input}, {"reason", reason}});
  }
  out["rules"] = summary.rules;
  out["threads"] = summary.threads;
  out["seconds"] = std::round(summary.seconds * 1000.0) / 1000.0;
  return out;
}

std::string dump_json(const nlohmann::ordered_json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace leakhound
