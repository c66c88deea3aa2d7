// Feeds arbitrary bytes to the gitleaks/Betterleaks configuration import: the TOML is parsed,
// translated (cli/gitleaks_config.h: rules, Go RE2 regexes, allowlists) and every rule the import
// keeps is checked with both engines. No input may crash, hang or leak; an error must name the
// file; a rule the import keeps must compile into a database (the import promises that a rule it
// could not use is skipped and named, never passed on). Inputs starting with 'R' test one Go
// regex instead: its translation and capture-group count.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/gitleaks_config.h"
#include "cli/go_regex.h"
#include "engine/rule_database.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text[0] == 'R') {
    auto translated = leakhound::translate_go_regex(text.substr(1));
    if (!translated) {
      if (translated.error().message.empty()) __builtin_trap();
      return 0;
    }
    (void)leakhound::count_capture_groups(translated.value());
    return 0;
  }
  toml::table document;
  try {
    document = toml::parse(text, std::string_view("fuzz.gitleaks.toml"));
  } catch (const toml::parse_error&) {
    return 0;  // not TOML: the config reader reports it before the import runs
  }
  auto config = leakhound::read_gitleaks_config("fuzz.gitleaks.toml", document);
  if (!config) {
    if (config.error().message.find("fuzz.gitleaks.toml") == std::string::npos) __builtin_trap();
    return 0;
  }
  if (config.value().rules.empty() || config.value().rules.size() > 4) return 0;  // keep it cheap
  auto database = leakhound::RuleDatabase::build(std::move(config.value().rules), {});
  if (!database) __builtin_trap();
  return 0;
}
