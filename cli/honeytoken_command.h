// `leakhound honeytoken mint` and `leakhound honeytoken list`: minting decoy credentials and
// keeping the registry of where each was planted (see docs/honeytokens.md). Scans pick the
// registry up with --honeytokens FILE (cli/common.h, load_scan_database).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace leakhound {

struct HoneytokenOptions {
  std::string registry;  // empty: kDefaultRegistryName in the current directory
  std::string kind;
  std::string label;
  std::string planted_at;
  std::string aws_account;
  bool store_value = false;
  bool show_secrets = false;
};

void add_honeytoken_command(CLI::App& app, HoneytokenOptions& options);
int run_honeytoken_mint(const HoneytokenOptions& options);
int run_honeytoken_list(const HoneytokenOptions& options);

}  // namespace leakhound
