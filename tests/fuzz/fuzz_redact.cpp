// Feeds random input to the redact engine in random read sizes, with pauses, and checks the one
// promise redact makes: the output is the input, byte for byte, except inside reported secrets.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/stream_scanner.h"
#include "tests/fuzz/builtin_database.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the read size (1..32), decoding, pauses after reads and the mask.
  const std::size_t read_size = (data[0] & 0x1f) + 1;
  const bool pauses = (data[0] & 0x40) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  leakhound::StreamOptions options;
  options.release = true;
  options.mask = (data[0] & 0x80) ? leakhound::MaskStyle::partial : leakhound::MaskStyle::full;
  options.max_decode_depth = (data[0] & 0x20) ? 2 : 0;
  auto scanner = leakhound::StreamScanner::open(leakhound::fuzz::builtin_database(), {}, options);
  if (!scanner) __builtin_trap();
  leakhound::StreamScanner& stream = *scanner.value();
  std::vector<leakhound::Finding> findings;
  std::string out;
  for (std::size_t at = 0; at < input.size(); at += read_size) {
    if (!stream.feed(input.substr(at, read_size), findings)) __builtin_trap();
    stream.release(stream.releasable(pauses), out);
  }
  if (!stream.finish(findings)) __builtin_trap();
  stream.release(stream.releasable(false), out);
  if (out.size() != input.size()) __builtin_trap();
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (out[i] == input[i]) continue;
    bool inside = false;
    for (const leakhound::Finding& finding : findings)
      inside = inside || (i >= finding.offset && i < finding.end_offset);
    if (!inside || out[i] != '*') __builtin_trap();
  }
  return 0;
}
