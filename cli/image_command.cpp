#include "cli/image_command.h"

#include <iostream>

#include "cli/exit_codes.h"
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
    print_problem("leakhound", size.error().message);
    return kExitError;
  }
  image.max_file_size = size.value();

  PipelineOptions pipeline;
  auto database = load_scan_database(options.common, pipeline);
  if (!database) {
    print_problem("leakhound", database.error().message);
    return kExitError;
  }
  auto source = ImageSource::open(image);
  if (!source) {
    print_problem("leakhound", source.error().message);
    return kExitError;
  }
  auto output = Output::open(options.common);
  if (!output) {
    print_problem("leakhound", output.error().message);
    return kExitError;
  }
  pipeline.threads = options.common.threads;
  pipeline.on_problem = print_problem;

  CollectingReporter collected;
  Summary summary = run_pipeline(*source.value(), *database.value(), collected, pipeline);
  source.value()->finalize(collected.findings);
  RunInfo run{"image", {options.path}, &database.value()->rules(), options.common.show_secrets};
  Reporter& reporter = output.value()->reporter();
  reporter.begin(run);
  for (const Finding& finding : collected.findings)
    reporter.finding(finding);
  reporter.end(summary);
  if (!options.common.quiet) {
    for (const std::string& note : source.value()->notes())
      std::cerr << "leakhound: note: " << note << '\n';
  }
  return finish_scan(options.common, summary, *output.value());
}

}  // namespace leakhound
