// The honeytoken registry: a TOML file with one [[honeytokens]] table per planted decoy (id,
// kind, label, where it was planted, creation date, SHA-256 of the value, and the value itself
// only when minted with --store-value). The scanner looks findings up by the SHA-256 of their
// secret, so by default the registry never holds a usable plaintext.
//
// The file is appended to by `honeytoken mint` and may be edited by hand, so loading is
// forgiving: each entry is parsed on its own, and a malformed one (bad TOML, a missing or
// unknown key, a bad hash) is reported with its line and ignored while the rest still works.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/result.h"

namespace leakhound {

// Where `honeytoken mint` and `list` look when --registry is not given.
inline constexpr std::string_view kDefaultRegistryName = ".leakhound-honeytokens.toml";

struct HoneytokenEntry {
  std::string id;  // lowercase letters and digits joined by '-'; rule ids derive from it
  std::string kind;
  std::string label;
  std::string planted_at;
  std::string created;  // YYYY-MM-DD
  std::string sha256;   // lowercase hex SHA-256 of the value
  std::optional<std::string> value;
  std::optional<std::string> secret_key_sha256;  // aws: of the secret access key
  std::optional<std::string> secret_key;         // aws, with --store-value
  std::optional<std::string> aws_account;        // aws: the account id the key id decodes to
  std::size_t line = 0;                          // of its [[honeytokens]] header
};

using ProblemCallback = std::function<void(const std::string& input, const std::string& reason)>;

class HoneytokenRegistry {
 public:
  // Reads `file`; an unreadable file is an error, a malformed entry goes to `on_problem`.
  static Result<HoneytokenRegistry> load(const std::filesystem::path& file,
                                         const ProblemCallback& on_problem);
  // Parses a registry's text; `origin` names it in problems.
  static HoneytokenRegistry parse(std::string_view text, std::string_view origin,
                                  const ProblemCallback& on_problem);

  const std::vector<HoneytokenEntry>& entries() const { return entries_; }
  // The entry whose value (or aws secret key) has this lowercase hex SHA-256, else nullptr.
  const HoneytokenEntry* find_by_sha256(std::string_view sha256_hex) const;

 private:
  void add(HoneytokenEntry entry, std::string_view origin, const ProblemCallback& on_problem);

  std::vector<HoneytokenEntry> entries_;
  std::unordered_map<std::string, std::size_t> by_sha256_;
};

// A fresh registry id: 12 random lowercase hex digits.
Result<std::string> new_honeytoken_id();
// Today's date (UTC) as YYYY-MM-DD.
std::string today_utc();
// The entry as a [[honeytokens]] table (TOML text ending in a newline).
std::string registry_entry_toml(const HoneytokenEntry& entry);
// Appends the entry to `file`, creating it (mode 0600, with a header comment) when missing.
Result<void> append_registry_entry(const std::filesystem::path& file, const HoneytokenEntry& entry);

}  // namespace leakhound
