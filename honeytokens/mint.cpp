#include "honeytokens/mint.h"

#include <openssl/rand.h>
#include <zlib.h>

#include <array>

#include "honeytokens/aws_account.h"

namespace leakhound {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kAwsSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kGitlabAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

constexpr std::array<std::string_view, 8> kKindNames = {"aws",    "github", "gitlab", "slack",
                                                        "stripe", "npm",    "openai", "generic"};

Result<void> random_bytes(std::uint8_t* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1)
    return make_error("the random number generator (OpenSSL RAND_bytes) failed");
  return {};
}

// Prefix + base62 random part + its 6-character checksum (GitHub's and npm's format).
Result<std::string> checksummed_base62(std::string_view prefix, std::size_t random_length) {
  auto random = random_characters(random_length, kBase62);
  if (!random) return random.error();
  return std::string(prefix) + random.value() + base62_crc32_checksum(random.value());
}

// Joins pieces that each came from random_characters, or returns the first error.
Result<std::string> join(
    std::initializer_list<std::pair<std::string_view, Result<std::string>*>> pieces) {
  std::string out;
  for (const auto& [literal, random] : pieces) {
    out += literal;
    if (random) {
      if (!*random) return random->error();
      out += random->value();
    }
  }
  return out;
}

Result<MintedToken> mint_aws(const MintOptions& options) {
  MintedToken token;
  token.kind = HoneytokenKind::aws;
  std::array<std::uint8_t, 10> random{};
  if (auto ok = random_bytes(random.data(), random.size()); !ok) return ok.error();
  std::uint64_t account = 0;
  if (options.aws_account) {
    if (*options.aws_account > kMaxAwsAccountId)
      return make_error("--aws-account must be a 12-digit AWS account id");
    account = *options.aws_account;
  } else {
    std::array<std::uint8_t, 8> account_bytes{};
    if (auto ok = random_bytes(account_bytes.data(), account_bytes.size()); !ok) return ok.error();
    for (std::uint8_t byte : account_bytes)
      account = (account << 8) | byte;
    account %= kMaxAwsAccountId + 1;
  }
  token.aws_account = account;
  // "AK" "IA": long-term IAM user keys; built from pieces so this file scans clean.
  token.value = std::string("AK") + "IA" + encode_aws_key_body(account, random);
  auto secret = random_characters(40, kAwsSecretAlphabet);
  if (!secret) return secret.error();
  token.secret_key = std::move(secret).value();
  return token;
}

}  // namespace

std::span<const std::string_view> honeytoken_kind_names() {
  return kKindNames;
}

std::string_view to_string(HoneytokenKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<HoneytokenKind> parse_honeytoken_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<HoneytokenKind>(i);
  }
  return std::nullopt;
}

std::string_view honeytoken_rule_id(HoneytokenKind kind) {
  switch (kind) {
    case HoneytokenKind::aws:
      return "aws-access-key-id";
    case HoneytokenKind::github:
      return "github-classic-pat";
    case HoneytokenKind::gitlab:
      return "gitlab-pat";
    case HoneytokenKind::slack:
      return "slack-bot-token";
    case HoneytokenKind::stripe:
      return "stripe-secret-key";
    case HoneytokenKind::npm:
      return "npm-access-token";
    case HoneytokenKind::openai:
      return "openai-project-key";
    case HoneytokenKind::generic:
      return "";
  }
  return "";
}

std::string base62_crc32_checksum(std::string_view random_part) {
  std::uint32_t crc = static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(random_part.data()),
            static_cast<uInt>(random_part.size())));
  std::string digits;
  do {
    digits.insert(digits.begin(), kBase62[crc % 62]);
    crc /= 62;
  } while (crc > 0);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return digits;
}

Result<std::string> random_characters(std::size_t length, std::string_view alphabet) {
  // Accept a byte only below the largest multiple of the alphabet's size, so every character
  // is equally likely.
  const unsigned limit = 256 - 256 % static_cast<unsigned>(alphabet.size());
  std::string out;
  out.reserve(length);
  std::array<std::uint8_t, 64> buffer{};
  while (out.size() < length) {
    if (auto ok = random_bytes(buffer.data(), buffer.size()); !ok) return ok.error();
    for (std::uint8_t byte : buffer) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.size()];
      if (out.size() == length) break;
    }
  }
  return out;
}

Result<MintedToken> mint_honeytoken(HoneytokenKind kind, const MintOptions& options) {
  if (kind == HoneytokenKind::aws) return mint_aws(options);
  MintedToken token;
  token.kind = kind;
  Result<std::string> value = std::string();
  switch (kind) {
    case HoneytokenKind::github:
      // 30 random base62 characters and their checksum: 36 after the prefix.
      value = checksummed_base62(std::string("gh") + "p_", 30);
      break;
    case HoneytokenKind::npm:
      value = checksummed_base62(std::string("np") + "m_", 30);
      break;
    case HoneytokenKind::gitlab: {
      auto body = random_characters(20, kGitlabAlphabet);
      value = join({{std::string_view("glp"), nullptr}, {"at-", &body}});
      break;
    }
    case HoneytokenKind::slack: {
      // xoxb-<workspace id>-<bot user id>-<24 base62>; ids are 10 to 13 digits, no leading 0.
      auto first = random_characters(1, "123456789");
      auto team = random_characters(11, kDigits);
      auto second = random_characters(1, "123456789");
      auto bot = random_characters(12, kDigits);
      auto secret = random_characters(24, kBase62);
      value = join({{"xo", nullptr},
                    {"xb-", &first},
                    {"", &team},
                    {"-", &second},
                    {"", &bot},
                    {"-", &secret}});
      break;
    }
    case HoneytokenKind::stripe: {
      // Current live secret keys: "51" then 97 base62 characters (107 in all).
      auto body = random_characters(97, kBase62);
      value = join({{"sk_li", nullptr}, {"ve_51", &body}});
      break;
    }
    case HoneytokenKind::openai: {
      // Project keys: sk-proj-, 74 characters, the "T3BlbkFJ" marker ("OpenAI" in base64),
      // 74 more (164 in all).
      auto head = random_characters(74, kGitlabAlphabet);
      auto tail = random_characters(74, kGitlabAlphabet);
      value = join({{"sk-pr", nullptr}, {"oj-", &head}, {"T3Blbk", nullptr}, {"FJ", &tail}});
      break;
    }
    case HoneytokenKind::generic: {
      // 40 base62 characters after a neutral prefix: no rule's shape, found as a literal.
      auto body = random_characters(40, kBase62);
      value = join({{"lhd", &body}});
      break;
    }
    case HoneytokenKind::aws:
      break;
  }
  if (!value) return value.error();
  token.value = std::move(value).value();
  return token;
}

}  // namespace leakhound
