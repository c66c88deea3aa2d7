// Relative entropy: a candidate's Shannon entropy divided by the entropy expected of a uniformly
// random string of the same length over the candidate's apparent alphabet (digits, hex, one-case
// alphanumerics, base64, or any printable). Raw entropy cannot gate values whose alphabet varies:
// a random 16-digit hex key scores about 3.2 bits per byte, below "SuperSecret123!" (3.3). The
// ratio is about 1 for random text of any alphabet and length and falls for repetitive text
// ("aaaa-bbbb-cccc" 0.54), so one threshold fits hex, base64 and passwords alike. Measurements
// are in docs/rules.md.
#pragma once

#include <cstddef>
#include <string_view>

namespace leakhound {

// 10, 16, 36, 64 or 94: the smallest of those alphabets that holds every byte of `text`.
std::size_t apparent_alphabet_size(std::string_view text);

// Expected Shannon entropy (bits per symbol) of `length` symbols drawn uniformly from
// `alphabet_size` symbols; exact, from the binomial distribution of each symbol's count.
double expected_random_entropy(std::size_t length, std::size_t alphabet_size);

// shannon_entropy(text) / expected_random_entropy(text.size(), apparent_alphabet_size(text));
// 0 for text shorter than 2 bytes.
double relative_entropy(std::string_view text);

}  // namespace leakhound
