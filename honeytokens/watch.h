// HoneytokenWatch: what a scan needs to recognise planted decoys. It holds the registry
// (--honeytokens) and the AWS canary account list (--canary-accounts), supplies literal rules
// for stored decoy values that no rule would match, and marks a finding as a honeytoken
// sighting when the SHA-256 of its secret is registered or its AWS key id belongs to a canary
// account. Immutable once loaded, so every pipeline stage may share it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.h"
#include "engine/result.h"
#include "engine/rule.h"
#include "engine/rule_database.h"
#include "honeytokens/registry.h"

namespace leakhound {

class HoneytokenWatch {
 public:
  // Loads whichever of the two files is given. Unreadable files are errors; malformed entries
  // and lines go to `on_problem` and are ignored.
  static Result<std::unique_ptr<HoneytokenWatch>> load(
      const std::optional<std::filesystem::path>& registry,
      const std::optional<std::filesystem::path>& canary_accounts,
      const ProblemCallback& on_problem);
  HoneytokenWatch(HoneytokenRegistry registry, std::set<std::uint64_t> canary_accounts,
                  std::string canary_source = {});

  // One literal rule (id "honeytoken-<entry id>") per stored value that no rule of `database`
  // finds in full on its own: a custom decoy string is then caught like any credential.
  std::vector<Rule> literal_rules(const RuleDatabase& database) const;

  // Marks `finding` when it is a sighting of a decoy; returns whether it did.
  bool annotate(Finding& finding) const;

  const HoneytokenRegistry& registry() const { return registry_; }
  const std::set<std::uint64_t>& canary_accounts() const { return canary_accounts_; }

 private:
  HoneytokenRegistry registry_;
  std::set<std::uint64_t> canary_accounts_;
  std::string canary_source_;
};

// `text` as a regex that matches exactly those bytes in both Vectorscan and PCRE2: letters and
// digits as they are, every other byte as \xHH.
std::string escape_literal_regex(std::string_view text);

// The literal rule for a registry entry with a stored value.
Rule honeytoken_literal_rule(const HoneytokenEntry& entry, std::string_view origin);

}  // namespace leakhound
