#include "cli/common.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/baseline.h"
#include "cli/exit_codes.h"
#include "engine/rule_loader.h"
#include "reporters/text_reporter.h"

namespace leakhound {

void add_rule_options(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--rules", options.rule_paths,
                  "Add the rules in FILE (TOML) or in every *.toml below DIR")
      ->type_name("FILE|DIR");
  command.add_flag("--no-db-cache", options.no_db_cache,
                   "Compile the rules without reading or writing the on-disk database cache");
}

void add_common_options(CLI::App& command, CommonOptions& options) {
  add_rule_options(command, options);
  std::string formats;
  for (std::string_view name : output_format_names()) {
    formats += (formats.empty() ? "" : "|") + std::string(name);
  }
  command
      .add_option("-f,--format", options.format,
                  "Output format: " + formats + " (default: from --output's extension, else text)")
      ->type_name("FORMAT");
  command.add_option("-o,--output", options.output, "Write the report to FILE instead of stdout")
      ->type_name("FILE");
  command.add_option("-j,--threads", options.threads, "Scanning threads (default: all cores)")
      ->type_name("N");
  command.add_flag("--show-secrets", options.show_secrets,
                   "Print secrets in the report (they are redacted by default)");
  command
      .add_option("--exit-code", options.exit_code,
                  "Exit code when findings are reported (default 1)")
      ->type_name("N")
      ->check(CLI::Range(0, 255));
  command.add_option("--color", options.colour, "Colour the text report: auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command.add_flag("-q,--quiet", options.quiet, "Do not print the summary line on stderr");
  command
      .add_option("--honeytokens", options.honeytokens,
                  "Report sightings of the decoys in this registry (see `honeytoken mint`) as "
                  "critical honeytoken findings; exit code 3")
      ->type_name("FILE");
  command
      .add_option("--canary-accounts", options.canary_accounts,
                  "Report AWS access key ids of these accounts (one 12-digit id per line) as "
                  "canary sightings; exit code 3")
      ->type_name("FILE");
  command
      .add_option("--baseline", options.baseline,
                  "Do not report findings recorded in this baseline (see `baseline create`)")
      ->type_name("FILE");
  command.add_flag("--report-stale-baseline", options.report_stale_baseline,
                   "List the --baseline entries that no finding matched (on stderr)");
  command
      .add_option("--fail-on", options.fail_on,
                  "Only findings of this severity or above set the findings exit code; the "
                  "others are still reported: low|medium|high|critical (default low)")
      ->type_name("SEVERITY")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}));
  command
      .add_option("--max-decode-depth", options.max_decode_depth,
                  "Decode base64, hex, percent-encoded and escaped runs and scan what they hide, "
                  "up to N encodings deep (default 2; 0 turns decoding off)")
      ->type_name("N")
      ->check(CLI::Range(0, 4));
}

void add_exclude_option(CLI::App& command, std::vector<std::string>& globs,
                        const std::string& what) {
  command
      .add_option("--exclude", globs,
                  "Skip paths matching GLOB (relative to " + what +
                      "; a GLOB without '/' matches any file or directory name); repeatable")
      ->type_name("GLOB");
}

Result<std::uint64_t> parse_size(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0 || digits > 15) return make_error("invalid size '" + std::string(text) + "'");
  std::uint64_t value = std::stoull(std::string(text.substr(0, digits)));
  std::string suffix(text.substr(digits));
  for (char& c : suffix)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix.ends_with("IB"))
    suffix.resize(suffix.size() - 2);
  else if (suffix.ends_with("B"))
    suffix.resize(suffix.size() - 1);
  std::uint64_t unit = 1;
  if (suffix == "K")
    unit = 1ull << 10;
  else if (suffix == "M")
    unit = 1ull << 20;
  else if (suffix == "G")
    unit = 1ull << 30;
  else if (suffix == "T")
    unit = 1ull << 40;
  else if (!suffix.empty())
    return make_error("invalid size '" + std::string(text) + "' (use K, M, G or T)");
  return value * unit;
}

