// Offline checksums that some providers build into their tokens. A GitHub token (ghp_, gho_,
// ghu_, ghs_, ghr_) or an npm token (npm_) is a prefix, an underscore, 30 random base62
// characters and 6 base62 characters holding the CRC32 of those 30, so a candidate can be told
// from a look-alike without asking the provider. The scanner checks a rule's `checksum` scheme
// on each confirmed candidate: valid raises the finding's confidence to high, invalid lowers it
// to low (docs/rules.md says why it is kept rather than dropped).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/rule.h"

namespace leakhound {

enum class ChecksumResult : std::uint8_t {
  not_applicable,  // the candidate does not have the scheme's layout (e.g. ghs_<id>_<JWT>)
  valid,
  invalid,
};

std::string_view to_string(Checksum scheme);  // as written in rule files, "none" for none
std::optional<Checksum> parse_checksum(std::string_view name);

ChecksumResult verify_checksum(Checksum scheme, std::string_view secret);

// The building blocks, exposed for tests and for generating example tokens.
std::uint32_t crc32(std::string_view bytes);  // IEEE 802.3 (zlib's crc32)
// `value` in base62 (0-9, A-Z, a-z), left-padded with '0' to `width` digits.
std::string base62_encode(std::uint32_t value, std::size_t width);

}  // namespace leakhound
