// `leakhound image PATH`: a docker-save tarball, an OCI layout directory or an OCI tarball.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/common.h"

namespace leakhound {

struct ImageCommandOptions {
  CommonOptions common;
  std::string path;
  std::string platform;
  unsigned max_archive_depth = 3;
  bool verify_digests = false;
  bool scan_binary = false;
  std::string max_file_size = "256M";
  std::string config;
  bool no_config = false;
};

void add_image_command(CLI::App& app, ImageCommandOptions& options);
int run_image_command(const ImageCommandOptions& options);

}  // namespace leakhound
