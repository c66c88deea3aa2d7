// The rules/*.toml files, embedded at build time by cmake/embed_rules.cmake.
#pragma once

#include <span>
#include <string_view>

namespace leakhound {

struct EmbeddedRuleFile {
  std::string_view name;  // file name, e.g. "aws.toml"
  std::string_view text;
};

std::span<const EmbeddedRuleFile> builtin_rule_files();

}  // namespace leakhound
