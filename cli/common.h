// What every scan subcommand shares: its options, loading the rules and compiling the
// database, opening the output, choosing the reporter, printing problems and the summary, and
// turning the result into an exit code. Subcommands add their own source on top.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/reporter.h"
#include "engine/result.h"
#include "engine/rule_database.h"
#include "engine/summary.h"
#include "reporters/reporter_factory.h"

namespace leakhound {

struct CommonOptions {
  std::string format;  // empty: from --output's extension, else text
  std::string output;
  unsigned threads = 0;
  bool show_secrets = false;
  std::vector<std::string> rule_paths;
  int exit_code = 1;
  std::string colour = "auto";
  bool quiet = false;
  bool no_db_cache = false;
  std::string honeytokens;      // --honeytokens FILE: the registry of planted decoys
  std::string canary_accounts;  // --canary-accounts FILE: AWS account ids of canary keys
  // CI gating (cli/scan_gate.h): accepted findings and the severity that fails the scan.
  std::string baseline;  // --baseline FILE
  bool report_stale_baseline = false;
  std::string fail_on;  // --fail-on SEVERITY; empty: every finding fails
  // Set from the project configuration, not flags: rules it adds (a gitleaks configuration's),
  // whether the built-in pack is used, rule ids to drop; `write_baseline` for `baseline create`.
  std::vector<Rule> config_rules;
  bool builtin_rules = true;
  std::vector<std::string> disabled_rules;
  bool write_baseline = false;
  unsigned max_decode_depth = 2;  // --max-decode-depth: levels of decoding, 0 = off
  // --exclude GLOB of `git` and `image`: findings at matching paths are not reported (`dir`
  // has its own, which skips the paths during the walk).
  std::vector<std::string> excludes;
};

// Rule loading options shared by scans and `rules` subcommands.
void add_rule_options(CLI::App& command, CommonOptions& options);
void add_common_options(CLI::App& command, CommonOptions& options);
// --exclude GLOB (repeatable), with `what` saying what the paths are relative to.
void add_exclude_option(CLI::App& command, std::vector<std::string>& globs,
                        const std::string& what);

// Parses "256M", "1G", "4096", "64KiB" (powers of 1024).
Result<std::uint64_t> parse_size(std::string_view text);

// Built-in rules plus --rules, compiled (through the disk cache unless --no-db-cache).
Result<std::unique_ptr<RuleDatabase>> load_database(const CommonOptions& options);

// What a scan command calls instead of load_database: the same database plus literal rules for
// stored --honeytokens values that no rule matches, and `pipeline.annotate` set so that
// sightings of decoys (--honeytokens, --canary-accounts) become honeytoken findings, which
// finish_scan turns into exit code 3. Defined in cli/honeytoken_scan.cpp.
Result<std::unique_ptr<RuleDatabase>> load_scan_database(const CommonOptions& options,
                                                         PipelineOptions& pipeline);

// Prints "leakhound: INPUT: REASON" on stderr, with control characters escaped.
void print_problem(const std::string& input, const std::string& reason);
// Prints "leakhound: MESSAGE" on stderr: an error that concerns no one input (usage,
// configuration), or whose message already names it.
void print_error(const std::string& message);

// An opened output (stdout or --output FILE) and its reporter.
class Output {
 public:
  static Result<std::unique_ptr<Output>> open(const CommonOptions& options);
  Reporter& reporter() { return *reporter_; }
  bool failed() const;  // a write error (disk full, closed pipe)

 private:
  std::ofstream file_;
  std::ostream* stream_ = nullptr;
  std::unique_ptr<Reporter> reporter_;
};

// Prints the one-line summary on stderr (unless --quiet) and picks the exit code.
// `failing_findings`: how many findings fail the scan (--fail-on), when not all of them do.
int finish_scan(const CommonOptions& options, const Summary& summary, Output& output,
                std::optional<std::uint64_t> failing_findings = std::nullopt);

}  // namespace leakhound
