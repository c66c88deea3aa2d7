// Feeds arbitrary bytes to the JSON-lines record scanner (sources/json_record.h) with the
// built-in rules, as `stream --json-lines` does with each line. No input may crash, hang or
// leak; a line that is not a JSON object is refused with no findings (the caller scans it as
// text); every finding of a record carries the record's line number.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sources/json_record.h"
#include "tests/fuzz/builtin_database.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the decoding depth (0-2); the rest is the line.
  const unsigned depth = data[0] % 3;
  const std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  leakhound::JsonRecordScanner scanner(leakhound::fuzz::builtin_database(), depth);
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
