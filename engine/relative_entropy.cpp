#include "engine/relative_entropy.h"

#include <algorithm>
#include <cmath>

#include "engine/entropy.h"

namespace leakhound {
namespace {

// Beyond this length the exact sum is replaced by the Miller-Madow approximation, which is
// within 0.001 bits there for every alphabet used here.
constexpr std::size_t kExactLengthLimit = 1024;

}  // namespace

std::size_t apparent_alphabet_size(std::string_view text) {
  bool digits_only = true;
  bool lower_hex = true;
  bool upper_hex = true;
  bool lower_alnum = true;
  bool upper_alnum = true;
  bool base64 = true;
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    digits_only = digits_only && digit;
    lower_hex = lower_hex && (digit || (c >= 'a' && c <= 'f'));
    upper_hex = upper_hex && (digit || (c >= 'A' && c <= 'F'));
    lower_alnum = lower_alnum && (digit || lower);
    upper_alnum = upper_alnum && (digit || upper);
    base64 = base64 &&
             (digit || lower || upper || c == '+' || c == '/' || c == '=' || c == '_' || c == '-');
  }
  if (digits_only) return 10;
  if (lower_hex || upper_hex) return 16;
  if (lower_alnum || upper_alnum) return 36;
  if (base64) return 64;
  return 94;
}

double expected_random_entropy(std::size_t length, std::size_t alphabet_size) {
  if (length < 2 || alphabet_size < 2) return 0.0;
  const double n = static_cast<double>(length);
  const double k = static_cast<double>(alphabet_size);
  if (length > kExactLengthLimit) return std::log2(k) - (k - 1.0) / (2.0 * n * std::log(2.0));
  // H = log2(n) - (1/n) * sum over symbols of c*log2(c), and by linearity of expectation
  // E[sum] = k * sum_c P(count = c) * c*log2(c), with count ~ Binomial(n, 1/k).
  const double p = 1.0 / k;
  const double odds = p / (1.0 - p);
  double probability = std::pow(1.0 - p, n);  // P(count = 0)
  double expected_sum = 0.0;
  for (std::size_t c = 0; c < length; ++c) {
    const double next = static_cast<double>(c + 1);
    probability *= (n - static_cast<double>(c)) / next * odds;  // P(count = c + 1)
    if (c + 1 >= 2) expected_sum += probability * next * std::log2(next);
    if (probability < 1e-300) break;
  }
  return std::log2(n) - k * expected_sum / n;
}

double relative_entropy(std::string_view text) {
  const double expected = expected_random_entropy(text.size(), apparent_alphabet_size(text));
  if (expected <= 0.0) return 0.0;
  return shannon_entropy(text) / expected;
}

}  // namespace leakhound
