#include "cli/stream_command.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/exit_codes.h"
#include "cli/scan_setup.h"
#include "engine/stream_scanner.h"
#include "sources/json_record.h"
#include "sources/stream_input.h"

namespace leakhound {
namespace {

std::atomic<bool> g_stop{false};

void on_stop_signal(int) {
  g_stop.store(true);
}

constexpr std::size_t kReadSize = 256 * 1024;
// A JSON record longer than this is scanned as text (constant memory whatever the line length).
constexpr std::size_t kMaxRecord = 1024 * 1024;

// Serialises findings of all streams onto the one output, flushing each; the scan's filter
// (honeytoken annotation, then the CI gate) runs here, under the lock, as the gate needs.
class FindingSink {
 public:
  FindingSink(Reporter& reporter, const PipelineOptions& hooks)
      : reporter_(reporter), annotate_(hooks.annotate), keep_(hooks.keep) {}
  void emit(std::vector<Finding>& findings) {
    if (findings.empty()) return;
    std::lock_guard lock(mutex_);
    for (Finding& finding : findings) {
      if (annotate_) annotate_(finding);  // honeytoken sightings (--honeytokens)
      if (keep_ && !keep_(finding)) continue;
      if (finding.honeytoken) ++honeytokens_;
      reporter_.finding(finding);
      ++count_;
    }
    findings.clear();
  }
  std::uint64_t count() const { return count_; }
  std::uint64_t honeytokens() const { return honeytokens_; }

 private:
  Reporter& reporter_;
  std::function<void(Finding&)> annotate_;
  std::function<bool(const Finding&)> keep_;
  std::mutex mutex_;
  std::uint64_t count_ = 0;
  std::uint64_t honeytokens_ = 0;
};

struct StreamResult {
  std::uint64_t bytes = 0;
  std::string error;
};

// One input, one thread: text lines go through a StreamScanner; JSON records (--json-lines, or
// a first line that is a JSON object) through a JsonRecordScanner, one line at a time.
class StreamWorker {
 public:
  StreamWorker(const RuleDatabase& database, StreamInput& input, FindingSink& sink, bool json_lines,
               unsigned max_decode_depth)
      : database_(database), input_(input), sink_(sink), json_(json_lines), decided_(json_lines) {
    provenance_.source = "stream";
    provenance_.path = input.name();
    options_.max_decode_depth = max_decode_depth;
  }

  StreamResult run() {
    StreamResult result;
    std::vector<char> buffer(kReadSize);
    if (auto opened = restart(); !opened) return {0, opened.error().message};
    while (true) {
      std::size_t size = 0;
      const StreamInput::Event event = input_.read(buffer, size, g_stop);
      if (event == StreamInput::Event::data) {
        result.bytes += size;
        if (auto fed = feed({buffer.data(), size}); !fed)
          return {result.bytes, fed.error().message};
      } else if (event == StreamInput::Event::reset || event == StreamInput::Event::end) {
        if (auto done = finish(); !done) return {result.bytes, done.error().message};
        if (event == StreamInput::Event::end) break;
        if (auto opened = restart(); !opened) return {result.bytes, opened.error().message};
      }
    }
    result.error = input_.error();
    return result;
  }

  // Rules with a candidate neither confirmed nor ruled out (PCRE2 gave up) in this input.
  const std::vector<std::uint32_t>& unconfirmed_rules() const { return unconfirmed_; }

 private:
  Result<void> restart() {
    auto scanner = StreamScanner::open(database_, provenance_, options_);
    if (!scanner) return scanner.error();
    text_ = std::move(scanner).value();
    offset_ = 0;
    line_number_ = 1;
    line_.clear();
    long_line_ = false;
    return {};
  }

  Result<void> feed(std::string_view bytes) {
    if (decided_ && !json_) return feed_text(bytes);
    while (!bytes.empty()) {
      const std::size_t newline = bytes.find('\n');
      const std::string_view part =
          bytes.substr(0, newline == std::string_view::npos ? bytes.size() : newline + 1);
      bytes.remove_prefix(part.size());
      if (auto taken = take_line_part(part, newline != std::string_view::npos); !taken)
        return taken;
      if (decided_ && !json_) return feed_text(bytes);  // auto-detection chose text
    }
    return {};
  }

  Result<void> feed_text(std::string_view bytes) {
    std::vector<Finding> findings;
    auto fed = text_->feed(bytes, findings);
    collect(text_->take_unconfirmed_rules());
    sink_.emit(findings);
    return fed;
  }

