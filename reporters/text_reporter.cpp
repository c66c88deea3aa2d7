#include "reporters/text_reporter.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>

#include "reporters/finding_json.h"

namespace leakhound {
namespace {

std::string_view severity_colour(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "1;31";
    case Severity::high:
      return "31";
    case Severity::medium:
      return "33";
    case Severity::low:
      return "36";
  }
  return "0";
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string TextReporter::paint(std::string_view text, std::string_view code) const {
  if (!colour_) return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

void TextReporter::finding(const Finding& finding) {
  const Rule& rule = *finding.rule;
  if (finding.honeytoken) {
    // A banner of its own: a decoy's sighting is an incident, not a finding to triage.
    out_ << paint("!!! HONEYTOKEN SIGHTING: a planted decoy was found; treat it as a breach",
                  "1;41;97")
         << '\n';
    out_ << "  label " << printable(finding.honeytoken->label) << '\n';
    out_ << "  planted at " << printable(finding.honeytoken->planted_at) << '\n';
    out_ << "  token " << printable(finding.honeytoken->id) << " ("
         << printable(finding.honeytoken->kind) << ")\n";
  }
  const Severity severity = effective_severity(finding);
  out_ << paint(std::string(to_string(severity)), severity_colour(severity)) << "  "
       << paint(rule.name, "1") << "  [" << rule.id << "]\n";
  out_ << "  at    " << paint(printable(finding.provenance.path), "1") << ':' << finding.line << ':'
       << finding.column << '\n';
  if (!finding.encoding.empty()) out_ << "  encoded " << finding.encoding << '\n';
  for (const auto& [key, value] : finding.provenance.fields) {
    const auto width = static_cast<int>(std::max<std::size_t>(6, key.size() + 1));
    out_ << "  " << std::left << std::setw(width) << key << printable(value) << '\n';
  }
  if (!finding.present_at.empty()) {
    std::string tips;
    for (const std::string& tip : finding.present_at)
      tips += (tips.empty() ? "" : ", ") + tip;
    out_ << "  still at " << printable(tips) << '\n';
  }
  if (!finding.provenance.occurrences.empty()) {
    out_ << "  also  " << finding.provenance.occurrences.size()
         << " other occurrence(s) (see --format json)\n";
  }
  out_ << "  line  " << printable(display_snippet(finding, show_secrets_)) << '\n';
  if (show_secrets_) out_ << "  secret " << printable(finding.secret) << '\n';
  out_ << "  id    " << finding.fingerprint.substr(0, 16) << "  entropy " << std::fixed
       << std::setprecision(2) << finding.entropy << std::defaultfloat << "  confidence "
       << to_string(finding.confidence) << '\n';
  if (!rule.remediation.empty()) out_ << "  fix   " << rule.remediation << '\n';
  out_ << '\n';
}

}  // namespace leakhound
