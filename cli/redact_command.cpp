// `leakhound redact`: a filter that copies its input with every secret masked. Output is
// written with write(2) in large blocks, flushed whenever the input pauses; bytes are held back
// only while a secret that could still cover them is undecided (StreamScanner's release rules).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "cli/exit_codes.h"
#include "cli/scan_setup.h"
#include "cli/stream_command.h"
#include "engine/stream_scanner.h"
#include "sources/stream_input.h"

namespace leakhound {
namespace {

constexpr std::size_t kReadSize = 256 * 1024;

// Where findings go without --report: only the gate's count of failing findings is kept.
class DiscardingReporter : public Reporter {
 public:
  void begin(const RunInfo&) override {}
  void finding(const Finding&) override {}
  void end(const Summary&) override {}
};

// Writes everything or reports why not; EPIPE (the reader went away) is "closed", not an error.
class RawOutput {
 public:
  enum class Status { ok, closed, failed };
  explicit RawOutput(int fd) : fd_(fd) {}
  Status write(std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (wrote > 0) {
        done += static_cast<std::size_t>(wrote);
      } else if (wrote < 0 && errno == EINTR) {
        continue;  // a stop signal: finish this write, the caller flushes and ends
      } else {
        return errno == EPIPE ? Status::closed : Status::failed;
      }
    }
    bytes.clear();
    return Status::ok;
  }

 private:
  int fd_;
};

}  // namespace

void add_redact_command(CLI::App& app, RedactOptions& options) {
  CLI::App* command = app.add_subcommand(
      "redact", "Copy a stream (file or stdin) to the output with every secret masked");
  command->add_option("input", options.input, "The input; - is stdin (default)")
      ->type_name("FILE|-");
  add_common_options(*command, options.common);
  for (const char* name : {"--format", "--threads", "--color", "--show-secrets"}) {
    if (CLI::Option* option = command->get_option_no_throw(name)) command->remove_option(option);
  }
  command
      ->add_option("--mask", options.mask,
                   "full: every byte of a secret becomes '*' (line breaks are kept); partial: "
                   "keeps the provider prefix or 4 characters")
      ->check(CLI::IsMember({"full", "partial"}));
  command
      ->add_option("--report", options.report,
                   "Also write the findings to FILE as JSON lines (secrets masked), each as it "
                   "is confirmed")
      ->type_name("FILE");
  add_config_options(*command, options.config, options.no_config, "the current directory");
  command->get_option("--output")
      ->description("Write the masked copy to FILE instead of stdout (findings: --report)");
  command->footer(
      "Only secrets change: every other byte, including invalid UTF-8 and binary data, is "
      "copied as it is. Output is flushed at line boundaries whenever the input pauses. "
      "SIGINT/SIGTERM: flush and exit 0. A closed output pipe ends quietly. A honeytoken "
      "(--honeytokens, --canary-accounts) is masked like any secret, reported on stderr and "
      "makes the exit code 3.");
}

