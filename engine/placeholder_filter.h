// Placeholder filter: recognises candidates that have a secret's shape but stand in for one:
// providers' published documentation keys, filler runs ("xxxx", "0000", "abcabc"), words
// such as "changeme" or "your_api_key_here", template references ("${DB_PASSWORD}",
// "{{ .Values.token }}", "%(password)s") and reads from the environment or a secret store
// ("os.environ['API_KEY']", "process.env.TOKEN", "secrets.NPM_TOKEN").
//
// The scanner asks once per confirmed candidate of a rule with `placeholder_filter` on (the
// default), after the regex and entropy checks, so it costs nothing where nothing matches. It
// reads only the candidate and the text before it on its line; it never allocates.
#pragma once

#include <cstdint>
#include <string_view>

namespace leakhound {

enum class PlaceholderKind : std::uint8_t {
  none,                   // looks like a real secret as far as this filter can tell
  documentation_example,  // contains "EXAMPLE" or a provider's published example key
  repeated_pattern,       // one to four characters repeated: all of it, or half in long runs
  placeholder_text,       // "changeme", "your_token_here", "<token>", "[secret]", "****", "..."
  template_reference,     // ${VAR}, {{ x }}, $VAR, %(x)s, %s, #{x}, %VAR%, @VAR@, __VAR__
  environment_read,       // os.environ[...], os.getenv(, process.env.X, secrets.X, ENV[...]
  counting_sequence,      // typed counting: 1234567890, abcdefg12345, a1b2c3d4e5f6
};

std::string_view to_string(PlaceholderKind kind);

// `before`: the text on the candidate's line before it (may be empty). It lets the filter see
// that a candidate is the argument of an environment read, as in os.getenv("DB_PASSWORD").
PlaceholderKind classify_placeholder(std::string_view secret, std::string_view before = {});

}  // namespace leakhound
