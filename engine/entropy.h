// Shannon entropy of a byte string in bits per byte (0 for empty input, at most 8). Rules use it
// to reject low-information candidates ("passwordpassword", "aaaaaaaa") that match a pattern.
#pragma once

#include <string_view>

namespace leakhound {

double shannon_entropy(std::string_view bytes);

}  // namespace leakhound
