#include "engine/generic_filter.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace leakhound {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_alpha(char c) {
  return is_lower(c) || is_upper(c);
}
bool is_hex(char c) {
  return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

// `word` is lowercase.
bool equals_caseless(std::string_view text, std::string_view word) {
  return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(),
                                                  [](char a, char b) { return lower(a) == b; });
}
bool starts_with_caseless(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_caseless(text.substr(0, prefix.size()), prefix);
}
bool contains_caseless(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (equals_caseless(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

bool is_boolean(std::string_view secret) {
  constexpr std::array<std::string_view, 11> kWords = {
      "true", "false", "yes", "no", "on", "off", "null", "nil", "none", "undefined", "empty"};
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view word) { return equals_caseless(secret, word); });
}

bool is_number(std::string_view secret) {
  bool digit = false;
  for (char c : secret) {
    if (is_digit(c)) {
      digit = true;
    } else if (std::string_view(".-_:+/, ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digit;
}

bool is_uuid(std::string_view secret) {
  if (secret.size() == 38 && secret.front() == '{' && secret.back() == '}') {
    secret = secret.substr(1, 36);
  }
  if (secret.size() != 36) return false;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? secret[i] != '-' : !is_hex(secret[i])) return false;
  }
  return true;
}

bool is_colour(std::string_view secret) {
  if (starts_with_caseless(secret, "rgb(") || starts_with_caseless(secret, "rgba(") ||
      starts_with_caseless(secret, "hsl(")) {
    return true;
  }
  const std::size_t digits = secret.size() - 1;
  return secret.size() > 1 && secret[0] == '#' &&
         (digits == 3 || digits == 4 || digits == 6 || digits == 8) &&
         std::all_of(secret.begin() + 1, secret.end(), is_hex);
}

bool is_hash(std::string_view secret, std::string_view before, std::string_view after) {
  // Subresource-integrity and content digests, and password hashes in crypt() or framework
  // formats: a hash of a password is not the password.
  constexpr std::array<std::string_view, 29> kHashPrefixes = {
      "sha1-",   "sha256-", "sha384-",  "sha512-", "sha1:",  "sha256:", "sha384:", "sha512:",
      "md5:",    "md5-",    "sha256=",  "$2a$",    "$2b$",   "$2x$",    "$2y$",    "$1$",
      "$5$",     "$6$",     "$7$",      "$y$",     "$apr1$", "$argon2", "$pbkdf2", "$scrypt$",
      "pbkdf2_", "pbkdf2:", "{bcrypt}", "{ssha",   "{sha"};
  for (std::string_view prefix : kHashPrefixes) {
    if (starts_with_caseless(secret, prefix)) return true;
  }
  // Lock files: yarn's "integrity sha512-...", package-lock's "integrity": "...".
  if (contains_caseless(before, "integrity") || contains_caseless(after, "integrity")) return true;
  // Hex of a digest's length (MD5, SHA-1 and git object ids, SHA-224, SHA-256, SHA-384,
  // SHA-512) next to a word that says what it is.
  constexpr std::array<std::size_t, 6> kDigestLengths = {32, 40, 56, 64, 96, 128};
  if (std::find(kDigestLengths.begin(), kDigestLengths.end(), secret.size()) ==
          kDigestLengths.end() ||
      !std::all_of(secret.begin(), secret.end(), is_hex)) {
    return false;
  }
  constexpr std::array<std::string_view, 14> kHashWords = {
      "sha1", "sha-1",  "sha256",   "sha-256", "sha512", "sha-512",     "md5",
      "hash", "digest", "checksum", "commit",  "etag",   "fingerprint", "revision"};
  return std::any_of(kHashWords.begin(), kHashWords.end(), [&](std::string_view word) {
    return contains_caseless(before, word) || contains_caseless(after, word);
  });
}

bool is_reference(std::string_view secret) {
  constexpr std::array<std::string_view, 7> kReferencePrefixes = {
      "enc[", "vault:", "arn:", "op://", "ref+", "sm://", "awssm://"};
  return std::any_of(kReferencePrefixes.begin(), kReferencePrefixes.end(),
                     [&](std::string_view prefix) { return starts_with_caseless(secret, prefix); });
}

// A URL without credentials: no password in its user info, no secret-named query parameter.
bool is_plain_url(std::string_view secret) {
  const std::size_t scheme_end = secret.find("://");
  std::size_t authority_begin = 0;
  if (scheme_end != std::string_view::npos && scheme_end > 0 &&
      std::all_of(
          secret.begin(), secret.begin() + static_cast<std::ptrdiff_t>(scheme_end),
          [](char c) { return is_alpha(c) || is_digit(c) || c == '+' || c == '.' || c == '-'; })) {
    authority_begin = scheme_end + 3;
  } else if (!starts_with_caseless(secret, "www.")) {
    return false;
  }
  const std::size_t authority_end = secret.find_first_of("/?#", authority_begin);
  const std::string_view authority = secret.substr(
      authority_begin, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_begin);
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (authority.substr(0, at).find(':') != std::string_view::npos) return false;
  }
  constexpr std::array<std::string_view, 10> kSecretParameters = {
      "token=",     "key=", "secret=", "password=", "passwd=",
      "signature=", "sig=", "apikey=", "auth=",     "credential="};
  if (authority_end != std::string_view::npos) {
    const std::string_view rest = secret.substr(authority_end);
    for (std::string_view parameter : kSecretParameters) {
      if (contains_caseless(rest, parameter)) return false;
    }
  }
  return true;
}

bool is_path(std::string_view secret) {
  std::string_view rest = secret;
  bool rooted = false;
  for (std::string_view prefix : {"file://", "file:", "~/", "./", "../", "/", "\\\\", "\\"}) {
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      rooted = true;
      break;
    }
  }
  if (!rooted && rest.size() >= 3 && is_alpha(rest[0]) && rest[1] == ':' &&
      (rest[2] == '\\' || rest[2] == '/')) {
    rest.remove_prefix(3);
    rooted = true;
  }
  if (!rooted && rest.find_first_of("/\\") == std::string_view::npos) return false;
  std::size_t named_segments = 0;
  while (!rest.empty()) {
    const std::size_t end = rest.find_first_of("/\\");
    const std::string_view segment = rest.substr(0, end);
    if (!segment.empty() && segment != "." && segment != ".." && segment != "~") {
      if (!is_plain_identifier(segment)) return false;
      ++named_segments;
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return named_segments > 0 || rooted;
}

bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '_' || c == '$';
}

// Attribute access in code: two or more dotted names, each one a plain identifier, as in
// settings.SECRET_KEY, env.PERKEEP_TEST_PASSWORD, app.config.SECRET_KEY_BASE, os.environ. Short
// leading names (os, db) are allowed; the last one must read as a name.
bool is_attribute_access(std::string_view secret) {
  std::size_t segments = 0;
  while (!secret.empty()) {
    const std::size_t dot = secret.find('.');
    const std::string_view segment = secret.substr(0, dot);
    const bool last = dot == std::string_view::npos;
    if (segment.empty() || is_digit(segment.front()) ||
        !std::all_of(segment.begin(), segment.end(), is_name_char)) {
      return false;
    }
    const bool short_lower =
        !last && segment.size() <= 2 && std::all_of(segment.begin(), segment.end(), is_lower);
    if (!short_lower && !is_plain_identifier(segment)) return false;
    ++segments;
    if (last) break;
    secret.remove_prefix(dot + 1);
  }
  return segments >= 2;
}

// A form label or prompt: "Password:", "New password?".
bool is_label(std::string_view secret) {
  if (secret.size() < 2 || (secret.back() != ':' && secret.back() != '?')) return false;
  return is_plain_identifier(secret.substr(0, secret.size() - 1));
}

bool is_kebab_or_snake(std::string_view text) {
  return !text.empty() && is_alpha(text.front()) &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; }) &&
         is_plain_identifier(text);
}

