#include "engine/inline_allow.h"

namespace leakhound {

bool line_allows_secret(std::string_view line) {
  for (std::string_view marker :
       {"leakhound:allow", "gitleaks:allow", "pragma: allowlist secret"}) {
    if (line.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

bool line_allows_next_line(std::string_view line) {
  return line.find("pragma: allowlist nextline secret") != std::string_view::npos;
}

}  // namespace leakhound
