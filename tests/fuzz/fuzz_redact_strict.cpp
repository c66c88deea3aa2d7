// The opposite promise of fuzz_redact: every byte of every secret that redact reports is masked
// in its output (full mask), whatever the read sizes and pauses. fuzz_redact checks that
// nothing outside reported secrets changes; together they pin "redact masks exactly the
// reported spans".
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/stream_scanner.h"
#include "tests/fuzz/builtin_database.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the read size (1..32), decoding and pauses after reads.
  const std::size_t read_size = (data[0] & 0x1f) + 1;
  const bool pauses = (data[0] & 0x40) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  leakhound::StreamOptions options;
  options.release = true;
  options.mask = leakhound::MaskStyle::full;
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
  for (const leakhound::Finding& finding : findings) {
    if (finding.end_offset > out.size() || finding.offset > finding.end_offset) __builtin_trap();
    for (std::uint64_t i = finding.offset; i < finding.end_offset; ++i)
      if (out[i] != '*') __builtin_trap();
  }
  return 0;
}