// CSS selectors (#add-password, .password-field) and routes naming a controller action: Rails
// passwords#edit, Laravel PasswordController@update, Symfony Security::login.
bool is_selector_or_route(std::string_view secret) {
  if ((secret.front() == '#' || secret.front() == '.') && is_kebab_or_snake(secret.substr(1))) {
    return true;
  }
  for (std::string_view separator : {"#", "@", "::"}) {
    const std::size_t at = secret.find(separator);
    if (at == std::string_view::npos || at == 0) continue;
    if (is_kebab_or_snake(secret.substr(0, at)) &&
        is_kebab_or_snake(secret.substr(at + separator.size()))) {
      return true;
    }
  }
  return false;
}

// The name a value is assigned to, from the text before it on its line: the last word, or the
// one before it when the last is a type (Go's `var csrfToken string = "..."`).
std::string_view assigned_name(std::string_view before) {
  auto last_word = [](std::string_view& text) {
    while (!text.empty() && !is_name_char(text.back()) && text.back() != '-' &&
           text.back() != '.') {
      text.remove_suffix(1);
    }
    std::size_t begin = text.size();
    while (begin > 0 &&
           (is_name_char(text[begin - 1]) || text[begin - 1] == '-' || text[begin - 1] == '.')) {
      --begin;
    }
    const std::string_view word = text.substr(begin);
    text.remove_suffix(word.size());
    return word;
  };
  if (before.size() > 128) before.remove_prefix(before.size() - 128);
  std::string_view name = last_word(before);
  // {"key": "publicToken", "value": "..."}, <meta name="csrf-token" content="...">
  if (name == "value" || name == "content") name = last_word(before);
  constexpr std::array<std::string_view, 5> kTypes = {"string", "str", "String", "var", "val"};
  if (std::find(kTypes.begin(), kTypes.end(), name) != kTypes.end()) return last_word(before);
  return name;
}

