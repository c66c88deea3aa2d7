// Minting decoy credentials. A decoy must be indistinguishable from a real credential of its
// kind: the provider's prefix, alphabet and length, and its checksum where the provider defines
// one (GitHub and npm tokens end in a base62 CRC32 of their random part), so attackers and the
// built-in rules treat it as real. Randomness comes from OpenSSL's CSPRNG.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace leakhound {

enum class HoneytokenKind : std::uint8_t {
  aws,
  github,
  gitlab,
  slack,
  stripe,
  npm,
  openai,
  generic
};

std::span<const std::string_view> honeytoken_kind_names();
std::string_view to_string(HoneytokenKind kind);
std::optional<HoneytokenKind> parse_honeytoken_kind(std::string_view text);
// The built-in rule that detects the kind's decoys; empty for generic (which no rule matches,
// so it is found only as a literal compiled from a stored value).
std::string_view honeytoken_rule_id(HoneytokenKind kind);

struct MintOptions {
  // aws: the account id the access key id decodes to (random when not given).
  std::optional<std::uint64_t> aws_account;
};

struct MintedToken {
  HoneytokenKind kind = HoneytokenKind::generic;
  std::string value;       // what the registry hashes: for aws, the access key id
  std::string secret_key;  // aws only: the 40-character secret access key
  std::optional<std::uint64_t> aws_account;
};

// Fails only when the CSPRNG does, or for an aws account id above 12 digits.
Result<MintedToken> mint_honeytoken(HoneytokenKind kind, const MintOptions& options = {});

// GitHub's and npm's checksum: CRC32 of `random_part`, base62 (0-9A-Za-z), left-padded with
// '0' to 6 characters.
std::string base62_crc32_checksum(std::string_view random_part);

// `length` characters drawn uniformly from `alphabet` with the CSPRNG (rejection sampling, so
// no character is favoured). Fails when the CSPRNG does.
Result<std::string> random_characters(std::size_t length, std::string_view alphabet);

}  // namespace leakhound
