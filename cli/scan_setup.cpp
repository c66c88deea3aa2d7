#include "cli/scan_setup.h"

#include <iostream>

#include "cli/interrupt.h"

namespace leakhound {

void add_config_options(CLI::App& command, std::string& config, bool& no_config,
                        const std::string& root) {
  command
      .add_option("--config", config,
                  "Project configuration: .leakhound.toml, or a gitleaks/Betterleaks TOML "
                  "(default: .leakhound.toml, else .gitleaks.toml, in " +
                      root + ")")
      ->type_name("FILE");
  command.add_flag("--no-config", no_config, "Ignore .leakhound.toml and .gitleaks.toml");
}

Result<ScanSetup> prepare_scan(const CommonOptions& options, const std::string& config_file,
                               bool no_config, const std::filesystem::path& root) {
  ScanSetup setup;
  auto config = find_project_config(config_file, no_config, root);
  if (!config) return config.error();
  setup.config = std::move(config).value();
  auto common = apply_project_config(options, setup.config);
  if (!common) return common.error();
  setup.common = std::move(common).value();
  auto gate = ScanGate::open(setup.common, setup.config, root);
  if (!gate) return gate.error();
  setup.gate = std::move(gate).value();
  auto database = load_scan_database(setup.common, setup.pipeline);
  if (!database) return database.error();
  setup.database = std::move(database).value();
  setup.pipeline.threads = setup.common.threads;
  setup.pipeline.on_problem = print_problem;
  setup.gate->install(setup.pipeline);
  setup.pipeline.stop = &interrupt_requested();
  return setup;
}

int report_collected(ScanSetup& setup, Output& output, const RunInfo& run, const Summary& summary,
                     const std::vector<Finding>& findings, const std::vector<std::string>& notes) {
  Reporter& reporter = setup.gate->counting(output.reporter());
  reporter.begin(run);
  for (const Finding& finding : findings)
    reporter.finding(finding);
  reporter.end(summary);
  if (!setup.common.quiet) {
    for (const std::string& note : notes)
      std::cerr << "leakhound: note: " << note << '\n';
  }
  setup.gate->report_stale_baseline();
  return finish_scan(setup.common, summary, output, setup.gate->failing_findings());
}

}  // namespace leakhound
