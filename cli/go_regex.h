// Translation of Go RE2 regexes (gitleaks and Betterleaks configurations) into the dialect both
// of leakhound's engines accept (docs/rules.md). Most RE2 syntax is already PCRE2 and Vectorscan
// syntax; what differs is rewritten, and what cannot be expressed is an error with the reason,
// so the caller can skip that one rule and say why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace leakhound {

// `\Q...\E` becomes escaped literals, `(?P<name>` becomes `(?<name>`, `\z` becomes `$` (the
// engines run in multi-line mode, so it also matches at a line's end), `[[:word:]]` becomes
// `\w`. RE2-only constructs (`\C`, `\pN` without braces...) are errors.
Result<std::string> translate_go_regex(std::string_view regex);

// The number of capturing groups in a (translated) regex.
std::uint32_t count_capture_groups(std::string_view regex);

}  // namespace leakhound
