// Exit codes, documented in README.md and in --help.
#pragma once

namespace leakhound {

inline constexpr int kExitClean = 0;     // nothing found
inline constexpr int kExitFindings = 1;  // findings (default; --exit-code changes it)
inline constexpr int kExitError = 2;     // bad usage or config, or a partial scan
// A planted decoy (honeytoken) was seen; outranks findings and errors.
inline constexpr int kExitHoneytoken = 3;
// SIGINT/SIGTERM stopped the scan; the report holds the findings so far, marked partial.
inline constexpr int kExitInterrupted = 130;

}  // namespace leakhound