// Values that are public by design, recognised by their name: browser-side tokens (CSRF, XSRF,
// Rails' authenticity_token), publishable and public keys, search-only keys (Algolia),
// reCAPTCHA and Turnstile site keys.
bool is_public_by_name(std::string_view secret, std::string_view before) {
  // Stripe's publishable keys go to browsers, sometimes as Bearer tokens.
  if (secret.starts_with("pk_live_") || secret.starts_with("pk_test_")) return true;
  const std::string_view name = assigned_name(before);
  constexpr std::array<std::string_view, 13> kPublicWords = {
      "public",     "publishable", "csrf",       "xsrf",           "authenticity",
      "searchkey",  "search_key",  "search-key", "search_api_key", "searchapikey",
      "searchonly", "sitekey",     "site_key"};
  return std::any_of(kPublicWords.begin(), kPublicWords.end(),
                     [&](std::string_view word) { return contains_caseless(name, word); });
}

}  // namespace

bool is_plain_identifier(std::string_view text) {
  if (text.empty()) return false;
  auto is_separator = [](char c) { return c == '_' || c == '-' || c == '.'; };
  std::size_t letter_pieces = 0;
  std::size_t short_pieces = 0;      // one or two letters: "db", "v", "X"
  std::size_t vowelless_pieces = 0;  // three or more letters without a vowel: "cfg", "Jsd"
  std::size_t digit_runs = 0;
  std::size_t letters = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_separator(c)) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    if (is_digit(c)) {
      while (end < text.size() && is_digit(text[end]))
        ++end;
      if (end - i > 3) return false;  // 2023, 12345: a number, not a version or a suffix
      ++digit_runs;
      // Names put digits at the end of a word (sha256, v2, base64Url) or start a word with
      // them (2fa); random text puts them anywhere (it66max0fo).
      const bool ends_word = end == text.size() || is_separator(text[end]) || is_upper(text[end]);
      const bool starts_word = i == 0 || is_separator(text[i - 1]);
      if (!ends_word && !starts_word) return false;
    } else if (is_alpha(c)) {
      if (is_upper(c) && end < text.size() && is_upper(text[end])) {
        // An upper-case run, less the last capital when a lower-case letter follows: HTTPServer.
        while (end < text.size() && is_upper(text[end]))
          ++end;
        if (end < text.size() && is_lower(text[end]) && end - i > 1) --end;
      } else {
        while (end < text.size() && is_lower(text[end]))
          ++end;
      }
      const std::size_t length = end - i;
      ++letter_pieces;
      letters += length;
      if (length <= 2) ++short_pieces;
      // Words have vowels: about 40% of their letters, random letters 23% (a e i o u y).
      const auto vowels = static_cast<std::size_t>(std::count_if(
          text.begin() + static_cast<std::ptrdiff_t>(i),
          text.begin() + static_cast<std::ptrdiff_t>(end), [](char letter) {
            return std::string_view("aeiouy").find(lower(letter)) != std::string_view::npos;
          }));
      if (length >= 8 && vowels * 6 < length) return false;
      // Upper-case acronyms (HTTP, SQL) may lack vowels; one abbreviation (cfg, Jwt) may too.
      if (length >= 3 && vowels == 0 && is_lower(text[end - 1]) && ++vowelless_pieces > 1) {
        return false;
      }
    } else {
      return false;
    }
    i = end;
  }
  if (letter_pieces == 0 || digit_runs > 2) return false;
  // Random mixed-case text splits into many one- and two-letter pieces and is half capitals;
  // names are mostly lower case (getUserName 18%, even HTTPServerToken 40%).
  if (short_pieces > std::max<std::size_t>(2, letter_pieces / 3)) return false;
  const auto capitals = static_cast<std::size_t>(std::count_if(text.begin(), text.end(), is_upper));
  if (capitals < letters && 2 * capitals > letters) return false;
  return 2 * letters >= 5 * letter_pieces;  // at least 2.5 letters a piece: id_rsa, my-app
}

