#include "cli/git_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/scan_setup.h"
#include "engine/pipeline.h"
#include "sources/filesystem_source.h"
#include "sources/git_source.h"

namespace leakhound {
namespace {

// "blobs 1234 (walk done: 1234 total) 456.7 MB 123.4 MB/s ETA 3 s", redrawn on stderr.
class Progress {
 public:
  explicit Progress(const GitSource& source) : source_(source), started_(Clock::now()) {}

  void update(const Summary& summary) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const double megabytes = static_cast<double>(summary.bytes_scanned) / 1e6;
    const std::uint64_t done = summary.inputs_scanned + summary.errors + [&] {
      std::uint64_t skipped = 0;
      for (const auto& [reason, count] : summary.skipped)
        skipped += count;
      return skipped;
    }();
    const std::uint64_t total = source_.items_handed_out();
    char line[160];
    if (source_.walk_finished() && done > 0 && done < total) {
      const double eta = seconds * static_cast<double>(total - done) / static_cast<double>(done);
      std::snprintf(line, sizeof line,
                    "\r\x1b[Kgit: %llu/%llu blobs, %.1f MB, %.1f MB/s, ETA %.0f s",
                    static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                    megabytes, seconds > 0 ? megabytes / seconds : 0.0, eta);
    } else {
      std::snprintf(line, sizeof line, "\r\x1b[Kgit: %llu/%llu+ blobs, %.1f MB, %.1f MB/s",
                    static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                    megabytes, seconds > 0 ? megabytes / seconds : 0.0);
    }
    std::cerr << line << std::flush;
    shown_ = true;
  }

  void clear() {
    if (shown_) std::cerr << "\r\x1b[K" << std::flush;
  }

 private:
  using Clock = std::chrono::steady_clock;
  const GitSource& source_;
  Clock::time_point started_;
  Clock::time_point last_{};
  bool shown_ = false;
};

}  // namespace

void add_git_command(CLI::App& app, GitCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "git", "Scan a git repository's history: every blob once, or what a range adds");
  command
      ->add_option("repository", options.repository,
                   "Working tree, bare repository or worktree (default: .)")
      ->type_name("REPO");
  add_common_options(*command, options.common);
  add_exclude_option(*command, options.common.excludes, "the repository's root");
  auto* range = command
                    ->add_option("--range", options.range,
                                 "Only what the commits in A..B (or A...B) add, as a pull "
                                 "request check needs")
                    ->type_name("A..B");
  auto* since = command->add_option("--since", options.since, "Shorthand for --range REV..HEAD")
                    ->type_name("REV");
  auto* commit = command->add_option("--commit", options.commit, "Only what one commit adds")
                     ->type_name("SHA");
  auto* staged = command->add_flag("--staged", options.staged,
                                   "Only what the index adds to HEAD (a pre-commit check)");
  range->excludes(since, commit, staged);
  since->excludes(commit, staged);
  commit->excludes(staged);
  command->add_flag("--include-unreachable", options.include_unreachable,
                    "Also scan blobs no ref reaches (dangling objects)");
  command->add_flag("--all-provenance", options.all_provenance,
                    "List every commit and path where each leaking blob appears");
  command->add_flag("--require-full-history", options.require_full_history,
                    "Fail (exit 2) when the clone is shallow, so older commits are missing");
  command->add_flag("--scan-binary", options.scan_binary,
                    "Scan blobs that look binary (NUL bytes in their first 8 KiB)");
  command
      ->add_option("--max-file-size", options.max_file_size,
                   "Skip (and report) blobs larger than SIZE (default 256M)")
      ->type_name("SIZE");
  command
      ->add_option("--cache", options.cache,
                   "Remember blobs scanned clean in DIR, so a re-audit scans only new blobs")
      ->type_name("DIR");
  add_config_options(*command, options.config, options.no_config, "REPO");
  command
      ->add_option("--progress", options.progress,
                   "Progress on stderr: auto (when it is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

int run_git_command(const GitCommandOptions& options) {
  GitOptions git;
  git.repository = options.repository;
  git.include_unreachable = options.include_unreachable;
  git.all_provenance = options.all_provenance;
  git.require_full_history = options.require_full_history;
  git.show_secrets = options.common.show_secrets;
  git.scan_binary = options.scan_binary;
  if (options.staged) {
    git.mode = GitOptions::Mode::staged;
  } else if (!options.commit.empty()) {
    git.mode = GitOptions::Mode::commit;
    git.revision = options.commit;
  } else if (!options.range.empty() || !options.since.empty()) {
    git.mode = GitOptions::Mode::range;
    git.revision = options.range.empty() ? options.since + "..HEAD" : options.range;
  }
  auto size = parse_size(options.max_file_size);
  if (!size) {
    print_error(size.error().message);
    return kExitError;
  }
  git.max_file_size = size.value();
  if (!options.cache.empty()) git.cache_dir = options.cache;

  auto setup = prepare_scan(options.common, options.config, options.no_config, options.repository);
  install_interrupt_handlers();  // Ctrl-C: finish a partial report, exit 130
  if (!setup) {
    print_error(setup.error().message);
    return kExitError;
  }
  ScanSetup& scan = setup.value();
  git.rules_hash = scan.database->rules_hash();
  auto source = GitSource::open(git);
  if (!source) {
    print_error(source.error().message);
    return kExitError;
  }
  auto output = Output::open(scan.common);
  if (!output) {
    print_error(output.error().message);
    return kExitError;
  }
  const bool show_progress =
      options.progress == "always" || (options.progress == "auto" && ::isatty(STDERR_FILENO));
  Progress progress(*source.value());
  if (show_progress)
    scan.pipeline.on_progress = [&](const Summary& summary) { progress.update(summary); };
  scan.pipeline.on_problem = [&](const std::string& input, const std::string& reason) {
    progress.clear();
    print_problem(input, reason);
  };

  CollectingReporter collected;
  Summary summary = run_pipeline(*source.value(), *scan.database, collected, scan.pipeline);
  progress.clear();
  source.value()->finalize(collected.findings);
  summary.findings = collected.findings.size();  // one per (secret, path) after the merge
  if (!summary.partial) source.value()->update_cache(collected.findings);
  RunInfo run{"git", {options.repository}, &scan.database->rules(), scan.common.show_secrets};
  return report_collected(scan, *output.value(), run, summary, collected.findings,
                          source.value()->notes());
}

}  // namespace leakhound
