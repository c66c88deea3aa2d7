// `leakhound stream [FILE...|-]`: findings in log streams as JSON lines, each written and
// flushed as soon as it is confirmed; `--follow` follows files like tail -F; `--json-lines`
// scans JSON log records field by field. `leakhound redact [FILE|-]`: copies the input with
// every secret masked. Both run until the input ends (or, following, until SIGINT/SIGTERM).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/common.h"

namespace leakhound {

struct StreamCommandOptions {
  CommonOptions common;
  std::vector<std::string> inputs;
  bool follow = false;
  bool json_lines = false;
  std::string config;  // --config FILE; default: .leakhound.toml in the current directory
  bool no_config = false;
};

struct RedactOptions {
  CommonOptions common;
  std::string input = "-";
  std::string mask = "full";
  std::string report;  // --report FILE: the findings as JSON lines (secrets masked)
  std::string config;
  bool no_config = false;
};

void add_stream_command(CLI::App& app, StreamCommandOptions& options);
void add_redact_command(CLI::App& app, RedactOptions& options);
int run_stream_command(const StreamCommandOptions& options);
int run_redact_command(const RedactOptions& options);

// Set by SIGINT/SIGTERM while a stream command runs: inputs end, what is held is flushed.
void install_stop_handlers();
const std::atomic<bool>& stop_requested();

}  // namespace leakhound
