#include "engine/text.h"

#include <array>

namespace leakhound {
namespace {

constexpr bool is_ascii_letter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr unsigned char ascii_lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

constexpr std::array<unsigned char, 256> make_lowercase() {
  std::array<unsigned char, 256> table{};
  for (unsigned c = 0; c < 256; ++c)
    table[c] = ascii_lower(static_cast<unsigned char>(c));
  return table;
}

constexpr std::array<unsigned char, 256> kLowercase = make_lowercase();

}  // namespace

bool contains_caseless(std::string_view text, std::string_view needle) {
  const std::size_t length = needle.size();
  if (length == 0) return true;
  if (text.size() < length) return false;
  const std::size_t last = text.size() - length;  // the last position a match can start at
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const auto* wanted = reinterpret_cast<const unsigned char*>(needle.data());
  const auto matches_at = [&](std::size_t at) {
    for (std::size_t i = 0; i < length; ++i) {
      if (kLowercase[bytes[at + i]] != wanted[i]) return false;
    }
    return true;
  };
  std::size_t at = 0;
#if defined(__SSE2__)
  if (length >= 2) {
    // A letter's two cases differ in bit 0x20 only, so OR-ing it in folds them (and nothing
    // else onto a lowercase letter); other bytes are compared exactly.
    const auto fold = [](unsigned char c) {
      return _mm_set1_epi8(static_cast<char>(is_ascii_letter(c) ? 0x20 : 0));
    };
    const __m128i first = _mm_set1_epi8(static_cast<char>(wanted[0]));
    const __m128i second = _mm_set1_epi8(static_cast<char>(wanted[1]));
    const __m128i fold_first = fold(wanted[0]);
    const __m128i fold_second = fold(wanted[1]);
    for (; at + 17 <= text.size(); at += 16) {
      const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at));
      const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at + 1));
      const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(here, fold_first), first),
                                         _mm_cmpeq_epi8(_mm_or_si128(next, fold_second), second));
      auto candidates = static_cast<unsigned>(_mm_movemask_epi8(both));
      while (candidates != 0) {
        const std::size_t start = at + static_cast<std::size_t>(__builtin_ctz(candidates));
        if (start <= last && matches_at(start)) return true;
        candidates &= candidates - 1;
      }
    }
  }
#endif
  for (; at <= last; ++at) {
    if (matches_at(at)) return true;
  }
  return false;
}

}  // namespace leakhound