int run_redact_command(const RedactOptions& options) {
  auto setup = prepare_scan(options.common, options.config, options.no_config, ".");
  if (!setup) {
    print_error(setup.error().message);
    return kExitError;
  }
  ScanSetup& scan = setup.value();
  const CommonOptions& common = scan.common;
  const RuleDatabase& database = *scan.database;
  std::unique_ptr<Output> report;
  if (!options.report.empty()) {
    CommonOptions report_options = common;
    report_options.format = "jsonl";
    report_options.output = options.report;
    report_options.show_secrets = false;
    auto opened = Output::open(report_options);
    if (!opened) {
      print_error(opened.error().message);
      return kExitError;
    }
    report = std::move(opened).value();
  }
  int out_fd = STDOUT_FILENO;
  const std::string& output_path = common.output;
  if (!output_path.empty() && output_path != "-") {
    out_fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
      print_error(output_path + ": cannot open for writing: " + std::strerror(errno));
      return kExitError;
    }
  }
  auto input = StreamInput::open(options.input, false);
  if (!input) {
    print_problem(options.input == "-" ? "stdin" : options.input, input.error().message);
    return kExitError;
  }
  Provenance provenance;
  provenance.source = "stream";
  provenance.path = input.value()->name();
  StreamOptions stream_options;
  stream_options.release = true;
  stream_options.mask = options.mask == "partial" ? MaskStyle::partial : MaskStyle::full;
  stream_options.max_decode_depth = scan.pipeline.max_decode_depth;
  // Honeytokens are annotated first; what the gate accepts (allowlists, baseline) is declared
  // not to be a secret, so it is neither masked nor reported.
  stream_options.filter = [&scan](Finding& finding) {
    if (scan.pipeline.annotate) scan.pipeline.annotate(finding);
    return !scan.pipeline.keep || scan.pipeline.keep(finding);
  };
  auto scanner = StreamScanner::open(database, provenance, stream_options);
  if (!scanner) {
    print_error(scanner.error().message);
    return kExitError;
  }
  install_stop_handlers();
  const auto started = std::chrono::steady_clock::now();
  StreamScanner& stream = *scanner.value();
  RawOutput output(out_fd);
  std::vector<char> buffer(kReadSize);
  std::vector<Finding> findings;
  std::uint64_t secrets = 0;
  std::uint64_t honeytokens = 0;
  DiscardingReporter discard;
  Reporter& reporter = scan.gate->counting(report ? report->reporter() : discard);
  reporter.begin({"redact", {input.value()->name()}, &database.rules(), false});
  // Rules with a candidate neither confirmed nor ruled out (PCRE2 gave up): not masked.
  std::vector<std::uint32_t> unconfirmed;
  // Counts the masked secrets; reports them (--report) and raises the alarm for honeytokens.
  auto account = [&] {
    for (Finding& finding : findings) {
      if (finding.honeytoken) {
        ++honeytokens;
        std::cerr << "leakhound: HONEYTOKEN sighting: " << finding.honeytoken->label
                  << " (planted at " << finding.honeytoken->planted_at << "), rule "
                  << finding.rule->id << ", " << input.value()->name() << " line " << finding.line
                  << '\n';
      }
      reporter.finding(finding);
    }
    secrets += findings.size();
    findings.clear();
    for (std::uint32_t rule : stream.take_unconfirmed_rules())
      if (std::find(unconfirmed.begin(), unconfirmed.end(), rule) == unconfirmed.end())
        unconfirmed.push_back(rule);
  };
  std::string pending_out;
  std::string error;
  RawOutput::Status status = RawOutput::Status::ok;
  while (status == RawOutput::Status::ok) {
    std::size_t size = 0;
    const StreamInput::Event event = input.value()->read(buffer, size, stop_requested());
    if (event == StreamInput::Event::data) {
      if (auto fed = stream.feed({buffer.data(), size}, findings); !fed) {
        error = fed.error().message;
        break;
      }
      stream.release(stream.releasable(false), pending_out);
      if (pending_out.size() >= kReadSize) status = output.write(pending_out);
    } else if (event == StreamInput::Event::pause) {
      stream.release(stream.releasable(true), pending_out);
      status = output.write(pending_out);
    } else {
      break;
    }
    account();
  }
  if (status == RawOutput::Status::ok) {
    if (auto done = stream.finish(findings); !done && error.empty()) error = done.error().message;
    account();
    stream.release(stream.releasable(false), pending_out);
    status = output.write(pending_out);
  }
  if (out_fd != STDOUT_FILENO) ::close(out_fd);
  // A sighting outranks everything, even a reader that went away.
  if (status == RawOutput::Status::closed) return honeytokens > 0 ? kExitHoneytoken : kExitClean;
  if (error.empty() && !input.value()->error().empty())
    error = input.value()->name() + ": " + input.value()->error();
  if (status == RawOutput::Status::failed) {
    error = (output_path.empty() ? std::string("stdout") : output_path) +
            ": write failed: " + std::strerror(errno);
  }
  if (!error.empty()) print_error(error);
  // Never lose a candidate silently: name the rule and the input, and the scan is partial.
  for (std::uint32_t rule : unconfirmed)
    print_problem(input.value()->name(), unconfirmed_reason(database.rules()[rule]));
  {
    Summary summary;
    summary.rules = database.rules().size();
    summary.threads = 1;
    summary.inputs_scanned = 1;
    summary.bytes_scanned = stream.bytes_fed();
    summary.findings = secrets;
    summary.honeytokens = honeytokens;
    if (!error.empty()) {
      summary.errors = 1;
      summary.partial = true;
      summary.problems.emplace_back(input.value()->name(), error);
    }
    for (std::uint32_t rule : unconfirmed) {
      ++summary.unconfirmed;
      summary.partial = true;
      if (summary.problems.size() < Summary::kMaxProblems)
        summary.problems.emplace_back(input.value()->name(),
                                      unconfirmed_reason(database.rules()[rule]));
    }
    reporter.end(summary);
  }
  scan.gate->report_stale_baseline();
  if (!common.quiet) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ostringstream line;
    line << "leakhound: redacted " << secrets << " secret(s) in " << std::fixed
         << std::setprecision(1) << static_cast<double>(stream.bytes_fed()) / 1e6 << " MB in "
         << std::setprecision(2) << seconds << " s";
    if (honeytokens > 0) line << ", " << honeytokens << " honeytoken sighting(s)";
    if (!unconfirmed.empty())
      line << "; " << unconfirmed.size()
           << " rule(s) with a candidate not confirmed (PCRE2 match limit), not masked";
    std::cerr << line.str() << '\n';
  }
  if (honeytokens > 0) return kExitHoneytoken;
  if (!error.empty() || !unconfirmed.empty()) return kExitError;
  if (stop_requested().load()) return kExitClean;  // stopped by a signal: flushed, exit 0
  return scan.gate->failing_findings() > 0 ? common.exit_code : kExitClean;
}

}  // namespace leakhound
