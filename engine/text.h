// Small text helpers shared across components.
#pragma once

#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leakhound {

// Counting line breaks at memory speed: line numbers of findings and of streams need it over
// every byte, and a memchr per line (or a scalar count) costs more than the regex stage on logs.
inline std::uint64_t count_newlines(const char* begin, const char* end) {
  std::uint64_t count = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  const auto matches = [&](const char* at) {
    return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), newline);
  };
  while (end - begin >= 16) {
    // Up to 255 blocks add their matches (each -1) into 8-bit lanes before the lanes overflow;
    // two sets of lanes, so that each block does not wait for the one before.
    __m128i lanes = zero;
    __m128i other = zero;
    int blocks = 0;
    for (; blocks < 254 && end - begin >= 32; blocks += 2, begin += 32) {
      lanes = _mm_sub_epi8(lanes, matches(begin));
      other = _mm_sub_epi8(other, matches(begin + 16));
    }
    if (blocks < 254 && end - begin >= 16) {
      lanes = _mm_sub_epi8(lanes, matches(begin));
      begin += 16;
    }
    const __m128i sums = _mm_add_epi64(_mm_sad_epu8(lanes, zero), _mm_sad_epu8(other, zero));
    count += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; begin < end; ++begin)
    count += *begin == '\n' ? 1 : 0;
  return count;
}

// `text` without leading spaces and tabs, and without trailing spaces, tabs and CRs.
inline std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// True when `text` holds `needle` with ASCII letters compared caselessly (bytes above 0x7F
// exactly), as a Vectorscan caseless literal matches; `needle` must be lowercase. Rules'
// keywords are checked this way, only for rules that hit: two bytes per position compared 16
// positions at a time, the rest only where those two match.
bool contains_caseless(std::string_view text, std::string_view needle);

}  // namespace leakhound
