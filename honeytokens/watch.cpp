#include "honeytokens/watch.h"

#include <cstdio>

#include "engine/hashing.h"
#include "engine/scanner.h"
#include "honeytokens/aws_account.h"

namespace leakhound {
namespace {

// Access key id prefixes whose remaining 16 characters encode the account id.
bool has_aws_key_prefix(std::string_view secret) {
  for (std::string_view prefix : {"AKIA", "ASIA", "ABIA", "ACCA"}) {
    if (secret.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<HoneytokenWatch>> HoneytokenWatch::load(
    const std::optional<std::filesystem::path>& registry,
    const std::optional<std::filesystem::path>& canary_accounts,
    const ProblemCallback& on_problem) {
  HoneytokenRegistry entries;
  if (registry) {
    auto loaded = HoneytokenRegistry::load(*registry, on_problem);
    if (!loaded) return loaded.error();
    entries = std::move(loaded).value();
  }
  std::set<std::uint64_t> accounts;
  if (canary_accounts) {
    auto loaded = load_canary_accounts(*canary_accounts, on_problem);
    if (!loaded) return loaded.error();
    accounts = std::move(loaded).value();
  }
  return std::make_unique<HoneytokenWatch>(std::move(entries), std::move(accounts),
                                           canary_accounts ? canary_accounts->string() : "");
}

HoneytokenWatch::HoneytokenWatch(HoneytokenRegistry registry,
                                 std::set<std::uint64_t> canary_accounts, std::string canary_source)
    : registry_(std::move(registry)),
      canary_accounts_(std::move(canary_accounts)),
      canary_source_(std::move(canary_source)) {}

std::vector<Rule> HoneytokenWatch::literal_rules(const RuleDatabase& database) const {
  std::vector<Rule> rules;
  Scanner scanner(database);
  std::vector<Match> matches;
  for (const HoneytokenEntry& entry : registry_.entries()) {
    if (!entry.value) continue;
    matches.clear();
    bool found = false;
    // Only rules that run on every input count: one limited by `paths` (rails-master-key's 32
    // hex digits) would leave the decoy unseen in every other file. An empty path runs no such
    // rule.
    if (scanner.scan_at_path(*entry.value, "", matches)) {
      for (const Match& match : matches) {
        found = found || (match.secret_start == 0 && match.secret_end == entry.value->size());
      }
    }
    if (!found) rules.push_back(honeytoken_literal_rule(entry, "honeytoken registry"));
  }
  return rules;
}

bool HoneytokenWatch::annotate(Finding& finding) const {
  if (const HoneytokenEntry* entry = registry_.find_by_sha256(to_hex(sha256(finding.secret)))) {
    finding.honeytoken = HoneytokenMatch{entry->id, entry->label, entry->planted_at, entry->kind};
    return true;
  }
  if (canary_accounts_.empty() || !has_aws_key_prefix(finding.secret)) return false;
  const auto account = decode_aws_account_id(finding.secret);
  if (!account || !canary_accounts_.contains(*account)) return false;
  const std::string account_text = format_aws_account_id(*account);
  finding.honeytoken =
      HoneytokenMatch{"aws-account-" + account_text, "AWS canary account " + account_text,
                      "canary account list " + canary_source_, "aws-canary"};
  return true;
}

std::string escape_literal_regex(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  return out;
}

Rule honeytoken_literal_rule(const HoneytokenEntry& entry, std::string_view origin) {
  Rule rule;
  rule.id = "honeytoken-" + entry.id;
  rule.name = "Honeytoken decoy (" + entry.kind + ")";
  rule.description =
      "A decoy credential from the honeytoken registry. It grants nothing, so any sighting of "
      "it outside where it was planted is an incident.";
  rule.regex = escape_literal_regex(*entry.value);
  rule.severity = Severity::critical;
  rule.confidence = Confidence::high;
  rule.tags = {"honeytoken"};
  rule.remediation =
      "Treat the place the decoy was planted as breached: whoever copied it there has read "
      "access to it. Find how it got here, then rotate the real credentials stored beside it.";
  rule.origin = std::string(origin);
  return rule;
}

}  // namespace leakhound
