// Decoder: finds encoded runs in a buffer (base64, base64url, hex, percent-encoding, backslash
// escapes), decodes them and returns the decoded text with the run's span, so that the same
// rules can scan what an encoding hides (Kubernetes Secrets, docker auth entries, URLs with
// encoded passwords, escaped strings in JSON and source code).
//
// Contract:
// - Cheap when there is nothing to decode: runs are found by a class test of 64 bytes at a
//   time (AVX-512 or AVX2, chosen at run time; 16 with SSE2), and only the runs, '%' and '\'
//   it notes are looked at; most runs are let go after their first 16 characters.
// - Bounded: a run longer than DecoderLimits::max_run is skipped, decoded text is never longer
//   than its run, and at most max_segments segments come out of one buffer, so decoding a
//   buffer costs at most its size in time and memory, and depth d costs at most d times that.
// - Decoded text that is not mostly printable (binary: images, hashes, random bytes) is
//   dropped: secrets are text.
//
// scan_decoded() is the one place decoding meets scanning, shared by every source: it scans
// the decoded segments with the caller's Scanner, recursively, and reports each finding at its
// encoded run in the original buffer, with the chain of encodings (`base64>percent`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.h"
#include "engine/scanner.h"

namespace leakhound {

enum class Encoding : std::uint8_t { base64, base64url, hex, percent, escape };
std::string_view to_string(Encoding encoding);

struct DecoderLimits {
  std::size_t min_base64 = 16;      // characters, padding excluded
  std::size_t min_hex = 32;         // characters; even lengths only
  std::size_t max_run = 32 * 1024;  // below the chunk overlap, so chunking never splits a run
  std::size_t max_segments = 4096;  // per buffer
  double max_non_printable = 0.1;   // fraction of decoded bytes outside text
};

struct DecodedSegment {
  std::uint64_t begin = 0;  // the encoded run, byte offsets in the decoded buffer
  std::uint64_t end = 0;
  Encoding encoding = Encoding::base64;
  std::string text;  // decoded bytes (plaintext: may hold a secret)
};

// Appends the decodable, printable runs of `data` to `out`, in order of their start.
void decode_runs(std::string_view data, std::vector<DecodedSegment>& out,
                 const DecoderLimits& limits = {});

// The block scan decode_runs uses: the widest the CPU has (64-byte blocks with AVX-512 VBMI
// or AVX2), at most AVX2, or the 16-byte SSE2 one. All find the same segments; tests, the
// fuzz target and benches compare them. Process-wide; LEAKHOUND_DECODER_PATH=avx2 or sse2 in
// the environment starts with that one.
enum class DecoderPath : std::uint8_t { widest, avx2, sse2 };
void set_decoder_path(DecoderPath path);

// Whether at most `max_non_printable` of the bytes are outside printable ASCII, tab, CR, LF
// and UTF-8 sequences.
bool looks_like_text(std::string_view bytes, double max_non_printable);

struct DecodeScanOptions {
  unsigned max_depth = 2;  // levels of decoding; 0 turns decoding off
  std::uint64_t base_offset = 0;
  // Only runs starting in [keep_begin, keep_end) are reported (a chunk's own part).
  std::uint64_t keep_begin = 0;
  std::uint64_t keep_end = UINT64_MAX;
};

// Scans the encoded runs of `data` with `scanner` and appends findings to `findings`. Each is
// located at its outermost encoded run in `data` (line, column, offsets: the run, redacted in
// the snippet), carries the encoding chain in Finding::encoding, and the fingerprint of the
// decoded secret. Provenance fields name the key the value is assigned to (`key`) and, in a
// Kubernetes `kind: Secret` document, the Secret (`kubernetes_secret`). A decoded finding is
// dropped when a finding already in `findings` (plain text) has the same secret and overlaps
// the run. Errors of the scanner are returned; findings appended before them are kept.
Result<void> scan_decoded(Scanner& scanner, std::string_view data, const DecodeScanOptions& options,
                          const Provenance& provenance, std::vector<Finding>& findings);

}  // namespace leakhound