  // JSON mode: collects a line; a complete one is scanned as a record (or as text).
  Result<void> take_line_part(std::string_view part, bool complete) {
    if (!long_line_ && line_.size() + part.size() > kMaxRecord) {
      if (!decided_) {  // a first line this long is not a log record: scan as text
        decided_ = true;
        json_ = false;
        auto fed = feed_text(line_);
        line_.clear();
        if (!fed) return fed;
        return feed_text(part);
      }
      // Too long for a record: this line is scanned as text by a stream of its own.
      long_line_ = true;
      auto scanner = StreamScanner::open(database_, provenance_, options_);
      if (!scanner) return scanner.error();
      long_scanner_ = std::move(scanner).value();
      long_line_start_ = offset_;
      if (auto fed = feed_long(line_); !fed) return fed;
      line_.clear();
    }
    if (long_line_) {
      if (auto fed = feed_long(part); !fed) return fed;
    } else {
      line_.append(part);
    }
    if (!complete) return {};
    if (long_line_) {
      std::vector<Finding> findings;
      auto done = long_scanner_->finish(findings);
      collect(long_scanner_->take_unconfirmed_rules());
      relocate(findings);
      sink_.emit(findings);
      long_line_ = false;
      long_scanner_.reset();
      offset_ = long_line_start_ + long_scanner_bytes_;
      long_scanner_bytes_ = 0;
      ++line_number_;
      return done;
    }
    std::string_view record(line_);
    if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
    if (!decided_) {
      decided_ = true;
      json_ = JsonRecordScanner::is_json_object(record);
      if (!json_) {
        std::string first = std::move(line_);
        line_.clear();
        return feed_text(first);
      }
    }
    scan_record(record);
    offset_ += line_.size();
    ++line_number_;
    line_.clear();
    return {};
  }

  Result<void> feed_long(std::string_view bytes) {
    std::vector<Finding> findings;
    long_scanner_bytes_ += bytes.size();
    auto fed = long_scanner_->feed(bytes, findings);
    collect(long_scanner_->take_unconfirmed_rules());
    relocate(findings);
    sink_.emit(findings);
    return fed;
  }

  void relocate(std::vector<Finding>& findings) const {
    for (Finding& finding : findings) {
      finding.offset += long_line_start_;
      finding.end_offset += long_line_start_;
      finding.line += line_number_ - 1;
      finding.end_line += line_number_ - 1;
    }
  }

  void scan_record(std::string_view record) {
    if (!records_)
      records_ = std::make_unique<JsonRecordScanner>(database_, options_.max_decode_depth);
    std::vector<Finding> findings;
    if (!records_->scan(record, line_number_, offset_, provenance_, findings)) {
      // Not JSON (a stray text line): scan its bytes as they are.
      auto scanner = StreamScanner::open(database_, provenance_, options_);
      if (scanner) {
        (void)scanner.value()->feed(record, findings);
        (void)scanner.value()->finish(findings);
        collect(scanner.value()->take_unconfirmed_rules());
        for (Finding& finding : findings) {
          finding.offset += offset_;
          finding.end_offset += offset_;
          finding.line += line_number_ - 1;
          finding.end_line += line_number_ - 1;
        }
      }
    }
    collect(records_->take_unconfirmed_rules());
    sink_.emit(findings);
  }

  Result<void> finish() {
    if ((!decided_ || json_) && (!line_.empty() || long_line_)) {
      if (auto last = take_line_part({}, true); !last) return last;  // a last line without \n
    }
    if (!decided_ || json_) return {};
    std::vector<Finding> findings;
    auto done = text_->finish(findings);
    collect(text_->take_unconfirmed_rules());
    sink_.emit(findings);
    return done;
  }

  // Remembers rules whose confirmation gave up on this input, each once.
  void collect(const std::vector<std::uint32_t>& rules) {
    for (std::uint32_t rule : rules)
      if (std::find(unconfirmed_.begin(), unconfirmed_.end(), rule) == unconfirmed_.end())
        unconfirmed_.push_back(rule);
  }

  const RuleDatabase& database_;
  StreamInput& input_;
  FindingSink& sink_;
  Provenance provenance_;
  StreamOptions options_;
  bool json_;
  bool decided_;
  std::unique_ptr<StreamScanner> text_;
  std::unique_ptr<JsonRecordScanner> records_;
  std::string line_;
  std::uint64_t offset_ = 0;  // JSON mode: offset of line_'s first byte
  std::uint64_t line_number_ = 1;
  bool long_line_ = false;
  std::unique_ptr<StreamScanner> long_scanner_;
  std::uint64_t long_line_start_ = 0;
  std::uint64_t long_scanner_bytes_ = 0;
  std::vector<std::uint32_t> unconfirmed_;
};

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read or write returns EINTR
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed output pipe becomes EPIPE, handled where we write
}

const std::atomic<bool>& stop_requested() {
  return g_stop;
}

void add_stream_command(CLI::App& app, StreamCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "stream",
      "Scan log streams (files or stdin); print findings as JSON lines as they happen (other "
      "--format values write their report when the input ends)");
  command->add_option("inputs", options.inputs, "Files to scan in parallel; - is stdin (default)")
      ->type_name("FILE|-");
  add_common_options(*command, options.common);
  // -j for a stream: how many inputs are scanned at once (one thread each).
  command->get_option("--threads")
      ->description(
          "Inputs scanned at once, one thread each (default: all of them; with "
          "--follow, all of them)");
  command->get_option("--format")
      ->description(
          "Output format (default: jsonl, each finding written as it is confirmed; "
          "json, sarif, gitlab and text are written when the inputs end)");
  command->add_flag("-F,--follow", options.follow,
                    "Follow the files like tail -F: wait for appends, survive rotation and "
                    "truncation; stop with SIGINT or SIGTERM");
  command->add_flag("--json-lines", options.json_lines,
                    "Each line is a JSON record: scan its string values, report the field path "
                    "and the record's timestamp (default: when the first line is a JSON object)");
  add_config_options(*command, options.config, options.no_config, "the current directory");
}

