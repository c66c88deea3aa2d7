#include "cli/scan_gate.h"

#include <iostream>

#include "reporters/text_reporter.h"
#include "sources/filesystem_source.h"

namespace leakhound {

Result<CommonOptions> apply_project_config(const CommonOptions& options,
                                           const ProjectConfig& config) {
  CommonOptions out = options;
  if (out.format.empty() && out.output.empty()) out.format = config.format;
  if (out.baseline.empty()) out.baseline = config.baseline;
  if (out.fail_on.empty() && config.fail_on) out.fail_on = std::string(to_string(*config.fail_on));
  for (const std::string& file : config.rule_files)
    out.rule_paths.push_back(file);
  for (const std::string& id : config.disabled_rules)
    out.disabled_rules.push_back(id);
  out.config_rules = config.rules;
  out.builtin_rules = config.use_builtin_rules;
  if (!options.quiet) {
    for (const std::string& note : config.notes)
      std::cerr << "leakhound: " << config.file.string() << ": " << note << '\n';
    if (!config.use_builtin_rules) {
      std::cerr << "leakhound: " << config.file.string() << ": " << config.rules.size()
                << " rule(s) loaded (leakhound's built-in rules are not used: set [extend] "
                   "useDefault = true to add them)\n";
    }
  }
  return out;
}

class ScanGate::CountingReporter : public Reporter {
 public:
  CountingReporter(ScanGate& gate, Reporter& inner) : gate_(gate), inner_(inner) {}
  void begin(const RunInfo& run) override { inner_.begin(run); }
  void finding(const Finding& finding) override {
    if (finding.honeytoken || effective_severity(finding) >= gate_.fail_on_) ++gate_.failing_;
    inner_.finding(finding);
  }
  void end(const Summary& summary) override { inner_.end(summary); }

 private:
  ScanGate& gate_;
  Reporter& inner_;
};

Result<std::unique_ptr<ScanGate>> ScanGate::open(const CommonOptions& options,
                                                 const ProjectConfig& config,
                                                 const std::filesystem::path& root) {
  std::unique_ptr<ScanGate> gate(new ScanGate());
  if (!options.fail_on.empty()) {
    auto severity = parse_severity(options.fail_on);
    if (!severity)
      return make_error("unknown --fail-on '" + options.fail_on +
                        "' (use low, medium, high or critical)");
    gate->fail_on_ = *severity;
  }
  gate->report_stale_ = options.report_stale_baseline;
  for (const std::string& own : {options.honeytokens, options.canary_accounts}) {
    if (own.empty()) continue;
    std::error_code error;
    const auto file = std::filesystem::weakly_canonical(own, error);
    const auto base = std::filesystem::weakly_canonical(root.empty() ? "." : root, error);
    if (error) continue;
    const auto relative = file.lexically_relative(base);
    if (!relative.empty() && *relative.begin() != "..") gate->own_files_.insert(relative.string());
  }
  gate->allow_paths_ = config.allow_paths;
  gate->allow_paths_.insert(gate->allow_paths_.end(), options.excludes.begin(),
                            options.excludes.end());
  auto allowlists = AllowlistMatcher::compile(config.allowlists);
  if (!allowlists) return allowlists.error();
  gate->allowlists_ = std::move(allowlists).value();
  for (const auto& [rule_id, pattern] : config.rule_paths) {
    auto regex = Regex::compile(pattern);
    if (!regex)
      return make_error(config.file.string() + ": rule '" + rule_id +
                        "': path: " + regex.error().message);
    gate->rule_paths_.emplace_back(rule_id, std::move(regex).value());
  }
  // `baseline create` records every finding, including those of the baseline it replaces.
  if (!options.baseline.empty() && !options.write_baseline) {
    auto baseline = load_baseline(options.baseline);
    if (!baseline) return baseline.error();
    gate->baseline_ = std::move(baseline).value();
  } else if (options.report_stale_baseline && !options.write_baseline) {
    return make_error("--report-stale-baseline needs --baseline FILE");
  }
  std::error_code error;
  if (const auto ignore_file = root / kGitleaksIgnoreName;
      std::filesystem::is_regular_file(ignore_file, error)) {
    auto ignored = load_gitleaks_ignore(ignore_file);
    if (!ignored) return ignored.error();
    gate->ignored_ = std::move(ignored).value();
  }
  return gate;
}

ScanGate::~ScanGate() = default;

bool ScanGate::accepts(const Finding& finding) {
  if (!own_files_.empty()) {
    std::string_view path = finding.provenance.path;
    if (path.starts_with("./")) path.remove_prefix(2);
    if (own_files_.contains(path)) return true;
  }
  if (finding.honeytoken) return false;  // a decoy's sighting is an incident, whatever the list
  if (finding.inline_allowed) return true;
  const std::string& path = finding.provenance.path;
  for (const std::string& glob : allow_paths_) {
    if (path_matches_glob(glob, path)) return true;
  }
  for (const auto& [rule_id, regex] : rule_paths_) {
    // A gitleaks rule with a path applies only to the files that path matches.
    if (rule_id == finding.rule->id && !regex.search(path)) return true;
  }
  if (!allowlists_->empty() && allowlists_->allows(finding)) return true;
  if (!ignored_.empty() && ignored_.contains(IgnoreEntry{path, finding.rule->id})) return true;
  if (!baseline_.empty()) {
    BaselineEntry entry = baseline_entry(finding);
    if (baseline_.contains(entry)) {
      baseline_used_.insert(std::move(entry));
      return true;
    }
  }
  return false;
}

void ScanGate::install(PipelineOptions& pipeline) {
  auto previous = pipeline.keep;
  // `keep` runs in the pipeline's serial output stage, so the gate's state needs no lock.
  pipeline.keep = [this, previous](const Finding& finding) {
    if (accepts(finding)) return false;
    return !previous || previous(finding);
  };
}

Reporter& ScanGate::counting(Reporter& inner) {
  counter_ = std::make_unique<CountingReporter>(*this, inner);
  return *counter_;
}

void ScanGate::report_stale_baseline() const {
  if (!report_stale_) return;
  std::size_t stale = 0;
  for (const BaselineEntry& entry : baseline_) {
    if (baseline_used_.contains(entry)) continue;
    ++stale;
    std::cerr << "leakhound: stale baseline entry: rule " << entry.rule_id << ", path "
              << printable(entry.path) << ", fingerprint " << entry.fingerprint.substr(0, 16)
              << '\n';
  }
  std::cerr << "leakhound: " << stale << " stale baseline entr" << (stale == 1 ? "y" : "ies")
            << " of " << baseline_.size() << '\n';
}

}  // namespace leakhound
