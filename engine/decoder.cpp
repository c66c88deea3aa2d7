#include "engine/decoder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "engine/overlaps.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leakhound {
namespace {

// Character classes of the run alphabet: base64's letters and digits, its standard extras
// ('+', '/') and its URL-safe extras ('-', '_'). '=' is padding, taken after a run ends.
constexpr std::uint8_t kAlnum = 1;
constexpr std::uint8_t kStandard = 2;
constexpr std::uint8_t kUrlSafe = 4;
constexpr std::uint8_t kHexDigit = 8;
constexpr std::uint8_t kRun = kAlnum | kStandard | kUrlSafe;

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 'A'; c <= 'Z'; ++c)
    classes[c] = kAlnum;
  for (int c = 'a'; c <= 'z'; ++c)
    classes[c] = kAlnum;
  for (int c = '0'; c <= '9'; ++c)
    classes[c] = kAlnum | kHexDigit;
  for (int c = 'a'; c <= 'f'; ++c)
    classes[c] |= kHexDigit;
  for (int c = 'A'; c <= 'F'; ++c)
    classes[c] |= kHexDigit;
  classes['+'] = classes['/'] = kStandard;
  classes['-'] = classes['_'] = kUrlSafe;
  return classes;
}
constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

bool in_run(char c) {
  return (kClasses[static_cast<unsigned char>(c)] & kRun) != 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<std::int8_t, 256> make_base64_values() {
  std::array<std::int8_t, 256> values{};
  for (auto& value : values)
    value = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 62; ++i)
    values[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  values['+'] = values['-'] = 62;  // a run holds one alphabet or the other, never both
  values['/'] = values['_'] = 63;
  return values;
}
constexpr std::array<std::int8_t, 256> kBase64Values = make_base64_values();

std::string decode_base64(std::string_view run) {
  if (run.size() % 4 == 1) run.remove_suffix(1);  // a lone trailing character carries no byte
  std::string out;
  out.reserve(run.size() / 4 * 3 + 2);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (char c : run) {
    accumulator = (accumulator << 6) |
                  static_cast<std::uint32_t>(kBase64Values[static_cast<unsigned char>(c)]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xFF);
    }
  }
  return out;
}

// Hashes and keys are random bytes: half of their pairs have a high bit, text's have none.
// Decides from the first eight pairs before anything is decoded.
bool hex_may_be_text(std::string_view run) {
  int high = 0;
  for (std::size_t i = 0; i < 16 && i < run.size(); i += 2)
    high += hex_value(run[i]) >= 8 ? 1 : 0;
  return high <= 1;
}

std::string decode_hex(std::string_view run) {
  std::string out;
  out.reserve(run.size() / 2);
  for (std::size_t i = 0; i + 1 < run.size(); i += 2)
    out += static_cast<char>(hex_value(run[i]) * 16 + hex_value(run[i + 1]));
  return out;
}

// Bytes a percent-encoded URL or form value may hold: printable ASCII but quotes, angle
// brackets, backquote and backslash, which delimit it in the text around it.
bool in_url(char c) {
  return c > 0x20 && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' &&
         c != '\\';
}

