#include "cli/dir_command.h"

#include <filesystem>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/scan_setup.h"
#include "engine/pipeline.h"
#include "sources/filesystem_source.h"

namespace leakhound {

void add_dir_command(CLI::App& app, DirOptions& options) {
  CLI::App* command = app.add_subcommand("dir", "Scan files and directories with the rules");
  command->add_option("paths", options.paths, "Files and directories to scan (default: .)")
      ->type_name("PATH");
  add_common_options(*command, options.common);
  add_exclude_option(*command, options.excludes, "the scan root");
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
  add_config_options(*command, options.config, options.no_config, "the first PATH");
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
      print_error(size.error().message);
      return kExitError;
    }
    *target = size.value();
  }
  if (filesystem.chunk_size < 1024) filesystem.chunk_size = 1024;

  auto setup = prepare_scan(options.common, options.config, options.no_config, paths.front());
  install_interrupt_handlers();  // Ctrl-C: finish a partial report, exit 130
  if (!setup) {
    print_error(setup.error().message);
    return kExitError;
  }
  ScanSetup& scan = setup.value();
  for (const std::string& glob : scan.config.allow_paths)
    filesystem.excludes.push_back(glob);
  for (const std::string& own : {scan.common.honeytokens, scan.common.canary_accounts}) {
    if (!own.empty()) filesystem.never_scan.push_back(own);  // never an input of its own scan
  }
  auto output = Output::open(scan.common);
  if (!output) {
    print_error(output.error().message);
    return kExitError;
  }
  FilesystemSource source(paths, filesystem);
  RunInfo run{"dir", paths, &scan.database->rules(), scan.common.show_secrets};
  Reporter& reporter = scan.gate->counting(output.value()->reporter());
  reporter.begin(run);
  Summary summary = run_pipeline(source, *scan.database, reporter, scan.pipeline);
  reporter.end(summary);
  scan.gate->report_stale_baseline();
  return finish_scan(scan.common, summary, *output.value(), scan.gate->failing_findings());
}

}  // namespace leakhound
