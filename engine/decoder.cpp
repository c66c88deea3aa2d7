#include "engine/decoder.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <tuple>

#include "engine/overlaps.h"
#include "engine/text.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define LEAKHOUND_DECODER_AVX2 1
// The AVX2 functions also count bits with LZCNT and TZCNT (every AVX2 CPU has them): the
// baseline's BSR and BSF need a branch for zero.
#define LEAKHOUND_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,lzcnt,popcnt")))
// AVX-512 with VBMI looks up a byte's class in a 128-entry table in one instruction and tests
// 64 bytes into a mask register.
#define LEAKHOUND_AVX512_TARGET \
  __attribute__((target("avx2,avx512f,avx512bw,avx512vbmi,bmi,bmi2,lzcnt,popcnt")))
// The scalar part both wide scans share.
#define LEAKHOUND_BITS_TARGET __attribute__((target("bmi,bmi2,lzcnt,popcnt")))
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

constexpr std::array<std::int8_t, 256> make_hex_values() {
  std::array<std::int8_t, 256> values{};
  for (int c = 0; c < 256; ++c)
    values[c] = static_cast<std::int8_t>(c >= '0' && c <= '9'   ? c - '0'
                                         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                                : -1);
  return values;
}
constexpr std::array<std::int8_t, 256> kHexValues = make_hex_values();

// By table: hashes mix digits and letters at random, and a branch per digit mispredicts.
int hex_value(char c) {
  return kHexValues[static_cast<unsigned char>(c)];
}

constexpr std::array<std::uint8_t, 256> make_base64_values() {
  std::array<std::uint8_t, 256> values{};
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 62; ++i)
    values[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  values['+'] = values['-'] = 62;  // a run holds one alphabet or the other, never both
  values['/'] = values['_'] = 63;
  return values;
}
constexpr std::array<std::uint8_t, 256> kBase64Values = make_base64_values();

// Decodes a run (only alphabet characters) four characters at a time into `buffer`, which
// is reused from run to run so that rejected runs cost no allocation.
std::string_view decode_base64(std::string_view run, std::string& buffer) {
  if (run.size() % 4 == 1) run.remove_suffix(1);  // a lone trailing character carries no byte
  if (buffer.size() < run.size() / 4 * 3 + 2) buffer.resize(run.size() / 4 * 3 + 2);
  const auto* in = reinterpret_cast<const unsigned char*>(run.data());
  const auto* const in_end = in + run.size() / 4 * 4;
  char* out = buffer.data();
  auto value = [](unsigned char c) { return static_cast<std::uint32_t>(kBase64Values[c]); };
  for (; in != in_end; in += 4, out += 3) {
    const std::uint32_t bits =
        value(in[0]) << 18 | value(in[1]) << 12 | value(in[2]) << 6 | value(in[3]);
    out[0] = static_cast<char>(bits >> 16);
    out[1] = static_cast<char>(bits >> 8 & 0xFF);
    out[2] = static_cast<char>(bits & 0xFF);
  }
  const std::size_t rest = run.size() % 4;  // 0, 2 or 3: one or two more bytes
  if (rest >= 2) {
    const std::uint32_t bits =
        value(in[0]) << 18 | value(in[1]) << 12 | (rest == 3 ? value(in[2]) << 6 : 0);
    *out++ = static_cast<char>(bits >> 16);
    if (rest == 3) *out++ = static_cast<char>(bits >> 8 & 0xFF);
  }
  return {buffer.data(), static_cast<std::size_t>(out - buffer.data())};
}

// Hashes and keys are random bytes: half of their pairs have a high bit, text's have none.
// Decides from the first eight pairs before anything is decoded.
bool hex_may_be_text(std::string_view run) {
  int high = 0;
  for (std::size_t i = 0; i < 16 && i < run.size(); i += 2)
    high += hex_value(run[i]) >= 8 ? 1 : 0;
  return high <= 1;
}

std::string_view decode_hex(std::string_view run, std::string& buffer) {
  if (buffer.size() < run.size() / 2) buffer.resize(run.size() / 2);
  for (std::size_t i = 0; i + 1 < run.size(); i += 2)
    buffer[i / 2] = static_cast<char>(hex_value(run[i]) * 16 + hex_value(run[i + 1]));
  return {buffer.data(), run.size() / 2};
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

// Whether the escape at `text[i]` (a '\') could hide a secret's character: \u with four hex
// digits, \x with one, octal, \/. Strings whose escapes are only \n and \" are left alone.
bool hiding_escape(std::string_view text, std::size_t i) {
  if (i + 1 >= text.size()) return false;
  const char kind = text[i + 1];
  if (kind == '/' || (kind >= '0' && kind <= '7')) return true;
  if (kind == 'x') return i + 2 < text.size() && hex_value(text[i + 2]) >= 0;
  return kind == 'u' && i + 5 < text.size() && hex_value(text[i + 2]) >= 0 &&
         hex_value(text[i + 3]) >= 0 && hex_value(text[i + 4]) >= 0 && hex_value(text[i + 5]) >= 0;
}

// Whether a run has a hiding escape, by the same left-to-right walk as decode_escapes (the
// byte after a '\' never starts an escape), without building the decoded text.
bool escapes_hide(std::string_view run) {
  for (std::size_t i = run.find('\\'); i != std::string_view::npos && i + 1 < run.size();
       i = run.find('\\', i + 2)) {
    if (hiding_escape(run, i)) return true;
  }
  return false;
}

// Decodes \uXXXX, \xNN, octal and the single-character escapes of JSON and C into `out`.
std::string_view decode_escapes(std::string_view run, std::string& out) {
  out.clear();
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
    } else if (kind == 'x' && hex_digits(i + 1, 2) > 0) {
      const std::size_t digits = hex_digits(i + 1, 2);
      int value = 0;
      for (std::size_t k = 1; k <= digits; ++k)
        value = value * 16 + hex_value(run[i + k]);
      out += static_cast<char>(value);
      i += digits;
    } else if (kind >= '0' && kind <= '7') {
      int value = 0;
      std::size_t digits = 0;
      while (digits < 3 && i + digits < run.size() && run[i + digits] >= '0' &&
             run[i + digits] <= '7')
        value = value * 8 + (run[i + digits++] - '0');
      out += static_cast<char>(value & 0xFF);
      i += digits - 1;
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
          break;
        default:
          out += kind;
          break;  // \" \' \\ and unknown escapes: the character itself
      }
    }
  }
  return out;
}

