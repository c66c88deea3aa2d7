// `leakhound git [REPO]`: full history, a range, one commit, or the staged changes.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/common.h"

namespace leakhound {

struct GitCommandOptions {
  CommonOptions common;
  std::string repository = ".";
  std::string range;
  std::string since;
  std::string commit;
  bool staged = false;
  bool include_unreachable = false;
  bool all_provenance = false;
  bool require_full_history = false;
  bool scan_binary = false;
  std::string max_file_size = "256M";
  std::string cache;
  std::string config;
  bool no_config = false;
  std::string progress = "auto";
};

void add_git_command(CLI::App& app, GitCommandOptions& options);
int run_git_command(const GitCommandOptions& options);

}  // namespace leakhound