bool in_escaped_string(char c) {
  return c > 0x20 && c != 0x7F && c != '"' && c != '\'' && c != '`';
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// Decodes \uXXXX, \xNN, octal and the single-character escapes of JSON and C. Sets
// `hiding` when an escape could hide a secret's characters (\u, \x, octal, \/): a run with
// only \n or \" in it is left alone.
std::string decode_escapes(std::string_view run, bool& hiding) {
  std::string out;
  out.reserve(run.size());
  hiding = false;
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (run[i] != '\\' || i + 1 == run.size()) {
      out += run[i];
      continue;
    }
    const char kind = run[++i];
    auto hex_digits = [&](std::size_t from, std::size_t most) {
      std::size_t count = 0;
      while (count < most && from + count < run.size() && hex_value(run[from + count]) >= 0)
        ++count;
      return count;
    };
    if (kind == 'u' && hex_digits(i + 1, 4) == 4) {
      std::uint32_t code_point = 0;
      for (std::size_t k = 1; k <= 4; ++k)
        code_point = code_point * 16 + static_cast<std::uint32_t>(hex_value(run[i + k]));
      append_utf8(code_point, out);
      i += 4;
      hiding = true;
    } else if (kind == 'x' && hex_digits(i + 1, 2) > 0) {
      const std::size_t digits = hex_digits(i + 1, 2);
      int value = 0;
      for (std::size_t k = 1; k <= digits; ++k)
        value = value * 16 + hex_value(run[i + k]);
      out += static_cast<char>(value);
      i += digits;
      hiding = true;
    } else if (kind >= '0' && kind <= '7') {
      int value = 0;
      std::size_t digits = 0;
      while (digits < 3 && i + digits < run.size() && run[i + digits] >= '0' &&
             run[i + digits] <= '7')
        value = value * 8 + (run[i + digits++] - '0');
      out += static_cast<char>(value & 0xFF);
      i += digits - 1;
      hiding = true;
    } else {
      switch (kind) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '/':
          out += '/';
          hiding = true;
          break;
        default:
          out += kind;
          break;  // \" \' \\ and unknown escapes: the character itself
      }
    }
  }
  return out;
}

std::string decode_percent(std::string_view run, std::size_t& escapes) {
  std::string out;
  out.reserve(run.size());
  escapes = 0;
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (run[i] == '%' && i + 2 < run.size() + 0 && hex_value(run[i + 1]) >= 0 &&
        hex_value(run[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(run[i + 1]) * 16 + hex_value(run[i + 2]));
      i += 2;
      ++escapes;
    } else {
      out += run[i];
    }
  }
  return out;
}

class RunFinder {
 public:
  RunFinder(std::string_view data, std::vector<DecodedSegment>& out, const DecoderLimits& limits)
      : data_(data), out_(out), limits_(limits), first_(out.size()) {}