std::string_view decode_percent(std::string_view run, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (run[i] == '%' && i + 2 < run.size() + 0 && hex_value(run[i + 1]) >= 0 &&
        hex_value(run[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(run[i + 1]) * 16 + hex_value(run[i + 2]));
      i += 2;
    } else {
      out += run[i];
    }
  }
  return out;
}

#if defined(__SSE2__)
// Bytes in [low, low + count), in two operations: shifted by 0x80 - low, the range starts at
// -128 and a signed compare ends it.
__m128i in_range(__m128i bytes, char low, int count) {
  return _mm_cmplt_epi8(_mm_add_epi8(bytes, _mm_set1_epi8(static_cast<char>(0x80 - low))),
                        _mm_set1_epi8(static_cast<char>(-0x80 + count)));
}

__m128i equal(__m128i bytes, char c) {
  return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c));
}

std::uint32_t bits(__m128i mask) {
  return static_cast<std::uint32_t>(_mm_movemask_epi8(mask));
}

// The scan's test, one bit per byte of a 16-byte block: run characters, and '%' or '\'.
struct BlockMasks {
  std::uint32_t run;
  std::uint32_t special;
};

BlockMasks classify(const char* block) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
  const __m128i letter = in_range(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), 'a', 26);
  const __m128i slash_digit = in_range(bytes, '/', 11);
  const __m128i extras =
      _mm_or_si128(_mm_or_si128(equal(bytes, '+'), equal(bytes, '-')), equal(bytes, '_'));
  return {bits(_mm_or_si128(_mm_or_si128(letter, slash_digit), extras)),
          bits(_mm_or_si128(equal(bytes, '%'), equal(bytes, '\\')))};
}

// A run's extent and alphabet, 16 bytes at a time.
struct RunMasks {
  std::uint32_t run;
  std::uint32_t standard;  // '+' '/'
  std::uint32_t url_safe;  // '-' '_'
  std::uint32_t hex;
};

RunMasks classify_run(const char* block) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
  const __m128i lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
  const __m128i letter = in_range(lower, 'a', 26);
  const __m128i digit = in_range(bytes, '0', 10);
  const __m128i standard = _mm_or_si128(equal(bytes, '+'), equal(bytes, '/'));
  const __m128i url_safe = _mm_or_si128(equal(bytes, '-'), equal(bytes, '_'));
  const __m128i hex = _mm_or_si128(digit, in_range(lower, 'a', 6));
  return {bits(_mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(standard, url_safe))),
          bits(standard), bits(url_safe), bits(hex)};
}
#endif

#if defined(LEAKHOUND_DECODER_AVX2)
// Each byte's class over 32 bytes with AVX2 (chosen at run time), looked up by its low and
// its high nibble (two shuffles) and the two bit sets intersected; bytes from 0x80 have none.
LEAKHOUND_AVX2_TARGET inline __m256i nibble_classes(const char* block, __m256i by_low,
                                                    __m256i by_high) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
  return _mm256_and_si256(
      _mm256_shuffle_epi8(by_low, _mm256_and_si256(bytes, nibble)),
      _mm256_shuffle_epi8(by_high, _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble)));
}

LEAKHOUND_AVX2_TARGET inline std::uint32_t wide_bits(__m256i lanes) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(lanes));
}

// The bytes whose class has any of `bits` (the compare marks those without: complemented).
LEAKHOUND_AVX2_TARGET inline std::uint32_t with_class(__m256i classes, char bits) {
  return ~wide_bits(
      _mm256_cmpeq_epi8(_mm256_and_si256(classes, _mm256_set1_epi8(bits)), _mm256_setzero_si256()));
}

// The scan's test over 32 bytes: bits 0-4 mark the run alphabet (A-O a-o, P-Z p-z, '_',
// digits, '+' '-' '/'), bit 5 '%' and bit 6 '\'.
struct WideMasks {
  std::uint64_t run;
  std::uint64_t special;
};

LEAKHOUND_AVX2_TARGET inline WideMasks classify_wide(const char* block) {
  const __m256i classes = nibble_classes(
      block,
      _mm256_setr_epi8(0x0A, 0x0B, 0x0B, 0x0B, 0x0B, 0x2B, 0x0B, 0x0B, 0x0B, 0x0B, 0x03, 0x11, 0x41,
                       0x11, 0x01, 0x15, 0x0A, 0x0B, 0x0B, 0x0B, 0x0B, 0x2B, 0x0B, 0x0B, 0x0B, 0x0B,
                       0x03, 0x11, 0x41, 0x11, 0x01, 0x15),
      _mm256_setr_epi8(0, 0, 0x30, 0x08, 0x01, 0x46, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30,
                       0x08, 0x01, 0x46, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0));
  return {with_class(classes, 0x1F), with_class(classes, 0x60)};
}

// A run's extent and alphabet over 32 bytes, looked up as classify_wide does: bit 0 A-O a-o,
// bit 1 P-Z p-z, bit 2 digits, bit 3 '+' '/', bit 4 '-', bit 5 '_', bit 6 A-F a-f.
struct WideRunMasks {
  std::uint32_t run;
  std::uint32_t standard;
  std::uint32_t url_safe;
  std::uint32_t hex;
};

LEAKHOUND_AVX2_TARGET inline WideRunMasks classify_run_wide(const char* block) {
  const __m256i classes = nibble_classes(
      block,
      _mm256_setr_epi8(0x06, 0x47, 0x47, 0x47, 0x47, 0x47, 0x47, 0x07, 0x07, 0x07, 0x03, 0x09, 0x01,
                       0x11, 0x01, 0x29, 0x06, 0x47, 0x47, 0x47, 0x47, 0x47, 0x47, 0x07, 0x07, 0x07,
                       0x03, 0x09, 0x01, 0x11, 0x01, 0x29),
      _mm256_setr_epi8(0, 0, 0x18, 0x04, 0x41, 0x22, 0x41, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x18,
                       0x04, 0x41, 0x22, 0x41, 0x02, 0, 0, 0, 0, 0, 0, 0, 0));
  return {with_class(classes, 0x3F), with_class(classes, 0x08), with_class(classes, 0x30),
          with_class(classes, 0x44)};
}

// The two 32-bit halves of a 64-byte block's mask as one.
inline std::uint64_t join_halves(std::uint32_t low, std::uint32_t high) {
  return low | std::uint64_t{high} << 32;
}

