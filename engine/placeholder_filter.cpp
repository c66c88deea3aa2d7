#include "engine/placeholder_filter.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace leakhound {
namespace {

// Providers' published documentation keys whose text does not say EXAMPLE. Only the random
// bodies are kept, each split in two, so neither this file nor the binary holds a string any
// rule reports; a candidate containing a body is that documentation key (or a copy of it).
// Well-known public values are kept here too: values that appear in thousands of repositories
// because a vendor's documentation or SDK samples ship them, and that grant nothing secret.
constexpr std::array<std::array<std::string_view, 2>, 8> kPublishedExampleBodies = {{
    {"16C7e42F292c", "6912E7710c838347Ae178B4a"},  // GitHub docs: ghp_/gho_ token in git URLs
    {"4eC39HqLyj", "WDarjtT1zdp7dc"},              // Stripe API reference: secret test key
    {"TYooMQauvd", "EDq54NiTphI7jx"},              // Stripe.js docs: publishable test key
    {"pdFZKVeTuE8", "sk7oOcBrzbqgy"},              // Slack OAuth docs: bot token response
    {"DaGmWKa4JsXZ-Hj", "Gw7ISLn_3namBGewQe"},     // Google Maps docs: API key
    {"SflKxwRJSMeKKF2QT4fw", "pMeJf36POk6yJV_adQssw5c"},  // jwt.io: the sample token's signature
    // Firebase JS SDK reference (FirebaseOptions.apiKey): the sample web API key.
    {"SyDOCAbC123dEf", "456GhI789jKl012-MnO"},
    // Algolia InstantSearch and Autocomplete samples: the search-only key of the public
    // "latency" demo application (search-only keys are public by design).
    {"6be0576ff61c05", "3d5f9a3225e2a90f76"},
}};

// Whole values that name the thing instead of holding it: user:password@localhost in a
// connection string's documentation, password = "secret".
constexpr std::array<std::string_view, 8> kStandInValues = {
    "password", "passwd", "mypassword", "yourpassword", "secret", "mysecret", "token", "apikey",
};

// Words that mark a value as a stand-in, compared without case.
constexpr std::array<std::string_view, 14> kPlaceholderWords = {
    "changeme", "change_me",   "change-me", "changeit", "replaceme",  "replace_me", "replace-me",
    "redacted", "placeholder", "your_",     "your-",    "notasecret", "not_a_real", "dummy",
};

// Calls that read a value from the environment or a secret store: a candidate that starts with
// one, or that directly follows one (os.getenv("NAME")), is the name of a secret, not a secret.
constexpr std::array<std::string_view, 23> kEnvironmentReads = {
    "os.environ[",
    "os.environ.get(",
    "os.getenv(",
    "getenv(",
    "os.Getenv(",
    "os.LookupEnv(",
    "process.env.",
    "process.env[",
    "import.meta.env.",
    "Deno.env.get(",
    "secrets.",
    "ENV[",
    "ENV.fetch(",
    "$ENV{",
    "System.getenv(",
    "Environment.GetEnvironmentVariable(",
    "env(",
    "vars.",
    "var.",
    "env.",  // GitHub Actions ${{ env.X }} without braces, Deno/Bun and Go test helpers
    "ENV.",
    "$env:",  // PowerShell
    "${env:",
};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_identifier_char(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

// `needle` is lowercase.
bool contains_caseless(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(haystack[i + j]) == needle[j])
      ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool starts_with_caseless(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && contains_caseless(text.substr(0, prefix.size()), prefix);
}

bool ends_with_caseless(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         contains_caseless(text.substr(text.size() - suffix.size()), suffix);
}

bool contains_split(std::string_view text, const std::array<std::string_view, 2>& pieces) {
  const std::size_t size = pieces[0].size() + pieces[1].size();
  for (std::size_t at = text.find(pieces[0]); at != std::string_view::npos;
       at = text.find(pieces[0], at + 1)) {
    if (text.size() - at >= size &&
        text.substr(at + pieces[0].size(), pieces[1].size()) == pieces[1]) {
      return true;
    }
  }
  return false;
}

bool is_documentation_example(std::string_view secret) {
  if (contains_caseless(secret, "example")) return true;
  return std::any_of(kPublishedExampleBodies.begin(), kPublishedExampleBodies.end(),
                     [&](const auto& pieces) { return contains_split(secret, pieces); });
}

// A unit of 1 to 4 characters repeated: the whole secret ("xxxx", "0000", "abab", "abcabc"), or
// runs of 8 or more that cover at least half of it ("AKIAXXXXXXXXXXXXXXXX", "ghp_" and 36 'x').
// In random base62 text a run of 8 equal characters has odds of 1 in 62^7 per position, so real
// keys are never half filler, while short runs in test values ("id_111111") are left alone.
bool is_mostly_filler(std::string_view secret) {
  const std::size_t n = secret.size();
  if (n < 4) return false;
  constexpr std::size_t kMinRun = 8;
  for (std::size_t unit = 1; unit <= 4; ++unit) {
    if (n < 2 * unit) break;
    std::size_t covered = 0;
    std::size_t run_start = 0;  // the run is [run_start, i): each byte equals the one `unit` back
    for (std::size_t i = unit; i <= n; ++i) {
      if (i < n && secret[i] == secret[i - unit]) continue;
      const std::size_t length = i - run_start;
      if (length == n && n >= 2 * unit) return true;  // the whole secret repeats one unit
      if (length >= kMinRun) covered += length;
      run_start = i + 1 - unit;
    }
    if (2 * covered >= n) return true;
  }
  // A provider prefix followed by a mask of x: sk-ant-api03-XXXXXXXX. Six x in a row have odds
  // of 1 in 62^5 per position in random base62.
  std::size_t x_run = 0;
  for (char c : secret) {
    x_run = (c == 'x' || c == 'X') ? x_run + 1 : 0;
    if (x_run >= 6) return true;
  }
  return false;
}

// Counting text typed by hand: "1234567890", "abcdefg12345abcdefg", "a1b2c3d4" (two
// interleaved counts). Characters in ascending runs of 4 or more (9 goes on to 0 or to a, as in
// hex) are counted with a step of one character and of two. The value is filler when the runs
// cover it almost entirely (9/10), or cover 3/4 of it and the count restarts (two runs or
// more): a single hex count after a prefix, as in a test rule's "acme_0123456789abcdef", stays.
// In random base62 text a run of 4 has odds of about 1 in 62^3 per position.
bool is_counting_sequence(std::string_view secret) {
  const std::size_t n = secret.size();
  if (n < 8) return false;
  auto is_alnum = [](char c) { return c != '_' && is_identifier_char(c); };
  auto follows = [&](char previous, char next) {
    return (is_alnum(previous) && is_alnum(next) && next == previous + 1) ||
           (previous == '9' && (next == '0' || next == 'a' || next == 'A'));
  };
  for (std::size_t step = 1; step <= 2; ++step) {
    std::size_t covered = 0;
    std::size_t runs = 0;
    for (std::size_t lane = 0; lane < step; ++lane) {
      std::size_t run = 1;
      for (std::size_t i = lane + step; i <= n; i += step) {
        if (i < n && follows(secret[i - step], secret[i])) {
          ++run;
          continue;
        }
        if (run >= 4) {
          covered += run;
          ++runs;
        }
        run = 1;
      }
    }
    if (10 * covered >= 9 * n || (runs >= 2 && 4 * covered >= 3 * n)) return true;
  }
  return false;
}

bool is_placeholder_text(std::string_view secret) {
  const char first = secret.front();
  const char last = secret.back();
  if ((first == '<' && last == '>') || (first == '[' && last == ']') ||
      (first == '(' && last == ')') || (first == '{' && last == '}')) {
    return true;
  }
  if (starts_with_caseless(secret, "&lt;") && ends_with_caseless(secret, "&gt;")) return true;
  if (std::any_of(kStandInValues.begin(), kStandInValues.end(), [&](std::string_view word) {
        return secret.size() == word.size() && starts_with_caseless(secret, word);
      })) {
    return true;
  }
  if (secret.find("...") != std::string_view::npos) return true;
  if (secret.find("\xE2\x80\xA6") != std::string_view::npos) return true;  // U+2026 ellipsis
  if (secret.find("***") != std::string_view::npos) return true;           // masked: sk_****abcd
  if (starts_with_caseless(secret, "your") || ends_with_caseless(secret, "here")) return true;
  // The name of the field standing in for its value: `password password` in a .netrc,
  // `Password=myPassword` in a documented connection string, `Password=Database_Password`.
  if (ends_with_caseless(secret, "password") || ends_with_caseless(secret, "passwd")) return true;
  // "repopwd", "db_pwd"; a random value ending in "PWd" (1 in 10^4 of base62) is no name.
  if (ends_with_caseless(secret, "pwd") && std::all_of(secret.begin(), secret.end(), [](char c) {
        return is_alpha(c) || c == '_' || c == '-';
      })) {
    return true;
  }
  for (std::string_view word : {"pass", "secret"}) {
    if (secret.size() == word.size() && starts_with_caseless(secret, word)) return true;
  }
  return std::any_of(kPlaceholderWords.begin(), kPlaceholderWords.end(),
                     [&](std::string_view word) { return contains_caseless(secret, word); });
}

// `text` is one identifier character sequence wrapped in `open` ... `close`: %VAR%, @VAR@.
bool is_wrapped_identifier(std::string_view text, std::string_view open, std::string_view close) {
  if (text.size() <= open.size() + close.size() || !text.starts_with(open) ||
      !text.ends_with(close)) {
    return false;
  }
  std::string_view inner = text.substr(open.size(), text.size() - open.size() - close.size());
  return is_alpha(inner.front()) || inner.front() == '_'
             ? std::all_of(inner.begin(), inner.end(), is_identifier_char)
             : false;
}

bool is_template_reference(std::string_view secret) {
  for (std::string_view marker : {"${", "{{", "#{", "$(", "<%", "{%"}) {
    if (secret.find(marker) != std::string_view::npos) return true;
  }
  // printf's %s where a value goes ("Bearer %s", "%s:%s"), not a '%' inside a password.
  for (std::size_t at = secret.find("%s"); at != std::string_view::npos;
       at = secret.find("%s", at + 1)) {
    const bool opens =
        at == 0 || std::string_view(" :/=").find(secret[at - 1]) != std::string_view::npos;
    const bool closes = at + 2 == secret.size() ||
                        std::string_view(" :/@%").find(secret[at + 2]) != std::string_view::npos;
    if (opens && closes) return true;
  }
  if (std::size_t open = secret.find("%(");
      open != std::string_view::npos && secret.find(")s", open) != std::string_view::npos) {
    return true;
  }
  // $NAME, but not the crypt formats $1$..., $apr1$..., $argon2id$... (a hash is no template).
  if (secret.size() >= 2 && secret[0] == '$' && (is_alpha(secret[1]) || secret[1] == '_')) {
    std::size_t end = 1;
    while (end < secret.size() && is_identifier_char(secret[end]))
      ++end;
    if (end == secret.size() || secret[end] != '$') return true;
  }
  return is_wrapped_identifier(secret, "%", "%") || is_wrapped_identifier(secret, "@", "@") ||
         is_wrapped_identifier(secret, "__", "__");
}

bool is_environment_read(std::string_view secret, std::string_view before) {
  // The candidate's own quote or spacing is not part of the call: os.environ[" NAME.
  while (!before.empty() &&
         (before.back() == '"' || before.back() == '\'' || before.back() == '`' ||
          before.back() == ' ' || before.back() == '\t')) {
    before.remove_suffix(1);
  }
  return std::any_of(
      kEnvironmentReads.begin(), kEnvironmentReads.end(),
      [&](std::string_view call) { return secret.starts_with(call) || before.ends_with(call); });
}

}  // namespace

std::string_view to_string(PlaceholderKind kind) {
  switch (kind) {
    case PlaceholderKind::none:
      return "none";
    case PlaceholderKind::documentation_example:
      return "documentation-example";
    case PlaceholderKind::repeated_pattern:
      return "repeated-pattern";
    case PlaceholderKind::placeholder_text:
      return "placeholder-text";
    case PlaceholderKind::template_reference:
      return "template-reference";
    case PlaceholderKind::environment_read:
      return "environment-read";
    case PlaceholderKind::counting_sequence:
      return "counting-sequence";
  }
  return "none";
}

PlaceholderKind classify_placeholder(std::string_view secret, std::string_view before) {
  if (secret.empty()) return PlaceholderKind::none;
  if (is_environment_read(secret, before)) return PlaceholderKind::environment_read;
  if (is_template_reference(secret)) return PlaceholderKind::template_reference;
  if (is_documentation_example(secret)) return PlaceholderKind::documentation_example;
  if (is_placeholder_text(secret)) return PlaceholderKind::placeholder_text;
  if (is_mostly_filler(secret)) return PlaceholderKind::repeated_pattern;
  if (is_counting_sequence(secret)) return PlaceholderKind::counting_sequence;
  return PlaceholderKind::none;
}

}  // namespace leakhound
