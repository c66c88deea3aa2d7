// For fuzz targets that scan with the built-in pack: the database, compiled once per process
// through the on-disk cache, and built in LLVMFuzzerInitialize so that its compile time does not
// count against the first input's timeout. Include it from exactly one file of a target.
#pragma once

#include <memory>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"

namespace leakhound::fuzz {

inline const RuleDatabase& builtin_database() {
  static std::unique_ptr<RuleDatabase> built = [] {
    auto rules = load_builtin_rules();
    if (!rules) __builtin_trap();
    auto compiled = RuleDatabase::build(std::move(rules).value(), {default_cache_dir()});
    if (!compiled) __builtin_trap();
    return std::move(compiled).value();
  }();
  return *built;
}

}  // namespace leakhound::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)leakhound::fuzz::builtin_database();
  return 0;
}
