#include "engine/entropy.h"

#include <array>
#include <cmath>
#include <cstdint>

namespace leakhound {

double shannon_entropy(std::string_view bytes) {
  if (bytes.empty()) return 0.0;
  std::array<std::uint32_t, 256> counts{};
  for (unsigned char c : bytes)
    ++counts[c];
  const double total = static_cast<double>(bytes.size());
  double entropy = 0.0;
  for (std::uint32_t count : counts) {
    if (count == 0) continue;
    const double p = count / total;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

}  // namespace leakhound