int run_stream_command(const StreamCommandOptions& options) {
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.push_back("-");
  CommonOptions command_line = options.common;
  // JSON lines unless asked otherwise: a stream's findings are wanted as they happen.
  if (command_line.format.empty() && !format_for_path(command_line.output))
    command_line.format = "jsonl";
  if (options.follow && command_line.threads != 0 && command_line.threads < inputs.size()) {
    print_error("stream --follow: -j " + std::to_string(command_line.threads) +
                " is fewer than the " + std::to_string(inputs.size()) +
                " inputs, which are followed each on its own thread");
    return kExitError;
  }
  auto setup = prepare_scan(command_line, options.config, options.no_config, ".");
  if (!setup) {
    print_error(setup.error().message);
    return kExitError;
  }
  ScanSetup& scan = setup.value();
  const CommonOptions& common = scan.common;
  const RuleDatabase& database = *scan.database;
  if (auto stream_database = database.stream_database(); !stream_database) {
    print_error(stream_database.error().message);
    return kExitError;
  }
  auto output = Output::open(common);
  if (!output) {
    print_error(output.error().message);
    return kExitError;
  }
  install_stop_handlers();
  const auto started = std::chrono::steady_clock::now();
  Reporter& reporter = scan.gate->counting(output.value()->reporter());
  reporter.begin({"stream", inputs, &database.rules(), common.show_secrets});
  FindingSink sink(reporter, scan.pipeline);
  Summary summary;
  summary.rules = database.rules().size();
  const std::size_t parallel_inputs =
      command_line.threads == 0 ? inputs.size()
                                : std::min<std::size_t>(command_line.threads, inputs.size());
  summary.threads = static_cast<unsigned>(parallel_inputs);
  std::mutex summary_mutex;
  auto note_problem = [&](const std::string& input, const std::string& reason) {
    std::lock_guard lock(summary_mutex);
    ++summary.errors;
    summary.partial = true;
    if (summary.problems.size() < Summary::kMaxProblems)
      summary.problems.emplace_back(input, reason);
    print_problem(input, reason);
  };
  auto scan_one = [&](const std::string& path) {
    auto input = StreamInput::open(path, options.follow);
    if (!input) {
      note_problem(path, input.error().message);
      return;
    }
    StreamWorker worker(database, *input.value(), sink, options.json_lines,
                        common.max_decode_depth);
    StreamResult result = worker.run();
    {
      std::lock_guard lock(summary_mutex);
      summary.bytes_scanned += result.bytes;
      ++summary.inputs_scanned;
    }
    if (!result.error.empty()) note_problem(input.value()->name(), result.error);
    // Never lose a candidate silently: name the rule and the input, and the scan is partial.
    for (std::uint32_t rule : worker.unconfirmed_rules()) {
      const std::string reason = unconfirmed_reason(database.rules()[rule]);
      std::lock_guard lock(summary_mutex);
      ++summary.unconfirmed;
      summary.partial = true;
      if (summary.problems.size() < Summary::kMaxProblems)
        summary.problems.emplace_back(input.value()->name(), reason);
      print_problem(input.value()->name(), reason);
    }
  };
  std::atomic<std::size_t> next_input{0};
  auto scan_inputs = [&] {
    for (std::size_t i = next_input++; i < inputs.size(); i = next_input++)
      scan_one(inputs[i]);
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < parallel_inputs; ++i)
    threads.emplace_back(scan_inputs);
  scan_inputs();
  for (std::thread& thread : threads)
    thread.join();
  summary.findings = sink.count();
  summary.honeytokens = sink.honeytokens();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  reporter.end(summary);
  scan.gate->report_stale_baseline();
  return finish_scan(common, summary, *output.value(), scan.gate->failing_findings());
}

}  // namespace leakhound
