// Feeds arbitrary bytes to the honeytoken registry parser. The registry is appended to by
// `honeytoken mint` and edited by hand, so parsing is forgiving: a malformed entry is a problem
// naming the file, and the rest still loads. No input may crash, hang or leak; every problem
// names the registry; every loaded entry can be found by its hash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "honeytokens/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "fuzz-registry.toml";
  auto registry = leakhound::HoneytokenRegistry::parse(
      text, origin, [&](const std::string& input, const std::string& reason) {
        if (input.find(origin) == std::string::npos || reason.empty()) __builtin_trap();
      });
  for (const leakhound::HoneytokenEntry& entry : registry.entries()) {
    if (entry.sha256.size() != 64) __builtin_trap();
    if (registry.find_by_sha256(entry.sha256) == nullptr) __builtin_trap();
  }
  return 0;
}
