#include "engine/checksum.h"

#include <array>

namespace leakhound {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// prefix "_" 30 base62 (the payload) and 6 base62 (its CRC32), the prefix lowercase letters.
ChecksumResult verify_github_crc32(std::string_view secret) {
  constexpr std::size_t kPayload = 30;
  constexpr std::size_t kCheck = 6;
  const std::size_t underscore = secret.find('_');
  if (underscore == std::string_view::npos || underscore == 0) {
    return ChecksumResult::not_applicable;
  }
  for (char c : secret.substr(0, underscore)) {
    if (c < 'a' || c > 'z') return ChecksumResult::not_applicable;
  }
  const std::string_view body = secret.substr(underscore + 1);
  if (body.size() != kPayload + kCheck) return ChecksumResult::not_applicable;
  for (char c : body) {
    if (!is_base62(c)) return ChecksumResult::not_applicable;
  }
  const std::string expected = base62_encode(crc32(body.substr(0, kPayload)), kCheck);
  return body.substr(kPayload) == expected ? ChecksumResult::valid : ChecksumResult::invalid;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (unsigned char byte : bytes)
    crc = kCrcTable[(crc ^ byte) & 0xFFU] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

std::string base62_encode(std::uint32_t value, std::size_t width) {
  std::string digits;
  do {
    digits.insert(digits.begin(), kBase62[value % 62]);
    value /= 62;
  } while (value != 0);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::string_view to_string(Checksum scheme) {
  switch (scheme) {
    case Checksum::none:
      return "none";
    case Checksum::github_crc32:
      return "github-crc32";
  }
  return "none";
}

std::optional<Checksum> parse_checksum(std::string_view name) {
  for (auto scheme : {Checksum::none, Checksum::github_crc32}) {
    if (to_string(scheme) == name) return scheme;
  }
  return std::nullopt;
}

ChecksumResult verify_checksum(Checksum scheme, std::string_view secret) {
  switch (scheme) {
    case Checksum::none:
      return ChecksumResult::not_applicable;
    case Checksum::github_crc32:
      return verify_github_crc32(secret);
  }
  return ChecksumResult::not_applicable;
}

}  // namespace leakhound
