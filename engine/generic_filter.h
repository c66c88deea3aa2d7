// Generic filter: for rules marked `generic = true`, which find a value by the name it is
// assigned to (password = "...", api_key: ...) rather than by a provider's token format. Such a
// value is often not a secret at all: another variable, a type, a file path, a hash, a UUID. This
// filter drops those shapes; the placeholder filter and the relative-entropy gate run as well.
//
// Like the placeholder filter it runs once per confirmed candidate, reads only the candidate
// and its line, and never allocates.
#pragma once

#include <cstdint>
#include <string_view>

namespace leakhound {

enum class GenericSkip : std::uint8_t {
  none,
  identifier,  // letters in words: snake_case, camelCase, kebab-case, dotted.names, Word12
  boolean,     // true, false, yes, no, on, off, null, nil, none, undefined
  number,      // digits with separators: numbers, dates, times, versions
  uuid,
  hash,          // algorithm-prefixed digests, crypt() hashes, hex next to hash-ish words
  colour,        // #abc, #a1b2c3, #a1b2c3d4
  path,          // /etc/app/secret.key, ./config/token.json, C:\keys\app.pfx
  url,           // a URL without credentials in its user info or query
  reference,     // sops ENC[...], vault:..., arn:aws:...: a pointer to a secret, not the secret
  code,          // attribute access (settings.SECRET_KEY, env.TEST_PASSWORD), labels ("Password:")
  selector,      // CSS selectors and routes: #add-password, .password-field, passwords#edit
  public_value,  // assigned to a name that says it is public: publicToken, csrf_token, site_key
};

std::string_view to_string(GenericSkip skip);

// `before` and `after`: the rest of the candidate's line on each side (may be empty). `before`
// ends with the name the value is assigned to, which says whether the value is public.
GenericSkip classify_generic(std::string_view secret, std::string_view before = {},
                             std::string_view after = {});

// Exposed for tests: words of letters, optionally with digit groups of at most three digits,
// joined by '_', '-', '.' or case changes, that read like words rather than random letters.
bool is_plain_identifier(std::string_view text);

}  // namespace leakhound
