// What the batch scan commands (dir, git, image) do around their source, in one place: find and
// apply the project configuration, open the CI gate (allowlists, baseline, --fail-on), load the
// rule database with honeytokens wired in, and set the pipeline's options; after the scan,
// report findings through the gate and turn the result into the exit code.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/project_config.h"
#include "cli/scan_gate.h"
#include "engine/finding.h"
#include "engine/pipeline.h"
#include "engine/reporter.h"
#include "engine/rule_database.h"
#include "engine/summary.h"

namespace leakhound {

// --config FILE and --no-config; `root` says in the help where the configuration is looked for
// ("the first PATH", "REPO", "the current directory").
void add_config_options(CLI::App& command, std::string& config, bool& no_config,
                        const std::string& root);

struct ScanSetup {
  CommonOptions common;  // the command line with the project configuration applied
  ProjectConfig config;
  std::unique_ptr<ScanGate> gate;
  std::unique_ptr<RuleDatabase> database;
  PipelineOptions pipeline;  // threads, problems, decoding, honeytokens and the gate's filter
};

// `config_file` and `no_config` are --config and --no-config; `root` is where .leakhound.toml
// (or a gitleaks configuration) and .gitleaksignore are looked for. Errors are printed by the
// caller.
Result<ScanSetup> prepare_scan(const CommonOptions& options, const std::string& config_file,
                               bool no_config, const std::filesystem::path& root);

// For sources that complete provenance after the whole input was read (git, image): reports
// `findings` through the gate, prints the source's notes (unless --quiet) and the stale
// baseline entries, and returns the exit code.
int report_collected(ScanSetup& setup, Output& output, const RunInfo& run, const Summary& summary,
                     const std::vector<Finding>& findings, const std::vector<std::string>& notes);

}  // namespace leakhound
