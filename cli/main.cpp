// leakhound's command line: flags and wiring only; the work happens in the libraries.
#include <hs.h>
#include <pcre2.h>
#include <tbb/version.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>

#include "cli/dir_command.h"
#include "cli/exit_codes.h"
#include "cli/git_command.h"
#include "cli/honeytoken_command.h"
#include "cli/image_command.h"
#include "cli/rules_command.h"
#include "cli/stream_command.h"

namespace {

std::string version_text() {
  char pcre2_version[64] = {};
  pcre2_config(PCRE2_CONFIG_VERSION, pcre2_version);
  return std::string("leakhound ") + LEAKHOUND_VERSION + " (Vectorscan " + hs_version() +
         ", PCRE2 " + pcre2_version + ", oneTBB " + TBB_VERSION_STRING + ")";
}

constexpr const char* kExitCodeHelp =
    "Exit codes: 0 nothing found (or only findings below --fail-on); 1 findings (see "
    "--exit-code); 2 error: bad usage, bad rules or "
    "configuration, or a partial scan (an input could not be read or was too large); 3 a "
    "honeytoken (a planted decoy) was seen, which outranks 1 and 2.";

// `baseline create` takes a whole scan command line, which CLI11 cannot describe by itself.
class BaselineCreateFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string name) const override {
    return "Usage: " + name +
           " dir [PATH...] | git [REPO] | image PATH  [SCAN OPTIONS] (see `leakhound dir "
           "--help`, ...)\n";
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app("leakhound: finds leaked credentials in files, git history, images and logs.",
               "leakhound");
  app.footer(kExitCodeHelp);
  app.set_version_flag("-V,--version", version_text());
  app.require_subcommand(1);

  leakhound::DirOptions dir_options;
  leakhound::RulesOptions rules_options;
  leakhound::add_dir_command(app, dir_options);
  leakhound::GitCommandOptions git_options;
  leakhound::add_git_command(app, git_options);
  leakhound::ImageCommandOptions image_options;
  leakhound::add_image_command(app, image_options);
  leakhound::add_rules_command(app, rules_options);
  leakhound::StreamCommandOptions stream_options;
  leakhound::RedactOptions redact_options;
  leakhound::add_stream_command(app, stream_options);
  leakhound::add_redact_command(app, redact_options);
  leakhound::HoneytokenOptions honeytoken_options;
  leakhound::add_honeytoken_command(app, honeytoken_options);
  CLI::App* baseline =
      app.add_subcommand("baseline", "Baselines of accepted findings (docs/ci.md)");
  baseline->require_subcommand(1);
  baseline
      ->add_subcommand(
          "create",
          "Run `dir ...`, `git ...` or `image ...` (with their options) and print every finding "
          "as a baseline: rule id, path and fingerprint, sorted; never secrets or "
          "line numbers. Use it with --baseline FILE on later scans")
      ->prefix_command()
      ->formatter(std::make_shared<BaselineCreateFormatter>());

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : leakhound::kExitError;
  }
  if (baseline->parsed()) {
    // `baseline create SCAN...`: parse SCAN as the scan command it is, writing a baseline.
    std::vector<std::string> scan = baseline->get_subcommand("create")->remaining();
    if (scan.empty() ||
        (scan.front() != "dir" && scan.front() != "git" && scan.front() != "image")) {
      std::cerr << "leakhound: baseline create: expected a scan: `dir [PATH...]`, `git [REPO]` "
                   "or `image PATH`"
                << " with their options\n";
      return leakhound::kExitError;
    }
    std::reverse(scan.begin(), scan.end());
    try {
      app.clear();
      app.parse(scan);
    } catch (const CLI::ParseError& error) {
      int code = app.exit(error);
      return code == 0 ? 0 : leakhound::kExitError;
    }
    for (leakhound::CommonOptions* common :
         {&dir_options.common, &git_options.common, &image_options.common}) {
      common->write_baseline = true;
      common->exit_code = 0;  // findings are what a baseline is made of
    }
  }
  try {
    if (app.got_subcommand("dir")) return leakhound::run_dir_command(dir_options);
    if (app.got_subcommand("stream")) return leakhound::run_stream_command(stream_options);
    if (app.got_subcommand("redact")) return leakhound::run_redact_command(redact_options);
    if (app.got_subcommand("git")) return leakhound::run_git_command(git_options);
    if (app.got_subcommand("image")) return leakhound::run_image_command(image_options);
    CLI::App* rules = app.get_subcommand("rules");
    if (rules->got_subcommand("list")) return leakhound::run_rules_list(rules_options);
    if (rules->got_subcommand("check")) return leakhound::run_rules_check(rules_options);
    if (CLI::App* honeytoken = app.get_subcommand("honeytoken"); honeytoken->parsed()) {
      if (honeytoken->got_subcommand("mint"))
        return leakhound::run_honeytoken_mint(honeytoken_options);
      if (honeytoken->got_subcommand("list"))
        return leakhound::run_honeytoken_list(honeytoken_options);
    }
  } catch (const std::exception& error) {
    std::cerr << "leakhound: fatal: " << error.what() << '\n';
    return leakhound::kExitError;
  }
  return leakhound::kExitError;
}