// What the AVX-512 scan's filter of '%' and '\' needs, over 32 bytes with AVX2 compares: the
// two characters, hex digits, and the bytes that may follow a '\' in a hiding escape.
struct SpecialMasks {
  std::uint32_t percent;
  std::uint32_t backslash;
  std::uint32_t hex;
  std::uint32_t kind;
};

LEAKHOUND_AVX2_TARGET inline __m256i in_range_wide(__m256i bytes, char low, int count) {
  return _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(-0x80 + count)),
                           _mm256_add_epi8(bytes, _mm256_set1_epi8(static_cast<char>(0x80 - low))));
}

LEAKHOUND_AVX2_TARGET inline __m256i equal_wide(__m256i bytes, char c) {
  return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(c));
}

LEAKHOUND_AVX2_TARGET inline SpecialMasks classify_specials_wide(const char* block) {
  const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
  const __m256i hex =
      _mm256_or_si256(in_range_wide(bytes, '0', 10),
                      in_range_wide(_mm256_or_si256(bytes, _mm256_set1_epi8(0x20)), 'a', 6));
  const __m256i kind =
      _mm256_or_si256(_mm256_or_si256(equal_wide(bytes, 'u'), equal_wide(bytes, 'x')),
                      _mm256_or_si256(equal_wide(bytes, '/'), in_range_wide(bytes, '0', 8)));
  return {wide_bits(equal_wide(bytes, '%')), wide_bits(equal_wide(bytes, '\\')), wide_bits(hex),
          wide_bits(kind)};
}

// The events among a 64-byte block's '%' and '\' (bit masks): a '%' before two hex digits and
// a '\' before an escape kind; the block's last ones stay, the bytes after them unknown here.
inline std::uint64_t hiding_specials(std::uint64_t percent, std::uint64_t backslash,
                                     std::uint64_t hex, std::uint64_t kind) {
  constexpr std::uint64_t kLast = std::uint64_t{1} << 63;
  return (percent & (hex >> 1 | kLast) & (hex >> 2 | kLast | kLast >> 1)) |
         (backslash & (kind >> 1 | kLast));
}

bool has_avx2() {
  // LZCNT by CPUID (clang's __builtin_cpu_supports does not know it): ABM, leaf 0x80000001.
  static const bool supported = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool lzcnt = __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_LZCNT);
    return lzcnt && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  }();
  return supported;
}

bool has_avx512() {
  static const bool supported = has_avx2() && __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vbmi");
  return supported;
}

// The classes of ASCII bytes for the AVX-512 lookup: kClasses, '%', '\', and the bytes after
// a '\' that may start a hiding escape (see hiding_escape).
constexpr std::uint8_t kPercentSign = 16;
constexpr std::uint8_t kBackslash = 32;
constexpr std::uint8_t kEscapeKind = 64;
constexpr std::uint8_t kHighHexDigit = 128;  // 8-9 a-f A-F: hex_may_be_text's high bit

constexpr std::array<std::uint8_t, 128> make_ascii_classes() {
  std::array<std::uint8_t, 128> classes{};
  for (int c = 0; c < 128; ++c)
    classes[c] = static_cast<std::uint8_t>(
        kClasses[c] | (c == '%' ? kPercentSign : 0) | (c == '\\' ? kBackslash : 0) |
        (c == 'u' || c == 'x' || c == '/' || (c >= '0' && c <= '7') ? kEscapeKind : 0) |
        (kHexValues[c] >= 8 ? kHighHexDigit : 0));
  return classes;
}
alignas(64) constexpr std::array<std::uint8_t, 128> kAsciiClasses = make_ascii_classes();

// 64 bytes' classes (bytes from 0x80 have none): test() gives the mask of those in a class.
struct Classes512 {
  __m512i classes;
  __mmask64 ascii;

  LEAKHOUND_AVX512_TARGET explicit Classes512(const char* block) {
    const __m512i bytes = _mm512_loadu_si512(block);
    ascii = _knot_mask64(_mm512_movepi8_mask(bytes));
    classes = _mm512_permutex2var_epi8(_mm512_load_si512(kAsciiClasses.data()), bytes,
                                       _mm512_load_si512(kAsciiClasses.data() + 64));
  }

  LEAKHOUND_AVX512_TARGET std::uint64_t test(std::uint8_t bits) const {
    return _cvtmask64_u64(
        _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(static_cast<char>(bits))));
  }
};
#endif

// set_decoder_path's choice; LEAKHOUND_DECODER_PATH=sse2 or avx2 in the environment starts
// with that one.
std::atomic<DecoderPath>& chosen_path() {
  static std::atomic<DecoderPath> path{[] {
    const char* chosen = std::getenv("LEAKHOUND_DECODER_PATH");
    const std::string_view name = chosen == nullptr ? "" : chosen;
    return name == "sse2"   ? DecoderPath::sse2
           : name == "avx2" ? DecoderPath::avx2
                            : DecoderPath::widest;
  }()};
  return path;
}

// The block scans a RunFinder uses.
enum class BlockScan : std::uint8_t { sse2, avx2, avx512 };

BlockScan block_scan() {
#if defined(LEAKHOUND_DECODER_AVX2)
  const DecoderPath path = chosen_path().load(std::memory_order_relaxed);
  if (path == DecoderPath::widest && has_avx512()) return BlockScan::avx512;
  if (path != DecoderPath::sse2 && has_avx2()) return BlockScan::avx2;
#endif
  return BlockScan::sse2;
}

constexpr std::size_t kNoRun = SIZE_MAX;  // no run starts in a block

// Bit i: bits i .. i+15 of `window` are all set (16 run characters in a row start there).
template <typename Mask>
Mask sixteen_in_a_row(Mask window) {
  Mask sixteen = window & (window >> 1);
  sixteen &= sixteen >> 2;
  sixteen &= sixteen >> 4;
  return sixteen & (sixteen >> 8);
}

// Classes of decoded bytes for surely_binary: never text (controls but tab, LF and CR; DEL;
// C0, C1 and F8-FF, which no UTF-8 sequence holds), a continuation byte (80-BF), a byte after
// which no sequence can go on (ASCII and the never-text bytes), and a lead byte (C2-F7).
constexpr std::uint8_t kNeverText = 1;
constexpr std::uint8_t kContinuation = 2;
constexpr std::uint8_t kEndsSequences = 4;
constexpr std::uint8_t kLead = 8;

