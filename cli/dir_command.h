// `leakhound dir PATH...`: scan files and directory trees.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/common.h"

namespace leakhound {

struct DirOptions {
  CommonOptions common;
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::string max_file_size = "256M";
  std::string chunk_size = "32M";
  bool follow_symlinks = false;
  bool scan_binary = false;
  std::string config;
  bool no_config = false;
};

void add_dir_command(CLI::App& app, DirOptions& options);
int run_dir_command(const DirOptions& options);

}  // namespace leakhound
