#include "cli/image_command.h"

#include <algorithm>
#include <functional>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/scan_setup.h"
#include "engine/pipeline.h"
#include "sources/image_source.h"

namespace leakhound {

void add_image_command(CLI::App& app, ImageCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "image",
      "Scan a container image: every file of every layer (deleted ones too) and its config");
  command
      ->add_option("path", options.path,
                   "A `docker save` tarball, an OCI image layout directory or an OCI tarball")
      ->type_name("PATH")
      ->required();
  add_common_options(*command, options.common);
  add_exclude_option(*command, options.common.excludes, "the image's root file system");
  command
      ->add_option("--platform", options.platform,
                   "Only this platform of a multi-platform index (default: every platform)")
      ->type_name("OS/ARCH");
  command
      ->add_option("--max-archive-depth", options.max_archive_depth,
                   "Open archives inside layers (zip, jar, war, tar, tgz) this deep (default 3; "
                   "0: do not open them)")
      ->type_name("N");
  command->add_flag("--verify-digests", options.verify_digests,
                    "Check every manifest, configuration and layer against its digest");
  command->add_flag("--scan-binary", options.scan_binary,
                    "Scan files that look binary (NUL bytes in their first 8 KiB)");
  command
      ->add_option("--max-file-size", options.max_file_size,
                   "Skip (and report) files larger than SIZE (default 256M)")
      ->type_name("SIZE");
  add_config_options(*command, options.config, options.no_config, "the current directory");
}

int run_image_command(const ImageCommandOptions& options) {
  ImageOptions image;
  image.path = options.path;
  image.platform = options.platform;
  image.max_archive_depth = options.max_archive_depth;
  image.verify_digests = options.verify_digests;
  image.scan_binary = options.scan_binary;
  auto size = parse_size(options.max_file_size);
  if (!size) {
    print_error(size.error().message);
    return kExitError;
  }
  image.max_file_size = size.value();

  // An image has no project folder: the configuration is the one of where the scan runs.
  auto setup = prepare_scan(options.common, options.config, options.no_config, ".");
  install_interrupt_handlers();  // Ctrl-C: finish a partial report, exit 130
  if (!setup) {
    print_error(setup.error().message);
    return kExitError;
  }
  ScanSetup& scan = setup.value();
  image.layer_readers = effective_threads(scan.pipeline.threads);  // one layer per thread
  auto source = ImageSource::open(image);
  if (!source) {
    print_error(source.error().message);
    return kExitError;
  }
  auto output = Output::open(scan.common);
  if (!output) {
    print_error(output.error().message);
    return kExitError;
  }
  // Identical content is scanned once, at whichever place a layer reader reaches first; only
  // finalize() knows the first place in image order. So the gate (allowlisted paths, baseline)
  // judges findings after it, where the result does not depend on the thread count.
  const std::function<bool(const Finding&)> keep = std::move(scan.pipeline.keep);
  scan.pipeline.keep = nullptr;
  CollectingReporter collected;
  Summary summary = run_pipeline(*source.value(), *scan.database, collected, scan.pipeline);
  source.value()->finalize(collected.findings);
  if (keep)
    std::erase_if(collected.findings, [&](const Finding& finding) { return !keep(finding); });
  // Copies of a large (chunked) file are scanned at each place but reported once, at the first.
  summary.findings = collected.findings.size();
  summary.honeytokens = static_cast<std::uint64_t>(
      std::count_if(collected.findings.begin(), collected.findings.end(),
                    [](const Finding& finding) { return finding.honeytoken.has_value(); }));
  RunInfo run{"image", {options.path}, &scan.database->rules(), scan.common.show_secrets};
  return report_collected(scan, *output.value(), run, summary, collected.findings,
                          source.value()->notes());
}

}  // namespace leakhound
