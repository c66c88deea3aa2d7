#include "honeytokens/aws_account.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace leakhound {
namespace {

constexpr std::size_t kPrefixLength = 4;
constexpr std::size_t kBodyLength = 16;  // base32 characters: 80 bits, 10 bytes
constexpr std::uint64_t kAccountMask = 0x7fffffffff80;
constexpr unsigned kAccountShift = 7;

int base32_value(char c) {
  const auto position = kBase32Alphabet.find(c);
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

std::optional<std::uint64_t> decode_aws_account_id(std::string_view access_key_id) {
  if (access_key_id.size() != kPrefixLength + kBodyLength) return std::nullopt;
  for (char c : access_key_id.substr(0, kPrefixLength)) {
    if (c < 'A' || c > 'Z') return std::nullopt;
  }
  // The first 6 bytes are the first 48 bits: the top bits of the first 10 characters (50 bits).
  std::uint64_t bits = 0;
  for (char c : access_key_id.substr(kPrefixLength)) {
    const int value = base32_value(c);
    if (value < 0) return std::nullopt;
  }
  for (char c : access_key_id.substr(kPrefixLength, 10)) {
    bits = (bits << 5) | static_cast<std::uint64_t>(base32_value(c));
  }
  const std::uint64_t first_six_bytes = bits >> 2;
  return (first_six_bytes & kAccountMask) >> kAccountShift;
}

std::string encode_aws_key_body(std::uint64_t account_id,
                                std::span<const std::uint8_t, 10> random) {
  std::uint8_t bytes[10];
  std::memcpy(bytes, random.data(), sizeof bytes);
  const std::uint64_t head = (std::uint64_t{1} << 47) |
                             ((account_id << kAccountShift) & kAccountMask) |
                             (static_cast<std::uint64_t>(random[5]) & 0x7f);
  for (int i = 0; i < 6; ++i)
    bytes[i] = static_cast<std::uint8_t>(head >> (8 * (5 - i)));
  std::string out;
  std::uint32_t buffer = 0;
  int buffered = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    buffered += 8;
    while (buffered >= 5) {
      buffered -= 5;
      out += kBase32Alphabet[(buffer >> buffered) & 0x1f];
    }
  }
  return out;  // 80 bits: exactly 16 characters, no padding
}

std::string format_aws_account_id(std::uint64_t account_id) {
  std::string digits = std::to_string(account_id);
  if (digits.size() < 12) digits.insert(0, 12 - digits.size(), '0');
  return digits;
}

std::optional<std::uint64_t> parse_aws_account_id(std::string_view text) {
  if (text.size() != 12) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

Result<std::set<std::uint64_t>> load_canary_accounts(
    const std::filesystem::path& file,
    const std::function<void(const std::string& input, const std::string& reason)>& on_problem) {
  std::ifstream in(file);
  if (!in) {
    return make_error(file.string() +
                      ": cannot read the canary account list: " + std::strerror(errno));
  }
  std::set<std::uint64_t> accounts;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string_view text = line;
    if (auto hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
      text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
      text.remove_suffix(1);
    if (text.empty()) continue;
    if (auto account = parse_aws_account_id(text)) {
      accounts.insert(*account);
    } else if (on_problem) {
      on_problem(file.string() + ":" + std::to_string(number),
                 "not a 12-digit AWS account id; line ignored");
    }
  }
  return accounts;
}

}  // namespace leakhound