constexpr std::array<std::uint8_t, 256> make_text_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    const bool never = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ||
                       c == 0xC0 || c == 0xC1 || c >= 0xF8;
    classes[c] = static_cast<std::uint8_t>(
        (never ? kNeverText : 0) | (c >= 0x80 && c < 0xC0 ? kContinuation : 0) |
        (never || c < 0x80 ? kEndsSequences : 0) | (c >= 0xC2 && c < 0xF8 ? kLead : 0));
  }
  return classes;
}
constexpr std::array<std::uint8_t, 256> kTextClasses = make_text_classes();

// Whether more than `allowed` bytes of `bytes` are outside text by a lower bound of what
// looks_like_text counts, true of any prefix of a text: the never-text bytes, the continuation
// bytes that follow a byte ending sequences, and the lead bytes not followed by a continuation
// byte (none of these can be part of a sequence, whatever follows). Without branches but a
// check every eight bytes, so that most decoded identifiers, hashes and random bytes are
// rejected after their first few bytes.
bool surely_binary(std::string_view bytes, std::size_t allowed) {
  std::size_t count = 0;
  unsigned after_end = 1;
  unsigned after_lead = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned classes = kTextClasses[static_cast<unsigned char>(bytes[i])];
    const unsigned continuation = (classes >> 1) & 1;
    count += (classes & kNeverText) + (continuation & after_end) + (after_lead & ~continuation);
    after_end = (classes >> 2) & 1;
    after_lead = (classes >> 3) & 1;
    if ((i & 7) == 7 && count > allowed) return true;
  }
  return count > allowed;
}

// Whether the first 16 characters of a base64 run (12 bytes) hold more than `allowed` bytes
// outside text by surely_binary's bound: straight-line code for the common case, identifiers
// and random strings that decode to bytes that are plainly not text.
bool base64_head_binary(const char* run, std::size_t allowed) {
  // The text classes of the 12 bytes, one nibble each, gathered without a dependency chain.
  std::uint64_t nibbles[4];
  for (int quad = 0; quad < 4; ++quad) {
    const char* in = run + 4 * quad;
    const auto value = [&](int i) {
      return static_cast<std::uint32_t>(kBase64Values[static_cast<unsigned char>(in[i])]);
    };
    const std::uint32_t bits = value(0) << 18 | value(1) << 12 | value(2) << 6 | value(3);
    nibbles[quad] = (std::uint64_t{kTextClasses[bits >> 16]} |
                     std::uint64_t{kTextClasses[bits >> 8 & 0xFF]} << 4 |
                     std::uint64_t{kTextClasses[bits & 0xFF]} << 8)
                    << (12 * quad);
  }
  const std::uint64_t classes = (nibbles[0] | nibbles[1]) | (nibbles[2] | nibbles[3]);
  constexpr std::uint64_t kLow = 0x111111111111;  // bit 0 of each of the 12 nibbles
  const std::uint64_t never = classes & kLow;
  const std::uint64_t after_end = ((classes >> 2) & kLow) << 4 | 1;
  const std::uint64_t orphans = (classes >> 1) & after_end & kLow;
  // A lead byte of the first 11 whose next byte is no continuation byte.
  const std::uint64_t broken = (classes >> 3) & ~(classes >> 5) & (kLow >> 4);
  // The three sets are disjoint; their size by one multiply (no nibble sum exceeds 12, so no
  // carries): std::popcount is a library call on baseline x86-64, 2% of a stream scan.
  return static_cast<std::size_t>(((never | orphans | broken) * kLow) >> 44 & 0xF) > allowed;
}

#if defined(LEAKHOUND_DECODER_AVX2)
// base64_head_binary with SSSE3-AVX2 instructions, the same answer in a quarter of the
// instructions: the 16 characters are mapped to their 6-bit values (by high nibble, with '+'
// '-' '/' and '_' apart), packed into 12 bytes by two multiply-adds, and the bytes classified
// by compares into bit masks.
LEAKHOUND_AVX2_TARGET bool base64_head_binary_avx2(const char* run, std::size_t allowed) {
  const __m128i chars = _mm_loadu_si128(reinterpret_cast<const __m128i*>(run));
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(chars, 4), nibble);
  // Value minus character: digits +4, A-Z -65, a-z -71; for 0x2B '+' and 0x2D '-' (62) and
  // 0x2F '/' (63) by low nibble; '_' (63) below.
  const __m128i by_high = _mm_setr_epi8(0, 0, 0, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i by_low = _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 17, 0, 16);
  __m128i offset = _mm_blendv_epi8(_mm_shuffle_epi8(by_high, high),
                                   _mm_shuffle_epi8(by_low, _mm_and_si128(chars, nibble)),
                                   _mm_cmpeq_epi8(high, _mm_set1_epi8(2)));
  offset = _mm_blendv_epi8(offset, _mm_set1_epi8(-32), _mm_cmpeq_epi8(chars, _mm_set1_epi8('_')));
  const __m128i values = _mm_add_epi8(chars, offset);
  // Each 32-bit lane: v0 << 18 | v1 << 12 | v2 << 6 | v3, its three bytes high first.
  const __m128i pairs = _mm_maddubs_epi16(values, _mm_set1_epi32(0x01400140));
  const __m128i quads = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00011000));
  const __m128i bytes = _mm_shuffle_epi8(
      quads, _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
  const auto mask = [](__m128i lanes) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(lanes)) & 0xFFF;  // the 12 bytes
  };
  const auto at_most = [&](char limit) {
    return _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(limit)), bytes);
  };
  const auto at_least = [&](char limit) {
    return _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(limit)), bytes);
  };
  const auto equal_to = [&](char c) { return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c)); };
  const __m128i text_control =
      _mm_or_si128(_mm_or_si128(equal_to('\t'), equal_to('\n')), equal_to('\r'));
  const std::uint32_t never =
      mask(_mm_andnot_si128(text_control, at_most(0x1F))) |
      mask(_mm_or_si128(equal_to(0x7F), at_least(static_cast<char>(0xF8)))) |
      mask(_mm_cmpeq_epi8(_mm_and_si128(bytes, _mm_set1_epi8(static_cast<char>(0xFE))),
                          _mm_set1_epi8(static_cast<char>(0xC0))));
  const std::uint32_t continuation =
      mask(_mm_cmpeq_epi8(_mm_and_si128(bytes, _mm_set1_epi8(static_cast<char>(0xC0))),
                          _mm_set1_epi8(static_cast<char>(0x80))));
  const std::uint32_t lead =
      mask(_mm_and_si128(at_least(static_cast<char>(0xC2)), at_most(static_cast<char>(0xF7))));
  const std::uint32_t ends =
      (~static_cast<std::uint32_t>(_mm_movemask_epi8(bytes)) & 0xFFF) | never;
  const std::uint32_t orphans = continuation & (ends << 1 | 1);
  const std::uint32_t broken = lead & ~(continuation >> 1) & 0x7FF;
  return static_cast<std::size_t>(_mm_popcnt_u32(never | orphans | broken)) > allowed;
}
#endif

