// Feeds arbitrary bytes to the rule-file parser and compiles whatever parses: no input may
// crash, hang or leak; bad input must come back as an error naming the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = leakhound::parse_rules(text, "fuzz.toml");
  if (!rules) {
    if (rules.error().message.rfind("fuzz.toml", 0) != 0) __builtin_trap();
    return 0;
  }
  if (rules.value().size() > 4) return 0;  // keep each run cheap: compile small sets only
  auto database = leakhound::RuleDatabase::build(std::move(rules).value(), {});
  (void)database;
  return 0;
}