Result<std::unique_ptr<RuleDatabase>> load_database(const CommonOptions& options) {
  Result<std::vector<Rule>> rules = std::vector<Rule>{};
  if (options.builtin_rules) rules = load_builtin_rules();
  if (!rules) return rules.error();
  if (!options.config_rules.empty()) {
    // A configuration's rule replaces the built-in rule of the same id, as in gitleaks.
    std::set<std::string, std::less<>> replaced;
    for (const Rule& rule : options.config_rules)
      replaced.insert(rule.id);
    std::erase_if(rules.value(), [&](const Rule& rule) { return replaced.contains(rule.id); });
    if (auto merged = merge_rules(rules.value(), options.config_rules); !merged)
      return merged.error();
  }
  for (const std::string& path : options.rule_paths) {
    auto extra = load_rules(path);
    if (!extra) return extra.error();
    if (auto merged = merge_rules(rules.value(), std::move(extra).value()); !merged) {
      return merged.error();
    }
  }
  for (const std::string& id : options.disabled_rules) {
    if (std::erase_if(rules.value(), [&](const Rule& rule) { return rule.id == id; }) == 0)
      std::cerr << "leakhound: note: disabled rule '" << printable(id) << "' is not loaded\n";
  }
  DatabaseOptions database_options;
  if (!options.no_db_cache) database_options.cache_dir = default_cache_dir();
  return RuleDatabase::build(std::move(rules).value(), database_options);
}

void print_problem(const std::string& input, const std::string& reason) {
  std::cerr << "leakhound: " << printable(input) << ": " << printable(reason) << '\n';
}

void print_error(const std::string& message) {
  std::cerr << "leakhound: " << printable(message) << '\n';
}

Result<std::unique_ptr<Output>> Output::open(const CommonOptions& options) {
  std::optional<OutputFormat> format;
  if (!options.format.empty()) {
    format = parse_output_format(options.format);
    if (!format) return make_error("unknown --format '" + options.format + "'");
  } else if (!options.output.empty()) {
    format = format_for_path(options.output);
  }
  auto output = std::make_unique<Output>();
  if (options.output.empty() || options.output == "-") {
    output->stream_ = &std::cout;
  } else {
    output->file_.open(options.output, std::ios::binary | std::ios::trunc);
    if (!output->file_) {
      return make_error(options.output + ": cannot open for writing: " + std::strerror(errno));
    }
    output->stream_ = &output->file_;
  }
  ReporterOptions reporter_options;
  reporter_options.show_secrets = options.show_secrets;
  const bool terminal = output->stream_ == &std::cout && ::isatty(STDOUT_FILENO);
  reporter_options.colour = options.colour == "always" ||
                            (options.colour == "auto" && terminal && !std::getenv("NO_COLOR"));
  if (options.write_baseline) {
    output->reporter_ = std::make_unique<BaselineWriter>(*output->stream_);
    return output;
  }
  output->reporter_ =
      make_reporter(format.value_or(OutputFormat::text), *output->stream_, reporter_options);
  return output;
}

bool Output::failed() const {
  return stream_->fail();
}

int finish_scan(const CommonOptions& options, const Summary& summary, Output& output,
                std::optional<std::uint64_t> failing_findings) {
  const bool write_failed = output.failed();
  if (write_failed)
    print_problem(options.output.empty() ? "stdout" : options.output, "write failed");
  if (!options.quiet) {
    std::ostringstream line;
    line << "leakhound: scanned " << summary.inputs_scanned << " input(s), " << std::fixed
         << std::setprecision(1) << static_cast<double>(summary.bytes_scanned) / 1e6 << " MB in "
         << std::setprecision(2) << summary.seconds << " s with " << summary.rules << " rules on "
         << summary.threads << " thread(s): " << summary.findings << " finding(s)";
    if (!summary.skipped.empty()) {
      line << "; skipped";
      const char* separator = " ";
      for (const auto& [reason, count] : summary.skipped) {
        line << separator << count << ' ' << reason;
        separator = ", ";
      }
    }
    if (summary.errors > 0) line << "; " << summary.errors << " error(s)";
    if (summary.unconfirmed > 0)
      line << "; " << summary.unconfirmed << " rule/input pair(s) with a candidate not confirmed "
           << "(PCRE2 limit)";
    if (summary.honeytokens > 0) line << "; " << summary.honeytokens << " HONEYTOKEN sighting(s)";
    if (summary.partial) line << "; the scan is INCOMPLETE";
    std::cerr << line.str() << '\n';
  }
  if (summary.interrupted) {
    std::cerr << "leakhound: interrupted: report holds the findings so far\n";
    return kExitInterrupted;
  }
  // A decoy's sighting is an incident: it outranks errors so that pipelines can page on it.
  if (summary.honeytokens > 0) return kExitHoneytoken;
  if (summary.partial || write_failed) return kExitError;
  return failing_findings.value_or(summary.findings) > 0 ? options.exit_code : kExitClean;
}

}  // namespace leakhound
