#include "cli/dir_command.h"

#include <filesystem>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/project_config.h"
#include "engine/pipeline.h"
#include "sources/filesystem_source.h"

namespace leakhound {

void add_dir_command(CLI::App& app, DirOptions& options) {
  CLI::App* command = app.add_subcommand("dir", "Scan files and directories with the rules");
  command->add_option("paths", options.paths, "Files and directories to scan (default: .)")
      ->type_name("PATH");
  add_common_options(*command, options.common);
  command
      ->add_option("--exclude", options.excludes,
                   "Skip paths matching GLOB (relative to the scan root; a GLOB without '/' "
                   "matches any file or directory name); repeatable")
      ->type_name("GLOB");
  command
      ->add_option("--max-file-size", options.max_file_size,
                   "Skip (and report) files larger than SIZE (default 256M)")
      ->type_name("SIZE");
  command
      ->add_option("--chunk-size", options.chunk_size,
                   "Read files larger than SIZE in overlapping chunks (default 32M)")
      ->type_name("SIZE")
      ->group("");  // tuning and tests only
  command->add_flag("--follow-symlinks", options.follow_symlinks,
                    "Follow symbolic links (each directory is still visited once)");
  command->add_flag("--scan-binary", options.scan_binary,
                    "Scan files that look binary (NUL bytes in their first 8 KiB)");
  command
      ->add_option("--config", options.config,
                   "Project configuration (default: .leakhound.toml in the first PATH)")
      ->type_name("FILE");
  command->add_flag("--no-config", options.no_config, "Ignore .leakhound.toml");
}

int run_dir_command(const DirOptions& options) {
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(".");

  FilesystemOptions filesystem;
  filesystem.excludes = options.excludes;
  filesystem.follow_symlinks = options.follow_symlinks;
  filesystem.scan_binary = options.scan_binary;
  for (auto [text, target] : {std::pair{&options.max_file_size, &filesystem.max_file_size},
                              std::pair{&options.chunk_size, &filesystem.chunk_size}}) {
    auto size = parse_size(*text);
    if (!size) {
      print_problem("leakhound", size.error().message);
      return kExitError;
    }
    *target = size.value();
  }
  if (filesystem.chunk_size < 1024) filesystem.chunk_size = 1024;

  if (!options.no_config) {
    std::filesystem::path config_file = options.config;
    if (config_file.empty()) {
      std::error_code error;
      auto candidate = std::filesystem::path(paths.front()) / kProjectConfigName;
      if (std::filesystem::is_regular_file(candidate, error)) config_file = candidate;
    }
    if (!config_file.empty()) {
      auto config = load_project_config(config_file);
      if (!config) {
        print_problem("leakhound", config.error().message);
        return kExitError;
      }
      for (const std::string& glob : config.value().allow_paths)
        filesystem.excludes.push_back(glob);
    }
  }

  PipelineOptions pipeline;
  auto database = load_scan_database(options.common, pipeline);
  if (!database) {
    print_problem("leakhound", database.error().message);
    return kExitError;
  }
  auto output = Output::open(options.common);
  if (!output) {
    print_problem("leakhound", output.error().message);
    return kExitError;
  }
  FilesystemSource source(paths, filesystem);
  RunInfo run{"dir", paths, &database.value()->rules(), options.common.show_secrets};
  Reporter& reporter = output.value()->reporter();
  reporter.begin(run);
  pipeline.threads = options.common.threads;
  pipeline.on_problem = print_problem;
  Summary summary = run_pipeline(source, *database.value(), reporter, pipeline);
  reporter.end(summary);
  return finish_scan(options.common, summary, *output.value());
}

}  // namespace leakhound
