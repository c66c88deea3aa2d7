#include "engine/rule.h"

namespace leakhound {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "medium";
}

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::low:
      return "low";
    case Confidence::medium:
      return "medium";
    case Confidence::high:
      return "high";
  }
  return "medium";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (auto severity : {Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(severity) == text) return severity;
  }
  return std::nullopt;
}

std::optional<Confidence> parse_confidence(std::string_view text) {
  for (auto confidence : {Confidence::low, Confidence::medium, Confidence::high}) {
    if (to_string(confidence) == text) return confidence;
  }
  return std::nullopt;
}

}  // namespace leakhound
