// AWS access key ids carry the owning account id: the 16 characters after the 4-letter prefix
// (AKIA, ASIA, ...) are base32, and bits 46..7 of the first 6 decoded bytes are the account id
// (Tal Be'ery, "A short note on AWS KEY ID", 2023; confirmed by AWS's own
// sts:GetAccessKeyInfo). Decoding it offline lets a scan recognise keys of canary accounts
// without calling AWS; encoding it lets `honeytoken mint --kind aws` plant a key that points
// at an account the defenders watch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace leakhound {

inline constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// AWS account ids are 12 decimal digits, so they fit the 40 bits the key id holds.
inline constexpr std::uint64_t kMaxAwsAccountId = 999'999'999'999;

// The account id embedded in a 20-character access key id (4-letter prefix, 16 base32
// characters), or nullopt when `access_key_id` does not have that shape.
std::optional<std::uint64_t> decode_aws_account_id(std::string_view access_key_id);

// The 16 characters after the prefix for `account_id`; `random` fills every bit the account id
// does not use. The top bit is set, as in every key id issued since 2019 (AKIAQ... to AKIA6...).
std::string encode_aws_key_body(std::uint64_t account_id, std::span<const std::uint8_t, 10> random);

// "012345678901": 12 digits, zero-padded.
std::string format_aws_account_id(std::uint64_t account_id);
// Exactly 12 digits, else nullopt.
std::optional<std::uint64_t> parse_aws_account_id(std::string_view text);

// Reads a canary account list: one 12-digit account id per line; blank lines and text after
// '#' are ignored. A malformed line is passed to `on_problem` with its line number and skipped;
// an unreadable file is an error.
Result<std::set<std::uint64_t>> load_canary_accounts(
    const std::filesystem::path& file,
    const std::function<void(const std::string& input, const std::string& reason)>& on_problem);

}  // namespace leakhound
