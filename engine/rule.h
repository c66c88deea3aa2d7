// Rule: one detector as written in a rule file (see docs/rules.md). Pure data: compiling the
// regexes is RuleDatabase's job, so a Rule can be loaded, listed and checked without Vectorscan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakhound {

enum class Severity : std::uint8_t { low, medium, high, critical };
enum class Confidence : std::uint8_t { low, medium, high };
// An offline checksum the rule's secrets carry (engine/checksum.h).
enum class Checksum : std::uint8_t { none, github_crc32 };

std::string_view to_string(Severity severity);
std::string_view to_string(Confidence confidence);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<Confidence> parse_confidence(std::string_view text);

struct Rule {
  std::string id;  // stable, lowercase words joined by '-' or '.'
  std::string name;
  std::string description;
  std::string regex;
  std::uint32_t secret_group = 0;  // 0: the whole match is the secret
  std::vector<std::string> keywords;
  std::optional<double> min_entropy;
  // Entropy over that of random text of the secret's length and apparent alphabet, 0 to 1.
  std::optional<double> min_relative_entropy;
  bool placeholder_filter = true;  // drop documentation keys, fillers, templates, env reads
  bool generic = false;  // keyword-anchored: also drop identifiers, hashes, UUIDs, paths, URLs
  Checksum checksum = Checksum::none;
  Severity severity = Severity::medium;
  Confidence confidence = Confidence::medium;
  std::vector<std::string> tags;
  // File-name globs (engine/rule_paths.h): when set, only inputs whose path matches one report
  // this rule's findings, for formats recognisable only by their file's name.
  std::vector<std::string> paths;
  std::vector<std::string> references;
  std::string remediation;  // what the credential grants and how to revoke it
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  std::string origin;  // the file (or embedded file) the rule came from, for messages
};

}  // namespace leakhound
