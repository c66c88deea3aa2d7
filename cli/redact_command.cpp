// `leakhound redact`: a filter that copies its input with every secret masked. Output is
// written with write(2) in large blocks, flushed whenever the input pauses; bytes are held back
// only while a secret that could still cover them is undecided (StreamScanner's release rules).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/exit_codes.h"
#include "cli/stream_command.h"
#include "engine/stream_scanner.h"
#include "sources/stream_input.h"

namespace leakhound {
namespace {

constexpr std::size_t kReadSize = 256 * 1024;

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
  for (const char* name : {"--format", "--threads", "--color", "--show-secrets", "--honeytokens",
                           "--canary-accounts"}) {
    if (CLI::Option* option = command->get_option_no_throw(name)) command->remove_option(option);
  }
  command
      ->add_option("--mask", options.mask,
                   "full: every byte of a secret becomes '*' (line breaks are kept); partial: "
                   "keeps the provider prefix or 4 characters")
      ->check(CLI::IsMember({"full", "partial"}));
  command->footer(
      "Only secrets change: every other byte, including invalid UTF-8 and binary data, is "
      "copied as it is. Output is flushed at line boundaries whenever the input pauses. "
      "SIGINT/SIGTERM: flush and exit 0. A closed output pipe ends quietly.");
}

int run_redact_command(const RedactOptions& options) {
  auto database = load_database(options.common);
  if (!database) {
    print_problem("leakhound", database.error().message);
    return kExitError;
  }
  int out_fd = STDOUT_FILENO;
  const std::string& output_path = options.common.output;
  if (!output_path.empty() && output_path != "-") {
    out_fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
      print_problem("leakhound",
                    output_path + ": cannot open for writing: " + std::strerror(errno));
      return kExitError;
    }
  }
  auto input = StreamInput::open(options.input, false);
  if (!input) {
    print_problem("leakhound", input.error().message);
    return kExitError;
  }
  Provenance provenance;
  provenance.source = "stream";
  provenance.path = input.value()->name();
  StreamOptions stream_options;
  stream_options.release = true;
  stream_options.mask = options.mask == "partial" ? MaskStyle::partial : MaskStyle::full;
  auto scanner = StreamScanner::open(*database.value(), provenance, stream_options);
  if (!scanner) {
    print_problem("leakhound", scanner.error().message);
    return kExitError;
  }
  install_stop_handlers();
  const auto started = std::chrono::steady_clock::now();
  StreamScanner& stream = *scanner.value();
  RawOutput output(out_fd);
  std::vector<char> buffer(kReadSize);
  std::vector<Finding> findings;
  std::uint64_t secrets = 0;
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
    secrets += findings.size();
    findings.clear();
  }
  if (status == RawOutput::Status::ok) {
    if (auto done = stream.finish(findings); !done && error.empty()) error = done.error().message;
    secrets += findings.size();
    stream.release(stream.releasable(false), pending_out);
    status = output.write(pending_out);
  }
  if (out_fd != STDOUT_FILENO) ::close(out_fd);
  if (status == RawOutput::Status::closed) return kExitClean;  // the reader went away: quietly
  if (error.empty()) error = input.value()->error();
  if (status == RawOutput::Status::failed) {
    error = (output_path.empty() ? std::string("stdout") : output_path) +
            ": write failed: " + std::strerror(errno);
  }
  if (!error.empty()) print_problem("leakhound", error);
  if (!options.common.quiet) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ostringstream line;
    line << "leakhound: redacted " << secrets << " secret(s) in " << std::fixed
         << std::setprecision(1) << static_cast<double>(stream.bytes_fed()) / 1e6 << " MB in "
         << std::setprecision(2) << seconds << " s";
    std::cerr << line.str() << '\n';
  }
  if (!error.empty()) return kExitError;
  if (stop_requested().load()) return kExitClean;  // stopped by a signal: flushed, exit 0
  return secrets > 0 ? options.common.exit_code : kExitClean;
}

}  // namespace leakhound
