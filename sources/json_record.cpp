#include "sources/json_record.h"

#include <simdjson.h>

#include <iterator>
#include <string>

#include "engine/decoder.h"

namespace leakhound {

struct JsonRecordScanner::State {
  State(const RuleDatabase& database, unsigned depth) : scanner(database), decode_depth(depth) {}
  Scanner scanner;
  unsigned decode_depth;
  simdjson::dom::parser parser;
  std::vector<Match> matches;
};

namespace {

constexpr std::string_view kKeyPlaceholder = "{key}";

struct Walk {
  Scanner& scanner;
  unsigned decode_depth;
  std::vector<Match>& matches;
  const Provenance& base;
  std::uint64_t line_number;
  std::uint64_t record_offset;
  std::string timestamp;
  std::vector<Finding>& out;

  void value(simdjson::dom::element element, std::string& path) {
    switch (element.type()) {
      case simdjson::dom::element_type::OBJECT: {
        simdjson::dom::object object;
        if (element.get_object().get(object)) break;
        for (auto field : object) {
          const std::size_t size = path.size();
          if (!path.empty()) path += '.';
          // Keys are scanned too (a secret used as a key). The field path must not carry a
          // secret that was found in it: such a key is named `{key}` in every path.
          path += kKeyPlaceholder;
          const std::size_t found_before = out.size();
          string(field.key, path);
          if (out.size() == found_before)
            path.replace(path.size() - kKeyPlaceholder.size(), kKeyPlaceholder.size(), field.key);
          value(field.value, path);
          path.resize(size);
        }
        break;
      }
      case simdjson::dom::element_type::ARRAY: {
        simdjson::dom::array array;
        if (element.get_array().get(array)) break;
        std::size_t index = 0;
        for (auto item : array) {
          const std::size_t size = path.size();
          path += "[" + std::to_string(index++) + "]";
          value(item, path);
          path.resize(size);
        }
        break;
      }
      case simdjson::dom::element_type::STRING: {
        std::string_view text;
        if (!element.get_string().get(text)) string(text, path);
        break;
      }
      default:
        break;
    }
  }

  void string(std::string_view text, const std::string& path) {
    matches.clear();
    if (!scanner.scan_at_path(text, base.path, matches)) return;
    const std::size_t first = out.size();
    if (!matches.empty())
      locate_findings(text, matches, scanner.database().rules(), 0, 0, base, out);
    if (decode_depth > 0 && text.size() >= DecoderLimits{}.min_base64) {
      // Encoded runs in the value (a base64 blob, a percent-encoded URL), at their place in it.
      DecodeScanOptions decode;
      decode.max_depth = decode_depth;
      std::vector<Finding> found(
          std::make_move_iterator(out.begin() + static_cast<std::ptrdiff_t>(first)),
          std::make_move_iterator(out.end()));
      out.resize(first);
      (void)scan_decoded(scanner, text, decode, base, found);
      std::move(found.begin(), found.end(), std::back_inserter(out));
    }
    mask_other_secrets(std::span<Finding>(out).subspan(first));
    // The value's place, added only to what was found (most values hold nothing), after the
    // stream's own fields and before the decoder's.
    for (std::size_t i = first; i < out.size(); ++i) {
      Finding& finding = out[i];
      Fields place = {{"field", path}, {"record_offset", std::to_string(record_offset)}};
      if (!timestamp.empty()) place.emplace_back("timestamp", timestamp);
      auto& fields = finding.provenance.fields;
      fields.insert(fields.begin() + static_cast<std::ptrdiff_t>(base.fields.size()), place.begin(),
                    place.end());
      finding.line = line_number;  // the record's line; the value's own lines do not exist
      finding.end_line = line_number;
    }
  }
};

}  // namespace

JsonRecordScanner::JsonRecordScanner(const RuleDatabase& database, unsigned max_decode_depth)
    : state_(std::make_unique<State>(database, max_decode_depth)) {}

JsonRecordScanner::~JsonRecordScanner() = default;

bool JsonRecordScanner::is_json_object(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  return !parser.parse(simdjson::padded_string(line)).get(element) &&
         element.type() == simdjson::dom::element_type::OBJECT;
}

bool JsonRecordScanner::scan(std::string_view line, std::uint64_t line_number,
                             std::uint64_t record_offset, const Provenance& provenance,
                             std::vector<Finding>& out) {
  simdjson::dom::element record;
  if (state_->parser.parse(simdjson::padded_string(line)).get(record) ||
      record.type() != simdjson::dom::element_type::OBJECT) {
    return false;
  }
  Walk walk{state_->scanner,
            state_->decode_depth,
            state_->matches,
            provenance,
            line_number,
            record_offset,
            {},
            out};
  for (const char* key : {"timestamp", "ts", "@timestamp"}) {
    simdjson::dom::element stamp;
    if (record[key].get(stamp)) continue;
    std::string_view text;
    if (!stamp.get_string().get(text)) {
      walk.timestamp = std::string(text);
    } else {
      walk.timestamp = simdjson::minify(stamp);
    }
    break;
  }
  std::string path;
  walk.value(record, path);
  return true;
}

std::vector<std::uint32_t> JsonRecordScanner::take_unconfirmed_rules() {
  return state_->scanner.take_unconfirmed_rules();
}

}  // namespace leakhound
