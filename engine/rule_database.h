// RuleDatabase: the compiled, immutable form of a rule set, shared read-only by every scanning
// thread. Stage 1 is one Vectorscan block-mode database holding every rule's regex (compiled
// without start-of-match tracking, which keeps large secret regexes compilable and scans fast).
// Keywords are not in it: a scan looks for a rule's keywords (caselessly) only when the rule
// hits. Stage 2 is one PCRE2 code per rule, used by Scanner to confirm a hit and find its start
// and capture groups.
//
// Compiling a large rule set takes far longer than scanning a small file, so the Vectorscan
// database is cached on disk, keyed by the rules' hash, the Vectorscan version and the CPU
// platform. A cache entry is verified (magic, key, length, SHA-256 of the payload) before use;
// anything that does not verify is rebuilt and rewritten, never trusted.
//
// Rules limited to files by name (Rule::paths, engine/rule_paths.h) are compiled into a second,
// small block database, run only on inputs whose path one of them applies to: such rules often
// have no literal to anchor them (a .pgpass line is five colon-separated fields) and would
// otherwise cost every byte of every input.
//
// Stream commands also need a Vectorscan streaming-mode database of the same patterns (matches
// across chunk boundaries); it is compiled on first request only and cached under its own key.
// It holds every rule, path-limited or not: a stream's findings are filtered by its path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/rule.h"

struct hs_database;
struct pcre2_real_code_8;

namespace leakhound {

struct DatabaseOptions {
  // Where compiled databases are cached; nullopt disables the disk cache.
  std::optional<std::filesystem::path> cache_dir;
};

// $XDG_CACHE_HOME/leakhound, else $HOME/.cache/leakhound, else nullopt.
std::optional<std::filesystem::path> default_cache_dir();

struct CompilableRules {
  std::vector<Rule> rules;      // those that pass RuleDatabase::check_rule, in order
  std::vector<Error> rejected;  // one per other rule, naming its origin, id and the reason
};
// With `cache_dir`, the verdicts are cached there (keyed by the rules and the engines), so a
// translated configuration is checked once, not at every start.
CompilableRules keep_compilable_rules(std::vector<Rule> rules,
                                      const std::optional<std::filesystem::path>& cache_dir = {});

class RuleDatabase {
 public:
  // Validates every rule's regex with both engines and compiles (or loads) the database.
  // Errors name the rule's file, its id and the engine's reason.
  static Result<std::unique_ptr<RuleDatabase>> build(std::vector<Rule> rules,
                                                     const DatabaseOptions& options);
  // Checks one rule as build() would (both engines, widths, secret_group), without building a
  // database: a loader of foreign rules (gitleaks configurations) skips those that fail.
  static Result<void> check_rule(const Rule& rule);
  ~RuleDatabase();
  RuleDatabase(const RuleDatabase&) = delete;
  RuleDatabase& operator=(const RuleDatabase&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  // The block database of the rules without `paths`; nullptr when none.
  const hs_database* block_database() const { return block_database_; }
  // The block database of the rules with `paths`; nullptr when none.
  const hs_database* path_database() const { return path_database_; }
  // Indices of the rules with `paths`, ascending.
  std::span<const std::uint32_t> path_rules() const { return path_rules_; }
  // The streaming-mode database, compiled (or loaded from the cache) on first call; thread-safe.
  // nullptr (not an error) when there are no rules. Like the block database it holds the
  // rules only: a stream looks for a hit's keywords in the bytes before it.
  Result<const hs_database*> stream_database() const;

  // Distinct keywords of all rules; Vectorscan pattern ids are rule indices.
  std::size_t keyword_count() const { return keywords_.size(); }
  // Keyword k, lowercase (keywords match caselessly).
  std::string_view keyword(std::size_t k) const { return keywords_[k]; }
  std::span<const std::uint32_t> rule_keywords(std::size_t rule) const {
    return rule_keywords_[rule];
  }

  // The rule's PCRE2 code, JIT-compiled on first use (thread-safe).
  const pcre2_real_code_8* confirm_code(std::size_t rule) const;
  // Widths from Vectorscan's analysis; max is capped at kMaxMatchLength.
  std::uint32_t min_width(std::size_t rule) const { return widths_[rule].min; }
  std::uint32_t max_width(std::size_t rule) const { return widths_[rule].max; }

  // Hex SHA-256 over everything that changes what the rules match.
  const std::string& rules_hash() const { return rules_hash_; }
  bool loaded_from_cache() const { return loaded_from_cache_; }

  // The confirm stage never looks further back than this from a hit's end.
  static constexpr std::uint32_t kMaxMatchLength = 32 * 1024;

 private:
  struct Widths {
    std::uint32_t min = 0;
    std::uint32_t max = 0;
  };
  struct ConfirmCode {
    pcre2_real_code_8* code = nullptr;
    mutable std::once_flag jit_once;
  };

  RuleDatabase() = default;
  Result<void> compile_confirm_codes();
  Result<void> analyse_widths();
  Result<void> compile_block_database();
  enum class RuleSet { anywhere, path_limited, all };
  Result<hs_database*> compile_database(unsigned mode, RuleSet set) const;
  std::string cache_key(bool stream = false) const;
  std::optional<std::filesystem::path> cache_file(bool stream) const;
  bool load_cache(const std::filesystem::path& file, bool stream_mode = false);
  void store_cache(const std::filesystem::path& file, bool stream_mode = false) const;

  std::vector<Rule> rules_;
  std::vector<std::string> keywords_;
  std::vector<std::vector<std::uint32_t>> rule_keywords_;
  std::vector<Widths> widths_;
  std::unique_ptr<ConfirmCode[]> confirm_codes_;
  std::vector<std::uint32_t> path_rules_;
  hs_database* block_database_ = nullptr;
  hs_database* path_database_ = nullptr;
  hs_database* stream_database_ = nullptr;  // set once, under stream_once_
  mutable std::once_flag stream_once_;
  mutable std::optional<Error> stream_error_;
  std::optional<std::filesystem::path> cache_dir_;
  std::string rules_hash_;
  bool loaded_from_cache_ = false;
};

}  // namespace leakhound