std::string_view to_string(GenericSkip skip) {
  switch (skip) {
    case GenericSkip::none:
      return "none";
    case GenericSkip::identifier:
      return "identifier";
    case GenericSkip::boolean:
      return "boolean";
    case GenericSkip::number:
      return "number";
    case GenericSkip::uuid:
      return "uuid";
    case GenericSkip::hash:
      return "hash";
    case GenericSkip::colour:
      return "colour";
    case GenericSkip::path:
      return "path";
    case GenericSkip::url:
      return "url";
    case GenericSkip::reference:
      return "reference";
    case GenericSkip::code:
      return "code";
    case GenericSkip::selector:
      return "selector";
    case GenericSkip::public_value:
      return "public-value";
  }
  return "none";
}

GenericSkip classify_generic(std::string_view secret, std::string_view before,
                             std::string_view after) {
  if (secret.empty()) return GenericSkip::none;
  if (is_boolean(secret)) return GenericSkip::boolean;
  if (is_number(secret)) return GenericSkip::number;
  if (is_uuid(secret)) return GenericSkip::uuid;
  if (is_colour(secret)) return GenericSkip::colour;
  if (is_hash(secret, before, after)) return GenericSkip::hash;
  if (is_reference(secret)) return GenericSkip::reference;
  if (is_plain_url(secret)) return GenericSkip::url;
  if (is_path(secret)) return GenericSkip::path;
  if (is_plain_identifier(secret)) return GenericSkip::identifier;
  if (is_attribute_access(secret) || is_label(secret)) return GenericSkip::code;
  if (is_selector_or_route(secret)) return GenericSkip::selector;
  if (is_public_by_name(secret, before)) return GenericSkip::public_value;
  return GenericSkip::none;
}

}  // namespace leakhound