  void run() {
    const std::size_t size = data_.size();
    std::size_t position = 0;
#if defined(__SSE2__)
    // Sixteen bytes at a time: a bit mask of run characters over this block and the previous
    // one shows whether 16 of them follow each other (a candidate run); '%' and '\' are rare.
    // Blocks with neither are skipped without looking at single bytes.
    std::uint32_t previous = 0;
    while (position + 16 <= size && !full()) {
      const __m128i bytes =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_.data() + position));
      // Range tests in two operations: shifted by 0x80 - low, the range starts at -128.
      const __m128i lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
      const __m128i letter =
          _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(static_cast<char>(0x80 - 'a'))),
                         _mm_set1_epi8(-0x80 + 26));
      const __m128i slash_digit =
          _mm_cmplt_epi8(_mm_add_epi8(bytes, _mm_set1_epi8(static_cast<char>(0x80 - '/'))),
                         _mm_set1_epi8(-0x80 + 11));
      const __m128i extras = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('+')),
                                                       _mm_cmpeq_epi8(bytes, _mm_set1_epi8('-'))),
                                          _mm_cmpeq_epi8(bytes, _mm_set1_epi8('_')));
      const auto run_mask = static_cast<std::uint32_t>(
          _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, slash_digit), extras)));
      auto special_mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(
          _mm_cmpeq_epi8(bytes, _mm_set1_epi8('%')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')))));
      // Bit i of `sixteen`: bytes i .. i+15 of the two blocks are all run characters.
      const std::uint32_t window = previous | (run_mask << 16);
      std::uint32_t sixteen = window & (window >> 1);
      sixteen &= sixteen >> 2;
      sixteen &= sixteen >> 4;
      sixteen &= sixteen >> 8;
      if (sixteen == 0 && special_mask == 0) {
        previous = run_mask;
        position += 16;
        continue;
      }
      while (special_mask != 0) {
        const std::size_t at = position + static_cast<std::size_t>(__builtin_ctz(special_mask));
        special_mask &= special_mask - 1;
        if (data_[at] == '%' && at >= percent_done_) percent_run(at);
        if (data_[at] == '\\' && at >= escape_done_) escape_run(at);
      }
      if (sixteen == 0) {
        previous = run_mask;
        position += 16;
        continue;
      }
      const std::size_t start = position - 16 + static_cast<std::size_t>(__builtin_ctz(sixteen));
      // Resume after the run (it may end inside this block, or far beyond it); with `previous`
      // cleared, a run starting later in this block is seen when the block is looked at again.
      if (start >= run_done_) {
        alphabet_run(start);
        position = std::max(position, run_done_);
      } else {
        position += 16;  // cannot happen: blocks after a run start at or after its end
      }
      previous = 0;
    }
#endif
    while (position < size && !full())
      position = examine_block(position, size);
    std::stable_sort(
        out_.begin() + static_cast<std::ptrdiff_t>(first_), out_.end(),
        [](const DecodedSegment& a, const DecodedSegment& b) { return a.begin < b.begin; });
  }

 private:
  bool full() const {
    return out_.size() - first_ >= limits_.max_segments;
  }

  // Byte by byte over [from, to); returns where the fast scan resumes.
  std::size_t examine_block(std::size_t from, std::size_t to) {
    std::size_t position = from;
    while (position < to && !full()) {
      const char c = data_[position];
      if (c == '%' && position >= percent_done_) {
        position = std::max(position + 1, percent_run(position));
      } else if (c == '\\' && position >= escape_done_) {
        position = std::max(position + 1, escape_run(position));
      } else if (in_run(c) && position >= run_done_) {
        position = alphabet_run(position);
      } else {
        ++position;
      }
    }
    return position;
  }

  // A run of the base64 alphabet through `position`: base64, base64url or hex.
  std::size_t alphabet_run(std::size_t position) {
    std::size_t begin = position;
    while (begin > run_done_ && in_run(data_[begin - 1]))
      --begin;
    std::size_t end = position;
    std::uint8_t seen = 0;
    std::uint8_t all = 0xFF;
    while (end < data_.size() && in_run(data_[end])) {
      const std::uint8_t classes = kClasses[static_cast<unsigned char>(data_[end])];
      seen |= classes;
      all &= classes;
      ++end;
    }
    for (std::size_t i = begin; i < position; ++i)
      all &= kClasses[static_cast<unsigned char>(data_[i])];
    run_done_ = end;
    const std::size_t length = end - begin;
    if (length > limits_.max_run) return end;
    std::size_t padded_end = end;
    while (padded_end < data_.size() && padded_end - end < 2 && data_[padded_end] == '=')
      ++padded_end;
    const std::string_view run = data_.substr(begin, length);
    if (all & kHexDigit) {
      if (length >= limits_.min_hex && length % 2 == 0 && hex_may_be_text(run))
        emit(begin, end, Encoding::hex, decode_hex(run));
      return end;
    }
    if ((seen & kStandard) && (seen & kUrlSafe)) return end;  // paths and the like
    if (length < limits_.min_base64) return end;
    emit(begin, padded_end, (seen & kUrlSafe) ? Encoding::base64url : Encoding::base64,
         decode_base64(run));
    return padded_end;
  }

  std::size_t percent_run(std::size_t position) {
    std::size_t begin = position;
    const std::size_t floor =
        std::max(percent_done_, position > limits_.max_run ? position - limits_.max_run : 0);
    while (begin > floor && in_url(data_[begin - 1]))
      --begin;
    std::size_t end = position;
    while (end < data_.size() && in_url(data_[end]) && end - begin <= limits_.max_run)
      ++end;
    percent_done_ = end;
    if (end - begin > limits_.max_run) return end;
    std::size_t escapes = 0;
    std::string decoded = decode_percent(data_.substr(begin, end - begin), escapes);
    if (escapes > 0) emit(begin, end, Encoding::percent, std::move(decoded));
    return end;
  }

  std::size_t escape_run(std::size_t position) {
    std::size_t begin = position;
    const std::size_t floor =
        std::max(escape_done_, position > limits_.max_run ? position - limits_.max_run : 0);
    while (begin > floor && in_escaped_string(data_[begin - 1]) && data_[begin - 1] != '\\')
      --begin;
    std::size_t end = position;
    while (end < data_.size() && end - begin <= limits_.max_run) {
      if (data_[end] == '\\' && end + 1 < data_.size()) {
        end += 2;
      } else if (in_escaped_string(data_[end])) {
        ++end;
      } else {
        break;
      }
    }
    end = std::min(end, data_.size());
    escape_done_ = end;
    if (end - begin > limits_.max_run) return end;
    bool hiding = false;
    std::string decoded = decode_escapes(data_.substr(begin, end - begin), hiding);
    if (hiding) emit(begin, end, Encoding::escape, std::move(decoded));
    return end;
  }

  void emit(std::size_t begin, std::size_t end, Encoding encoding, std::string text) {
    if (full() || text.empty() || !looks_like_text(text, limits_.max_non_printable)) return;
    out_.push_back({begin, end, encoding, std::move(text)});
  }

  std::string_view data_;
  std::vector<DecodedSegment>& out_;
  const DecoderLimits& limits_;
  std::size_t first_;
  // Each kind of run is examined once: these are the ends of the last run of each kind.
  std::size_t run_done_ = 0;
  std::size_t percent_done_ = 0;
  std::size_t escape_done_ = 0;
};

}  // namespace

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::base64:
      return "base64";
    case Encoding::base64url:
      return "base64url";
    case Encoding::hex:
      return "hex";
    case Encoding::percent:
      return "percent";
    case Encoding::escape:
      return "escape";
  }
  return "unknown";
}

