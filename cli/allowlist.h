// Allowlists: findings a project has accepted, described by where they are (path globs or
// regexes, commits) and what they are (regexes on the secret or its line, stopwords), for all
// rules or some. Both .leakhound.toml's [allowlist] and gitleaks' allowlists (global and per
// rule, with regexTarget and condition) become Allowlists; one matcher applies them all.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/finding.h"
#include "engine/result.h"

namespace leakhound {

struct Allowlist {
  enum class Target : std::uint8_t { secret, line };  // gitleaks' "match" is treated as "line"
  std::string origin;                                 // "FILE:LINE", for messages
  std::vector<std::string> rule_ids;                  // empty: every rule
  std::vector<std::string> path_globs;                // as --exclude
  std::vector<std::string> path_regexes;              // gitleaks' paths
  std::vector<std::string> regexes;                   // on the secret, or the line (`target`)
  Target target = Target::secret;
  std::vector<std::string> line_regexes;  // always on the line (.leakhound.toml)
  std::vector<std::string> stopwords;     // caseless substrings of the secret
  std::vector<std::string> commits;       // a finding's commit, or a prefix of it
  bool require_all = false;               // gitleaks' condition = "AND"
};

// The compiled form of a set of allowlists; shared read-only by the pipeline's output stage.
class AllowlistMatcher {
 public:
  static Result<std::unique_ptr<AllowlistMatcher>> compile(const std::vector<Allowlist>& lists);
  ~AllowlistMatcher();
  AllowlistMatcher(const AllowlistMatcher&) = delete;
  AllowlistMatcher& operator=(const AllowlistMatcher&) = delete;

  bool allows(const Finding& finding) const;
  bool empty() const { return lists_.empty(); }

 private:
  struct Compiled;
  AllowlistMatcher() = default;
  std::vector<std::unique_ptr<Compiled>> lists_;
};

// A compiled PCRE2 regex for short subjects (paths, secrets, lines); also used for gitleaks'
// per-rule path regexes.
class Regex {
 public:
  static Result<Regex> compile(const std::string& pattern);
  Regex(Regex&& other) noexcept;
  Regex& operator=(Regex&& other) noexcept;
  ~Regex();
  bool search(std::string_view subject) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8
};

}  // namespace leakhound
