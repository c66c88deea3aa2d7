// load_scan_database (declared in cli/common.h): the rule database of a scan command, with
// the honeytoken registry and canary account list wired in.
#include <memory>

#include "cli/common.h"
#include "honeytokens/watch.h"

namespace leakhound {

Result<std::unique_ptr<RuleDatabase>> load_scan_database(const CommonOptions& options,
                                                         PipelineOptions& pipeline) {
  pipeline.max_decode_depth = options.max_decode_depth;
  auto database = load_database(options);
  if (!database || (options.honeytokens.empty() && options.canary_accounts.empty()))
    return database;
  std::optional<std::filesystem::path> registry;
  std::optional<std::filesystem::path> canary_accounts;
  if (!options.honeytokens.empty()) registry = options.honeytokens;
  if (!options.canary_accounts.empty()) canary_accounts = options.canary_accounts;
  auto watch = HoneytokenWatch::load(registry, canary_accounts, print_problem);
  if (!watch) return watch.error();
  std::vector<Rule> literals = watch.value()->literal_rules(*database.value());
  if (!literals.empty()) {
    std::vector<Rule> rules = database.value()->rules();
    for (Rule& rule : literals)
      rules.push_back(std::move(rule));
    // Never cached: the compiled literals would put decoy values in the cache directory, where
    // a later scan would report them as sightings.
    database = RuleDatabase::build(std::move(rules), DatabaseOptions{});
    if (!database) return database;
  }
  std::shared_ptr<const HoneytokenWatch> shared(std::move(watch).value());
  pipeline.annotate = [shared](Finding& finding) { shared->annotate(finding); };
  return database;
}

}  // namespace leakhound
