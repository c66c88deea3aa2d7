// JsonRecordScanner: scans one JSON log record (a line of a JSON-lines stream) field by field.
// The record is parsed with simdjson; every string value and every key is scanned as its
// decoded text (so escapes such as \n or \/ inside a secret do not hide it) and each finding is
// tagged with the value's field path (`request.headers[0].value`; a key is `{key}` in it, both
// for its own finding and for the paths below a key where something was found) and the
// record's timestamp (the top-level `timestamp`, `ts` or `@timestamp`). Offsets and columns of
// such a finding are positions in the decoded value; `line` is the record's line in the stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/finding.h"
#include "engine/provenance.h"
#include "engine/rule_database.h"
#include "engine/scanner.h"

namespace leakhound {

class JsonRecordScanner {
 public:
  // `max_decode_depth`: levels of decoding of encoded runs inside values (engine/decoder.h).
  explicit JsonRecordScanner(const RuleDatabase& database, unsigned max_decode_depth = 0);
  ~JsonRecordScanner();

  // True when `line` (without its newline) parses as a JSON object.
  static bool is_json_object(std::string_view line);

  // Scans the record on `line`; false (and no findings) when it is not a JSON object, so the
  // caller can scan it as text instead.
  bool scan(std::string_view line, std::uint64_t line_number, std::uint64_t record_offset,
            const Provenance& provenance, std::vector<Finding>& out);

  // Rules whose PCRE2 confirmation gave up on some value since the last call, each once
  // (Scanner::take_unconfirmed_rules): the caller names them and marks its scan partial.
  std::vector<std::uint32_t> take_unconfirmed_rules();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace leakhound
