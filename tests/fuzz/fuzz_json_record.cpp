// Feeds arbitrary bytes to the JSON-lines record scanner (sources/json_record.h) with the
// built-in rules, as `stream --json-lines` does with each line. No input may crash, hang or
// leak; a line that is not a JSON object is refused with no findings (the caller scans it as
// text); every finding of a record carries the record's line number.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"
#include "sources/json_record.h"

namespace {

const leakhound::RuleDatabase& database() {
  static std::unique_ptr<leakhound::RuleDatabase> built = [] {
    auto rules = leakhound::load_builtin_rules();
    if (!rules) __builtin_trap();
    auto compiled =
        leakhound::RuleDatabase::build(std::move(rules).value(), {leakhound::default_cache_dir()});
    if (!compiled) __builtin_trap();
    return std::move(compiled).value();
  }();
  return *built;
}

}  // namespace

// Builds the rule database before fuzzing starts, so that its compile time does not count
// against the first input's timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)database();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the decoding depth (0-2); the rest is the line.
  const unsigned depth = data[0] % 3;
  const std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  leakhound::JsonRecordScanner scanner(database(), depth);
  leakhound::Provenance provenance{"stream", "fuzz.jsonl", {}, {}};
  std::vector<leakhound::Finding> findings;
  const bool object = leakhound::JsonRecordScanner::is_json_object(line);
  const bool scanned = scanner.scan(line, 7, 100, provenance, findings);
  if (scanned != object) __builtin_trap();
  if (!scanned && !findings.empty()) __builtin_trap();
  for (const leakhound::Finding& finding : findings)
    if (finding.line != 7 || finding.end_offset < finding.offset) __builtin_trap();
  return 0;
}
