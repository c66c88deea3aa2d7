// Inline suppression markers: a comment on a secret's line that says "this one is accepted".
// leakhound's own `leakhound:allow`, and for migration gitleaks' `gitleaks:allow` and
// detect-secrets' `pragma: allowlist secret` on the line itself, or `pragma: allowlist nextline
// secret` on the line above. Markers are plain substrings, so they work in any comment syntax
// (#, //, /* */, <!-- -->, --).
#pragma once

#include <string_view>

namespace leakhound {

// Whether `line` (the secret's own line) carries a marker that allows the secrets on it.
bool line_allows_secret(std::string_view line);

// Whether `line` (the line above a secret) allows the secrets on the next line.
bool line_allows_next_line(std::string_view line);

}  // namespace leakhound
