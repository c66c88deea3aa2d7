// The decoding pass alone (engine/decoder.h decode_runs) over every file under a directory,
// read into memory first, each file's bytes touched just before it is decoded (as the
// pipeline's scan leaves them in cache): the figure behind bench/compare_decode.sh's ratio.
//
//   build/release/bench/decode_bench DIR [--runs 5] [--path widest|avx2|sse2]
//
// Prints the files, bytes, segments found, and the best of --runs CPU-clock totals. Timings
// are informational, never asserted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decoder.h"

volatile unsigned touched_sink;  // keeps the loop that touches each file's bytes

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: decode_bench DIR [--runs N] [--path widest|avx2|sse2]\n");
    return 2;
  }
  int runs = 5;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    const std::string_view value = argv[i + 1];
    if (option == "--runs") {
      runs = std::max(1, std::atoi(argv[i + 1]));
    } else if (option == "--path") {
      leakhound::set_decoder_path(value == "sse2"   ? leakhound::DecoderPath::sse2
                                  : value == "avx2" ? leakhound::DecoderPath::avx2
                                                    : leakhound::DecoderPath::widest);
    } else {
      std::fprintf(stderr, "decode_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::vector<std::string> files;
  std::size_t bytes = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[1], error)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += files.back().size();
  }
  if (error || files.empty()) {
    std::fprintf(stderr, "decode_bench: no files read under %s\n", argv[1]);
    return 2;
  }
  double best = 0;
  std::size_t segments = 0;
  unsigned touched = 0;
  std::vector<leakhound::DecodedSegment> out;
  for (int run = 0; run < runs; ++run) {
    double total = 0;
    segments = 0;
    for (const std::string& file : files) {
      for (std::size_t i = 0; i < file.size(); i += 64)
        touched += static_cast<unsigned char>(file[i]);
      out.clear();
      const auto start = std::chrono::steady_clock::now();
      leakhound::decode_runs(file, out);
      total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      segments += out.size();
    }
    best = run == 0 ? total : std::min(best, total);
  }
  touched_sink = touched;
  std::printf("%zu files, %.1f MB, %zu segments: best %.4f s, %.2f GB/s\n", files.size(),
              static_cast<double>(bytes) / 1e6, segments, best,
              static_cast<double>(bytes) / best / 1e9);
  return 0;
}