// The size of a base64 run's decoding (a lone trailing character carries no byte).
std::size_t decoded_base64_size(std::size_t length) {
  return length * 3 / 4;  // 4k + r characters: 3k bytes and 0, 0, 1 or 2 more for r = 0..3
}

std::size_t allowed_non_text(std::size_t size, double max_non_printable) {
  return static_cast<std::size_t>(max_non_printable * static_cast<double>(size));
}

// Decoded bytes of the run at hand: one buffer per thread, reused, so that the many runs that
// are rejected (identifiers, hashes, random bytes) cost no allocation.
std::string& scratch_buffer() {
  thread_local std::string buffer;
  return buffer;
}

class RunFinder {
 public:
  RunFinder(std::string_view data, std::vector<DecodedSegment>& out, const DecoderLimits& limits)
      : data_(data),
        out_(out),
        limits_(limits),
        first_(out.size()),
        buffer_(scratch_buffer()),
        scan_(block_scan()) {}

  void run() {
    const std::size_t size = data_.size();
    std::size_t position = 0;
    std::uint32_t previous = 0;  // the run characters of the last 16 bytes scanned
#if defined(LEAKHOUND_DECODER_AVX2)
    if (scan_ == BlockScan::avx512) position = scan_512(position, previous);
    if (scan_ == BlockScan::avx2) position = scan_wide(position, previous);
#endif
#if defined(__SSE2__)
    position = scan_blocks(position, previous);
#endif
    while (position < size && !full())
      position = examine_block(position, size);
    std::stable_sort(out_.begin() + static_cast<std::ptrdiff_t>(first_), out_.end(),
                     [](const DecodedSegment& a, const DecodedSegment& b) {
                       // A total order: the block scans may find runs that start together in either
                       // order.
                       return std::tie(a.begin, a.end, a.encoding) <
                              std::tie(b.begin, b.end, b.encoding);
                     });
  }

 private:
  bool full() const {
    return emitted_ >= limits_.max_segments;
  }

  // The block scans: a bit mask of run characters over this block and the previous one shows
  // whether 16 of them follow each other (a candidate run); '%' and '\' are rare. Blocks with
  // neither are skipped without looking at single bytes. Each returns where it stopped: the
  // last bytes, less than a block, are looked at one by one.
#if defined(__SSE2__)
  std::size_t scan_blocks(std::size_t position, std::uint32_t previous) {
    const char* const data = data_.data();
    const std::size_t size = data_.size();
    while (position + 16 <= size) {
      const BlockMasks masks = classify(data + position);
      const std::uint32_t sixteen = sixteen_in_a_row(previous | (masks.run << 16));
      if (sixteen == 0 && masks.special == 0) {
        previous = masks.run;
        position += 16;
        continue;
      }
      const std::size_t start =
          sixteen == 0 ? kNoRun
                       : position - 16 + static_cast<std::size_t>(std::countr_zero(sixteen));
      position = on_event(position, 16, masks.run, masks.special, start, previous);
    }
    return position;
  }
#endif

#if defined(LEAKHOUND_DECODER_AVX2)
  // The wide scans go 64 bytes at a time in two passes over 4 KiB at a time: the first
  // classifies the blocks and notes, without a branch, those that hold something to look at;
  // the second looks at those. Runs are noted at their start, where 16 run characters follow
  // it, so that each is noted once whatever the blocks before held.
  struct WideEvent {
    std::size_t position;  // the block's
    std::uint64_t starts;  // of runs in the block
    std::uint64_t special;
    std::size_t across;  // the start of a run that begins in the block before, or kNoRun
  };
  static constexpr std::size_t kWideChunk = 64;  // blocks

  // Each returns where the SSE2 scan goes on and the run characters of the last 16 bytes it
  // looked at.
  LEAKHOUND_AVX2_TARGET std::size_t scan_wide(std::size_t position, std::uint32_t& last_sixteen) {
    std::uint64_t previous = 0;
    std::array<WideEvent, kWideChunk> events;
    while (position + 64 <= data_.size()) {
      std::size_t count = 0;
      const std::size_t chunk_end = std::min(data_.size() - 63, position + kWideChunk * 64);
      for (; position < chunk_end; position += 64) {
        const WideMasks low = classify_wide(data_.data() + position);
        const WideMasks high = classify_wide(data_.data() + position + 32);
        std::uint64_t special = low.special | high.special << 32;
        if (__builtin_expect(special != 0, 0)) special = hiding_specials_avx2(position);
        note_block(events[count], count, position, low.run | high.run << 32, special, previous);
      }
      if (!examine_events(events.data(), count)) return data_.size();
    }
    return wide_scan_end(position, previous, last_sixteen);
  }

  LEAKHOUND_AVX512_TARGET std::size_t scan_512(std::size_t position, std::uint32_t& last_sixteen) {
    std::uint64_t previous = 0;
    std::array<WideEvent, kWideChunk> events;
    while (position + 64 <= data_.size()) {
      std::size_t count = 0;
      const std::size_t chunk_end = std::min(data_.size() - 63, position + kWideChunk * 64);
      for (; position < chunk_end; position += 64) {
        const Classes512 classes(data_.data() + position);
        std::uint64_t special = classes.test(kPercentSign | kBackslash);
        if (__builtin_expect(special != 0, 0))
          special = hiding_specials(classes.test(kPercentSign), classes.test(kBackslash),
                                    classes.test(kHexDigit), classes.test(kEscapeKind));
        note_block(events[count], count, position, classes.test(kRun), special, previous);
      }
      if (!examine_events(events.data(), count)) return data_.size();
    }
    return wide_scan_end(position, previous, last_sixteen);
  }

  // Fills `event` for the block at `position` and counts it if it holds something: a run's
  // start with 16 run characters after it in the block, a run that began in the block before
  // with fewer than 16 there and reaches 16 in this one, or a '%' or '\'.
  LEAKHOUND_BITS_TARGET static void note_block(WideEvent& event, std::size_t& count,
                                               std::size_t position, std::uint64_t run,
                                               std::uint64_t special, std::uint64_t& previous) {
    const std::uint64_t starts = run & ~(run << 1 | previous >> 63) & sixteen_in_a_row(run);
    const auto before = static_cast<std::size_t>(_lzcnt_u64(~previous));
    const bool across = before - 1 < 15 && before + _tzcnt_u64(~run) >= 16;
    event = {position, starts, special, across ? position - before : kNoRun};
    count += static_cast<std::size_t>(((starts | special) != 0) | across);
    previous = run;
  }

