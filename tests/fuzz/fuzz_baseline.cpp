// Feeds arbitrary bytes to the readers of accepted findings: a baseline (JSON) and a
// .gitleaksignore. Either file may be hand-edited or truncated: no input may crash, hang or
// leak, and a bad one must come back as an error naming the file. The first byte picks the
// reader. A baseline that loads must survive a round trip through baseline_json unchanged.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/baseline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const std::string path = [] {
    const char* directory = std::getenv("TMPDIR");
    return std::string(directory ? directory : "/tmp") + "/leakhound-fuzz-baseline-" +
           std::to_string(::getpid()) + ".json";
  }();
  auto write = [&](const std::string& text) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return false;
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
    return true;
  };
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (!write(text)) return 0;
  if (data[0] & 1) {
    auto entries = leakhound::load_gitleaks_ignore(path);
    if (!entries && entries.error().message.find(path) == std::string::npos) __builtin_trap();
    return 0;
  }
  auto entries = leakhound::load_baseline(path);
  if (!entries) {
    if (entries.error().message.find(path) == std::string::npos) __builtin_trap();
    return 0;
  }
  if (!write(leakhound::baseline_json(entries.value()))) return 0;
  auto again = leakhound::load_baseline(path);
  if (!again || again.value() != entries.value()) __builtin_trap();
  return 0;
}
