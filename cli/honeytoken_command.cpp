#include "cli/honeytoken_command.h"

#include <iostream>

#include "cli/common.h"
#include "cli/exit_codes.h"
#include "engine/hashing.h"
#include "honeytokens/aws_account.h"
#include "honeytokens/mint.h"
#include "honeytokens/registry.h"
#include "reporters/text_reporter.h"

namespace leakhound {
namespace {

std::string registry_path(const HoneytokenOptions& options) {
  return options.registry.empty() ? std::string(kDefaultRegistryName) : options.registry;
}

void add_registry_option(CLI::App& command, HoneytokenOptions& options) {
  command
      .add_option("--registry", options.registry,
                  "Honeytoken registry (TOML; default: " + std::string(kDefaultRegistryName) +
                      " in the current directory)")
      ->type_name("FILE");
}

}  // namespace

void add_honeytoken_command(CLI::App& app, HoneytokenOptions& options) {
  CLI::App* honeytoken =
      app.add_subcommand("honeytoken", "Mint decoy credentials and list the registry");
  honeytoken->require_subcommand(1);

  std::string kinds;
  for (std::string_view name : honeytoken_kind_names())
    kinds += (kinds.empty() ? "" : "|") + std::string(name);
  CLI::App* mint = honeytoken->add_subcommand(
      "mint",
      "Print a decoy credential, indistinguishable from a real one, and register its SHA-256");
  mint->add_option("--kind", options.kind, "What to imitate: " + kinds)
      ->required()
      ->type_name("KIND")
      ->check(CLI::IsMember(std::vector<std::string>(honeytoken_kind_names().begin(),
                                                     honeytoken_kind_names().end())));
  mint->add_option("--label", options.label, "What the decoy is, for the alert")
      ->required()
      ->type_name("TEXT");
  mint->add_option("--planted-at", options.planted_at,
                   "Where the decoy will be planted, for the alert")
      ->required()
      ->type_name("TEXT");
  add_registry_option(*mint, options);
  mint->add_flag("--store-value", options.store_value,
                 "Also store the plaintext value in the registry (required for generic decoys, "
                 "which scans then match as literals)");
  mint->add_option("--aws-account", options.aws_account,
                   "aws: the 12-digit account id the access key id decodes to (default: random)")
      ->type_name("ID");

  CLI::App* list = honeytoken->add_subcommand("list", "Print the registry's entries");
  add_registry_option(*list, options);
  list->add_flag("--show-secrets", options.show_secrets,
                 "Print stored values (only entries minted with --store-value have one)");
}

int run_honeytoken_mint(const HoneytokenOptions& options) {
  const auto kind = parse_honeytoken_kind(options.kind);
  if (!kind) {
    print_error("unknown --kind '" + options.kind + "'");
    return kExitError;
  }
  MintOptions mint_options;
  if (!options.aws_account.empty()) {
    if (*kind != HoneytokenKind::aws) {
      print_error("--aws-account applies to --kind aws only");
      return kExitError;
    }
    mint_options.aws_account = parse_aws_account_id(options.aws_account);
    if (!mint_options.aws_account) {
      print_error("--aws-account must be a 12-digit AWS account id");
      return kExitError;
    }
  }
  if (*kind == HoneytokenKind::generic && !options.store_value) {
    // Only its SHA-256 would be registered, and no rule matches a generic value, so no scan
    // could ever see it: refuse rather than plant a decoy that cannot fire.
    print_error(
        "--kind generic needs --store-value: no rule matches a generic decoy, so scans "
        "find it only as a literal of its stored value (a registry with values must stay "
        "out of the places it guards)");
    return kExitError;
  }
  auto token = mint_honeytoken(*kind, mint_options);
  auto id = new_honeytoken_id();
  if (!token || !id) {
    print_error((!token ? token.error() : id.error()).message);
    return kExitError;
  }
  const MintedToken& minted = token.value();
  HoneytokenEntry entry;
  entry.id = id.value();
  entry.kind = std::string(to_string(*kind));
  entry.label = options.label;
  entry.planted_at = options.planted_at;
  entry.created = today_utc();
  entry.sha256 = to_hex(sha256(minted.value));
  if (minted.aws_account) entry.aws_account = format_aws_account_id(*minted.aws_account);
  if (!minted.secret_key.empty()) entry.secret_key_sha256 = to_hex(sha256(minted.secret_key));
  if (options.store_value) {
    entry.value = minted.value;
    if (!minted.secret_key.empty()) entry.secret_key = minted.secret_key;
  }
  const std::string registry = registry_path(options);
  if (auto appended = append_registry_entry(registry, entry); !appended) {
    print_error(appended.error().message);
    return kExitError;
  }
  if (*kind == HoneytokenKind::aws) {
    std::cout << "aws_access_key_id = " << minted.value << '\n'
              << "aws_secret_access_key = " << minted.secret_key << '\n';
  } else {
    std::cout << minted.value << '\n';
  }
  std::cout.flush();
  std::cerr << "leakhound: minted " << entry.kind << " honeytoken " << entry.id << " into "
            << printable(registry) << (options.store_value ? " (value stored)" : " (SHA-256 only)")
            << '\n';
  return kExitClean;
}

int run_honeytoken_list(const HoneytokenOptions& options) {
  const std::string registry_file = registry_path(options);
  auto registry = HoneytokenRegistry::load(registry_file, print_problem);
  if (!registry) {
    print_error(registry.error().message);
    return kExitError;
  }
  for (const HoneytokenEntry& entry : registry.value().entries()) {
    std::cout << entry.id << "  " << entry.kind << "  created " << entry.created << "  "
              << printable(entry.label) << '\n';
    std::cout << "  planted at  " << printable(entry.planted_at) << '\n';
    if (entry.aws_account) std::cout << "  account     " << *entry.aws_account << '\n';
    std::cout << "  sha256      " << entry.sha256 << '\n';
    if (entry.value) {
      std::cout << "  value       "
                << (options.show_secrets ? printable(*entry.value) : std::string(kRedacted))
                << '\n';
      if (entry.secret_key) {
        std::cout << "  secret key  "
                  << (options.show_secrets ? printable(*entry.secret_key) : std::string(kRedacted))
                  << '\n';
      }
    }
  }
  std::cerr << "leakhound: " << registry.value().entries().size() << " honeytoken(s) in "
            << printable(registry_file) << '\n';
  return kExitClean;
}

}  // namespace leakhound