  // The second pass over the noted blocks, in order; false once the segments are full.
  bool examine_events(const WideEvent* events, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      const WideEvent& event = events[i];
      examine_specials(event.position, event.special);
      if (event.across != kNoRun) examine_run(event.across);
      for (std::uint64_t starts = event.starts; starts != 0; starts &= starts - 1)
        examine_run(event.position + static_cast<std::size_t>(std::countr_zero(starts)));
      if (full()) return false;
    }
    return true;
  }

  // The run noted at `start`, unless examined already.
  void examine_run(std::size_t start) {
    if (start < run_done_) return;
    const bool nothing =
        scan_ == BlockScan::avx512 ? nothing_in_run_512(start) : nothing_in_run_avx2(start);
    if (!nothing) alphabet_run(start);
  }

  // nothing_in_run_512 with AVX2 (two 32-byte classifications).
  LEAKHOUND_AVX2_TARGET bool nothing_in_run_avx2(std::size_t start) {
    if (start + 64 > data_.size()) return false;
    const WideRunMasks low = classify_run_wide(data_.data() + start);
    const WideRunMasks high = classify_run_wide(data_.data() + start + 32);
    const auto length = static_cast<std::size_t>(_tzcnt_u64(~join_halves(low.run, high.run)));
    if (length == 64 || length > limits_.max_run || length < limits_.min_base64) return false;
    const std::uint64_t in = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(length));
    if ((~join_halves(low.hex, high.hex) & in) == 0) {
      if (length >= limits_.min_hex && length % 2 == 0 && hex_may_be_text_avx2(start)) return false;
      run_done_ = start + length;
      return true;
    }
    const bool mixed = (join_halves(low.standard, high.standard) & in) != 0 &&
                       (join_halves(low.url_safe, high.url_safe) & in) != 0;
    if (!mixed && !base64_head_binary_avx2(
                      data_.data() + start,
                      allowed_non_text(decoded_base64_size(length), limits_.max_non_printable)))
      return false;
    run_done_ = start + length;
    return true;
  }

  // hex_may_be_text of the 16 characters at `start` (all hex digits), by one compare.
  LEAKHOUND_AVX2_TARGET bool hex_may_be_text_avx2(std::size_t start) const {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_.data() + start));
    const __m128i high = _mm_or_si128(in_range(bytes, '8', 2),
                                      in_range(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), 'a', 6));
    constexpr std::uint32_t kFirstPairs = 0x5555;  // hex_may_be_text's eight characters
    return _mm_popcnt_u32(bits(high) & kFirstPairs) <= 1;
  }

  // hiding_specials of the block at `position`, by AVX2 compares.
  LEAKHOUND_AVX2_TARGET std::uint64_t hiding_specials_avx2(std::size_t position) const {
    const SpecialMasks low = classify_specials_wide(data_.data() + position);
    const SpecialMasks high = classify_specials_wide(data_.data() + position + 32);
    return hiding_specials(join_halves(low.percent, high.percent),
                           join_halves(low.backslash, high.backslash),
                           join_halves(low.hex, high.hex), join_halves(low.kind, high.kind));
  }

  // alphabet_run's answer for most runs the AVX-512 scan notes, from one classification of the
  // 64 bytes at the run's `start`: true (and the run marked examined) if the run is shorter
  // than that and surely decodes to nothing by alphabet_run's tests (hex: too short, odd, or
  // high bits in its first pairs; base64: both alphabets, or a binary head).
  LEAKHOUND_AVX512_TARGET bool nothing_in_run_512(std::size_t start) {
    if (start + 64 > data_.size()) return false;
    const Classes512 classes(data_.data() + start);
    const auto length = static_cast<std::size_t>(_tzcnt_u64(~classes.test(kRun)));
    if (length == 64 || length > limits_.max_run || length < limits_.min_base64) return false;
    const std::uint64_t in = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(length));
    if ((~classes.test(kHexDigit) & in) == 0) {
      constexpr std::uint64_t kFirstPairs = 0x5555;  // hex_may_be_text's eight characters
      if (length >= limits_.min_hex && length % 2 == 0 &&
          std::popcount(classes.test(kHighHexDigit) & kFirstPairs) <= 1)
        return false;
    } else if (const bool mixed =
                   (classes.test(kStandard) & in) != 0 && (classes.test(kUrlSafe) & in) != 0;
               !mixed && !base64_head_binary_avx2(data_.data() + start,
                                                  allowed_non_text(decoded_base64_size(length),
                                                                   limits_.max_non_printable)))
      return false;
    run_done_ = start + length;
    return true;
  }

  // Where the SSE2 scan takes over from a wide one stopped at `position`: after the last run
  // examined if that reaches further.
  std::size_t wide_scan_end(std::size_t position, std::uint64_t previous,
                            std::uint32_t& last_sixteen) const {
    if (run_done_ >= position) {  // the last bytes belong to a run examined already
      last_sixteen = 0;
      return run_done_;
    }
    last_sixteen = static_cast<std::uint32_t>(previous >> 48);
    return position;
  }