bool looks_like_text(std::string_view bytes, double max_non_printable) {
  if (bytes.empty()) return false;
  const auto allowed =
      static_cast<std::size_t>(max_non_printable * static_cast<double>(bytes.size()));
  std::size_t bad = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t') continue;
    // A UTF-8 sequence: a lead byte and the continuation bytes it announces.
    std::size_t continuation = (c & 0xE0) == 0xC0   ? 1
                               : (c & 0xF0) == 0xE0 ? 2
                               : (c & 0xF8) == 0xF0 ? 3
                                                    : 0;
    bool valid = continuation > 0 && c >= 0xC2 && i + continuation < bytes.size() + 0;
    for (std::size_t k = 1; valid && k <= continuation; ++k)
      valid = i + k < bytes.size() && (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    if (valid) {
      i += continuation;
      continue;
    }
    if (++bad > allowed) return false;
  }
  return true;
}

void decode_runs(std::string_view data, std::vector<DecodedSegment>& out,
                 const DecoderLimits& limits) {
  RunFinder(data, out, limits).run();
}

namespace {

struct DecodedHit {
  std::uint32_t rule = 0;
  std::string secret;
  double entropy = 0.0;
  Confidence confidence = Confidence::medium;
  std::string chain;
};

// Scans `text` (decoded) and, below max depth, the runs it holds in turn. Matches whose
// secret starts before `secret_from` lie in context the caller added, not in decoded bytes.
Result<void> collect(Scanner& scanner, std::string_view text, std::size_t secret_from,
                     unsigned depth_left, const std::string& chain, std::vector<DecodedHit>& hits) {
  std::vector<Match> matches;
  if (auto scanned = scanner.scan(text, matches); !scanned) return scanned;
  const std::vector<Rule>& rules = scanner.database().rules();
  drop_generic_overlaps(rules, matches);
  for (const Match& match : matches) {
    if (match.secret_start < secret_from) continue;
    DecodedHit hit;
    hit.rule = match.rule;
    hit.secret =
        std::string(text.substr(match.secret_start, match.secret_end - match.secret_start));
    hit.entropy = match.entropy;
    hit.confidence = match.confidence.value_or(rules[match.rule].confidence);
    hit.chain = chain;
    hits.push_back(std::move(hit));
  }
  if (depth_left <= 1) return {};
  std::vector<DecodedSegment> inner;
  decode_runs(text, inner);
  for (const DecodedSegment& segment : inner) {
    if (auto nested = collect(scanner, segment.text, 0, depth_left - 1,
                              chain + ">" + std::string(to_string(segment.encoding)), hits);
        !nested)
      return nested;
  }
  return {};
}

std::size_t line_start_of(std::string_view data, std::size_t position) {
  const std::size_t newline =
      position == 0 ? std::string_view::npos : data.rfind('\n', position - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// The key a run is the value of: `key: RUN`, `"key": "RUN"`, `key=RUN`; empty otherwise.
std::string assigned_key(std::string_view data, std::size_t run_begin) {
  std::string_view before =
      data.substr(line_start_of(data, run_begin), run_begin - line_start_of(data, run_begin));
  before = trim(before);
  if (!before.empty() && (before.back() == '"' || before.back() == '\'')) before.remove_suffix(1);
  before = trim(before);
  if (before.empty() || (before.back() != ':' && before.back() != '=')) return {};
  before.remove_suffix(1);
  before = trim(before);
  if (!before.empty() && (before.back() == '"' || before.back() == '\'')) before.remove_suffix(1);
  std::size_t begin = before.size();
  while (begin > 0 &&
         (std::isalnum(static_cast<unsigned char>(before[begin - 1])) || before[begin - 1] == '_' ||
          before[begin - 1] == '-' || before[begin - 1] == '.'))
    --begin;
  return std::string(before.substr(begin));
}

// metadata.name of the Kubernetes `kind: Secret` YAML document holding `position`; empty if
// the document is not a Secret.
std::string kubernetes_secret_name(std::string_view data, std::size_t position) {
  std::size_t begin = data.rfind("\n---", position);
  begin = begin == std::string_view::npos ? 0 : begin + 4;
  std::size_t end = data.find("\n---", position);
  if (end == std::string_view::npos) end = data.size();
  const std::string_view document = data.substr(begin, end - begin);
  bool secret = false;
  bool in_metadata = false;
  std::string name;
  std::size_t line_begin = 0;
  while (line_begin < document.size()) {
    std::size_t line_end = document.find('\n', line_begin);
    if (line_end == std::string_view::npos) line_end = document.size();
    const std::string_view line = document.substr(line_begin, line_end - line_begin);
    const std::string_view content = trim(line);
    const bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    if (!indented) {
      in_metadata = content == "metadata:";
      if (content == "kind: Secret" || content == "kind: \"Secret\"") secret = true;
    } else if (in_metadata && name.empty() && content.starts_with("name:")) {
      std::string_view value = trim(content.substr(5));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
        value.remove_prefix(1);
        value.remove_suffix(1);
      }
      name = std::string(value);
    }
    line_begin = line_end + 1;
  }
  return secret ? name : std::string();
}

// "user:password" (docker auth entries, HTTP Basic credentials): the password, else empty.
std::string_view basic_credentials_password(std::string_view decoded) {
  const std::size_t colon = decoded.find(':');
  if (colon == 0 || colon == std::string_view::npos ||
      decoded.find(':', colon + 1) != std::string_view::npos)
    return {};
  if (std::any_of(decoded.begin(), decoded.end(), [](char c) { return c <= ' ' || c == 0x7F; }))
    return {};
  return decoded.substr(colon + 1);
}

}  // namespace

Result<void> scan_decoded(Scanner& scanner, std::string_view data, const DecodeScanOptions& options,
                          const Provenance& provenance, std::vector<Finding>& findings) {
  if (options.max_depth == 0 || data.empty()) return {};
  std::vector<DecodedSegment> segments;
  decode_runs(data, segments);
  const std::size_t plain_count = findings.size();
  const std::vector<Rule>& rules = scanner.database().rules();
  for (const DecodedSegment& segment : segments) {
    if (segment.begin < options.keep_begin || segment.begin >= options.keep_end) continue;
    // A value assigned to a key is scanned as `key: value`, so that keyword-anchored rules see
    // the key (a Kubernetes Secret's `password`); `user:password` adds a password line.
    const std::string key = assigned_key(data, segment.begin);
    const std::string_view password = basic_credentials_password(segment.text);
    std::string context;
    if (!key.empty() && password.empty() && segment.text.find('\n') == std::string::npos)
      context = key + ": ";
    std::string text = context + segment.text + "\n";
    if (!password.empty()) text += "password: " + std::string(password) + "\n";
    std::vector<DecodedHit> hits;
    if (auto scanned = collect(scanner, text, context.size(), options.max_depth,
                               std::string(to_string(segment.encoding)), hits);
        !scanned)
      return scanned;
    if (hits.empty()) continue;
    const std::string secret_name = kubernetes_secret_name(data, segment.begin);
    const std::size_t segment_first = findings.size();
    const bool specific_hit = std::any_of(
        hits.begin(), hits.end(), [&](const DecodedHit& hit) { return !rules[hit.rule].generic; });
    for (DecodedHit& hit : hits) {
      const bool generic = rules[hit.rule].generic;
      if (generic && specific_hit) continue;  // as drop_generic_overlaps does for plain text
      const std::uint64_t run_begin = options.base_offset + segment.begin;
      const std::uint64_t run_end = options.base_offset + segment.end;
      auto same_secret = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
          const Finding& other = findings[i];
          if (other.secret == hit.secret && other.offset < run_end && run_begin < other.end_offset)
            return true;
        }
        return false;
      };
      if (same_secret(0, plain_count) || same_secret(segment_first, findings.size())) continue;
      // A provider rule that matched the encoded value itself (docker-config-auth) already
      // names the credential: a generic finding in its decoding adds nothing.
      const bool covered_by_specific =
          generic &&
          std::any_of(findings.begin(), findings.begin() + static_cast<std::ptrdiff_t>(plain_count),
                      [&](const Finding& other) {
                        return other.rule && !other.rule->generic && other.offset <= run_begin &&
                               run_end <= other.end_offset;
                      });
      if (covered_by_specific) continue;
      // A generic match of the encoded bytes (`password: <base64>`) yields to the decoded
      // finding of the same rule or of a provider rule, which has the true secret and fingerprint.
      for (std::size_t i = 0; i < plain_count; ++i) {
        Finding& other = findings[i];
        if (other.rule && other.rule->generic && (!generic || other.rule == &rules[hit.rule]) &&
            other.offset < run_end && run_begin < other.end_offset)
          other.rule = nullptr;  // removed below
      }
      std::vector<Finding> located;
      locate_findings(
          data,
          {Match{hit.rule, segment.begin, segment.end, segment.begin, segment.end, hit.entropy}},
          rules, options.base_offset, 0, provenance, located);
      Finding& finding = located.front();
      finding.secret = std::move(hit.secret);
      finding.fingerprint = fingerprint(finding.rule->id, finding.secret);
      finding.confidence = hit.confidence;
      finding.encoding = std::move(hit.chain);
      if (!secret_name.empty())
        finding.provenance.fields.emplace_back("kubernetes_secret", secret_name);
      if (!key.empty()) finding.provenance.fields.emplace_back("key", key);
      findings.push_back(std::move(finding));
    }
  }
  std::erase_if(findings, [](const Finding& finding) { return finding.rule == nullptr; });
  return {};
}

}  // namespace leakhound
