// libFuzzer target over the decoder: every segment lies inside the input, in order, is text,
// and is no longer than its run; at most max_segments come out; and the SSE2 block scan finds
// and AVX2 block scans find the same segments as the widest one (when none were cut by
// max_segments).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "engine/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<leakhound::DecodedSegment> segments;
  leakhound::DecoderLimits limits;
  limits.max_segments = 64;
  leakhound::decode_runs(input, segments, limits);
  if (segments.size() > limits.max_segments) std::abort();
  std::uint64_t previous_begin = 0;
  for (const leakhound::DecodedSegment& segment : segments) {
    if (segment.begin >= segment.end || segment.end > size) std::abort();
    if (segment.begin < previous_begin) std::abort();
    if (segment.text.size() > segment.end - segment.begin) std::abort();
    if (!leakhound::looks_like_text(segment.text, limits.max_non_printable)) std::abort();
    previous_begin = segment.begin;
  }
  for (const leakhound::DecoderPath path :
       {leakhound::DecoderPath::avx2, leakhound::DecoderPath::sse2}) {
    if (segments.size() >= limits.max_segments) break;
    std::vector<leakhound::DecodedSegment> narrow;
    leakhound::set_decoder_path(path);
    leakhound::decode_runs(input, narrow, limits);
    leakhound::set_decoder_path(leakhound::DecoderPath::widest);
    if (narrow.size() != segments.size()) std::abort();
    for (std::size_t i = 0; i < narrow.size(); ++i)
      if (narrow[i].begin != segments[i].begin || narrow[i].end != segments[i].end ||
          narrow[i].encoding != segments[i].encoding || narrow[i].text != segments[i].text)
        std::abort();
  }
  return 0;
}