#endif

  // A block of `width` bytes at `position` with a '%' or '\' (bits of `special`) or where 16
  // run characters start at `start` (kNoRun if not): examines those runs and returns where the
  // block scan resumes, and what it should take as the previous block's mask. Returns the end
  // of the data once the segments are full.
  template <typename Mask>
  std::size_t on_event(std::size_t position, std::size_t width, Mask run, Mask special,
                       std::size_t start, Mask& previous) {
    examine_specials(position, special);
    if (full()) return data_.size();
    if (start == kNoRun) {
      previous = run;
      return position + width;
    }
    // Resume after the run (it may end inside this block, or far beyond it); with `previous`
    // cleared, a run starting later in this block is seen when the block is looked at again.
    previous = 0;
    if (start < run_done_) return position + width;  // cannot happen: blocks resume after runs
    alphabet_run(start);
    return full() ? data_.size() : std::max(position, run_done_);
  }

  // The '%' and '\' at the bits of `special` from `position` that were not examined already.
  template <typename Mask>
  void examine_specials(std::size_t position, Mask special) {
    for (; special != 0; special &= special - 1) {
      const std::size_t at = position + static_cast<std::size_t>(std::countr_zero(special));
      if (data_[at] == '%' && at >= percent_done_) percent_run(at);
      if (data_[at] == '\\' && at >= escape_done_ && hiding_escape(data_, at)) escape_run(at);
    }
  }

  // Byte by byte over [from, to); returns where the fast scan resumes.
  std::size_t examine_block(std::size_t from, std::size_t to) {
    std::size_t position = from;
    while (position < to && !full()) {
      const char c = data_[position];
      // After a '%' or '\' run, go on from the next byte as the block scans do (the done
      // marks skip what was examined): an escaped string may hold a '%' or a base64 run.
      if (c == '%' && position >= percent_done_) {
        percent_run(position);
        ++position;
      } else if (c == '\\' && position >= escape_done_ && hiding_escape(data_, position)) {
        escape_run(position);
        ++position;
      } else if (in_run(c) && position >= run_done_) {
        position = alphabet_run(position);
      } else {
        ++position;
      }
    }
    return position;
  }

  // Where the run of the base64 alphabet at `position` ends; adds the classes of its
  // characters to `seen` (kStandard, kUrlSafe) and keeps in `all` those they all have (kHexDigit).
  std::size_t run_end(std::size_t position, std::uint8_t& seen, std::uint8_t& all) {
    std::size_t end = position;
    std::uint32_t standard = 0;
    std::uint32_t url_safe = 0;
    std::uint32_t not_hex = 0;
    bool ended = false;
#if defined(LEAKHOUND_DECODER_AVX2)
    if (scan_ == BlockScan::avx512) ended = run_end_512(end, standard, url_safe, not_hex);
    if (scan_ == BlockScan::avx2) ended = run_end_wide(end, standard, url_safe, not_hex);
#endif
#if defined(__SSE2__)
    while (!ended && end + 16 <= data_.size()) {
      const RunMasks masks = classify_run(data_.data() + end);
      // The run's bytes in this block: those before the first byte outside the alphabet.
      const auto length = static_cast<unsigned>(std::countr_zero(~masks.run));
      const std::uint32_t in = (1u << length) - 1;
      standard |= masks.standard & in;
      url_safe |= masks.url_safe & in;
      not_hex |= ~masks.hex & in;
      end += length;
      ended = length < 16;
    }
#endif
    seen |= (standard ? kStandard : 0) | (url_safe ? kUrlSafe : 0);
    if (not_hex) all &= static_cast<std::uint8_t>(~kHexDigit);
    if (ended) return end;
    while (end < data_.size() && in_run(data_[end])) {
      seen |= kClasses[static_cast<unsigned char>(data_[end])];
      all &= kClasses[static_cast<unsigned char>(data_[end])];
      ++end;
    }
    return end;
  }

#if defined(LEAKHOUND_DECODER_AVX2)
  // run_end's 32-byte AVX2 or 64-byte AVX-512 steps; advance `end` while whole steps fit and
  // return whether the run ended.
  LEAKHOUND_AVX2_TARGET bool run_end_wide(std::size_t& end, std::uint32_t& standard,
                                          std::uint32_t& url_safe, std::uint32_t& not_hex) {
    while (end + 32 <= data_.size()) {
      const WideRunMasks masks = classify_run_wide(data_.data() + end);
      const auto length = _tzcnt_u32(~masks.run);  // runs of 32 and more are common
      const std::uint32_t in = length == 32 ? ~0u : (1u << length) - 1;
      standard |= masks.standard & in;
      url_safe |= masks.url_safe & in;
      not_hex |= ~masks.hex & in;
      end += length;
      if (length < 32) return true;
    }
    return false;
  }

  LEAKHOUND_AVX512_TARGET bool run_end_512(std::size_t& end, std::uint32_t& standard,
                                           std::uint32_t& url_safe, std::uint32_t& not_hex) {
    while (end + 64 <= data_.size()) {
      const Classes512 classes(data_.data() + end);
      const auto length = static_cast<unsigned>(_tzcnt_u64(~classes.test(kRun)));
      const std::uint64_t in = _bzhi_u64(~std::uint64_t{0}, length);
      standard |= (classes.test(kStandard) & in) != 0 ? 1 : 0;
      url_safe |= (classes.test(kUrlSafe) & in) != 0 ? 1 : 0;
      not_hex |= (~classes.test(kHexDigit) & in) != 0 ? 1 : 0;
      end += length;
      if (length < 64) return true;
    }
    return false;
  }
#endif

  // base64_head_binary, with vector instructions where the CPU has AVX2.
  bool head_binary(const char* run, std::size_t allowed) const {
#if defined(LEAKHOUND_DECODER_AVX2)
    if (scan_ != BlockScan::sse2) return base64_head_binary_avx2(run, allowed);
#endif
    return base64_head_binary(run, allowed);
  }

  // A run of the base64 alphabet through `position`: base64, base64url or hex.
  std::size_t alphabet_run(std::size_t position) {
    std::size_t begin = position;
    while (begin > run_done_ && in_run(data_[begin - 1]))
      --begin;
    std::uint8_t seen = 0;
    std::uint8_t all = 0xFF;
    for (std::size_t i = begin; i < position; ++i) {
      seen |= kClasses[static_cast<unsigned char>(data_[i])];
      all &= kClasses[static_cast<unsigned char>(data_[i])];
    }
    const std::size_t end = run_end(position, seen, all);
    run_done_ = end;
    const std::size_t length = end - begin;
    if (length > limits_.max_run) return end;
    std::size_t padded_end = end;
    while (padded_end < data_.size() && padded_end - end < 2 && data_[padded_end] == '=')
      ++padded_end;
    const std::string_view run = data_.substr(begin, length);
    if (all & kHexDigit) {
      if (length >= limits_.min_hex && length % 2 == 0 && hex_may_be_text(run))
        emit(begin, end, Encoding::hex, decode_hex(run, buffer_));
      return end;
    }
    if ((seen & kStandard) && (seen & kUrlSafe)) return end;  // paths and the like
    if (length < limits_.min_base64) return end;
    // Random bytes show in the first few: a run is decoded whole only if they pass.
    const std::size_t allowed =
        allowed_non_text(decoded_base64_size(length), limits_.max_non_printable);
    if (length >= 16 && head_binary(run.data(), allowed)) return padded_end;
    constexpr std::size_t kPrefix = 64;
    if (length > kPrefix && surely_binary(decode_base64(run.substr(0, kPrefix), buffer_), allowed))
      return padded_end;
    emit(begin, padded_end, (seen & kUrlSafe) ? Encoding::base64url : Encoding::base64,
         decode_base64(run, buffer_));
    return padded_end;
  }

  // The URL-like run through the '%' at `position`, if that '%' starts a %XX escape: most do
  // not (format strings, "100%"), and a later escape of the same run finds the same run, since
  // nothing before it was marked done. The run is walked forward first: it may be cut short.
  std::size_t percent_run(std::size_t position) {
    if (position + 2 >= data_.size() || hex_value(data_[position + 1]) < 0 ||
        hex_value(data_[position + 2]) < 0)
      return position + 1;
    const std::size_t floor =
        std::max(percent_done_, position > limits_.max_run ? position - limits_.max_run : 0);
    const std::size_t limit = std::min(data_.size(), position + limits_.max_run + 1);
    std::size_t end = position;
    while (end < limit && in_url(data_[end]))
      ++end;
    percent_done_ = end;
    std::size_t begin = position;
    while (begin > floor && in_url(data_[begin - 1]))
      --begin;
    if (end - begin > limits_.max_run) return end;
    const std::string_view run = data_.substr(begin, end - begin);
    emit(begin, end, Encoding::percent, decode_percent(run, buffer_));
    return end;
  }

  // Where the escaped string from the '\\' at `position` ends, `limit` at most (or one past
  // it, to end an escape): each '\\' takes the next byte, the bytes between escapes are
  // skipped 16 at a time.
  std::size_t escaped_string_end(std::size_t position, std::size_t limit) {
    std::size_t end = position;
    while (end < limit) {
      if (data_[end] == '\\' && end + 1 < data_.size()) {
        end += 2;
        continue;
      }
      if (!in_escaped_string(data_[end])) break;
      ++end;
#if defined(__SSE2__)
      for (; end + 16 <= limit; end += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_.data() + end));
        const __m128i quote = _mm_or_si128(_mm_or_si128(equal(bytes, '"'), equal(bytes, '\'')),
                                           _mm_or_si128(equal(bytes, '`'), equal(bytes, '\\')));
        const std::uint32_t inside = bits(_mm_andnot_si128(quote, in_range(bytes, 0x21, 94)));
        if (inside != 0xFFFF) {
          end += static_cast<std::size_t>(std::countr_zero(~inside));
          break;
        }
      }
#endif
    }
    return std::min(end, data_.size());
  }

  // The escaped string through the hiding escape at `position` (a '\'): from its start, back
  // over string bytes, escapes and escaped quotes whatever escapes come first, to its end.
  std::size_t escape_run(std::size_t position) {
    const std::size_t floor =
        std::max(escape_done_, position > limits_.max_run ? position - limits_.max_run : 0);
    std::size_t begin = position;
    while (begin > floor) {
      const char c = data_[begin - 1];
      if (in_escaped_string(c)) {
        --begin;
      } else if ((c == '"' || c == '\'' || c == '`') && begin - 1 > floor &&
                 data_[begin - 2] == '\\') {
        begin -= 2;
      } else {
        break;
      }
    }
    const auto string_end = [&](std::size_t from) {
      return escaped_string_end(from, std::min(data_.size(), from + limits_.max_run + 1));
    };
    std::size_t end = string_end(begin);
    // Escapes read from the start may pair differently (`\\"` ends a string): then the string
    // starts at this escape.
    if (end <= position) end = string_end(begin = position);
    escape_done_ = end;
    if (end - begin > limits_.max_run) return end;
    const std::string_view run = data_.substr(begin, end - begin);
    if (!escapes_hide(run)) return end;
    emit(begin, end, Encoding::escape, decode_escapes(run, buffer_));
    return end;
  }

  void emit(std::size_t begin, std::size_t end, Encoding encoding, std::string_view text) {
    if (full() || text.empty()) return;
    if (surely_binary(text, allowed_non_text(text.size(), limits_.max_non_printable)) ||
        !looks_like_text(text, limits_.max_non_printable))
      return;
    out_.push_back({begin, end, encoding, std::string(text)});
    ++emitted_;
  }

  std::string_view data_;
  std::vector<DecodedSegment>& out_;
  const DecoderLimits& limits_;
  std::size_t first_;
  std::size_t emitted_ = 0;
  std::string& buffer_;
  BlockScan scan_;  // the block scan and run extent
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

void set_decoder_path(DecoderPath path) {
  chosen_path().store(path, std::memory_order_relaxed);
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
  // Decoded bytes have no file name: rules limited by `paths` do not run on them.
  if (auto scanned = scanner.scan_at_path(text, {}, matches); !scanned) return scanned;
  const std::vector<Rule>& rules = scanner.database().rules();
  drop_generic_overlaps(rules, matches);
  for (const Match& match : matches) {
    if (match.secret_start < secret_from) continue;
    // A rule limited to files by name (.pgpass, .htpasswd) says nothing about decoded bytes,
    // and must not take the run's place from a rule that does ("user:ghp_..." is no .htpasswd).
    if (!rules[match.rule].paths.empty()) continue;
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

// The key a run is the value of: `key: RUN`, `"key": "RUN"`, `key=RUN`; empty otherwise.
std::string assigned_key(std::string_view data, std::size_t run_begin) {
  std::string_view before =
      data.substr(line_start_of(data, run_begin), run_begin - line_start_of(data, run_begin));
  before = trim_blanks(before);
  if (!before.empty() && (before.back() == '"' || before.back() == '\'')) before.remove_suffix(1);
  before = trim_blanks(before);
  if (before.empty() || (before.back() != ':' && before.back() != '=')) return {};
  before.remove_suffix(1);
  before = trim_blanks(before);
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
    const std::string_view content = trim_blanks(line);
    const bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    if (!indented) {
      in_metadata = content == "metadata:";
      if (content == "kind: Secret" || content == "kind: \"Secret\"") secret = true;
    } else if (in_metadata && name.empty() && content.starts_with("name:")) {
      std::string_view value = trim_blanks(content.substr(5));
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

// "user:password" (docker auth entries, HTTP Basic credentials): the password, else empty. A
// URL (`https://host/path`, often percent-encoded) has one colon too, and is not one.
std::string_view basic_credentials_password(std::string_view decoded) {
  const std::size_t colon = decoded.find(':');
  if (colon == 0 || colon == std::string_view::npos ||
      decoded.find(':', colon + 1) != std::string_view::npos ||
      decoded.substr(colon + 1).starts_with("//"))
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
