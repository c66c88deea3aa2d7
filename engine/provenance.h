// Provenance: where a piece of scanned content came from. Every source fills `source` and
// `path`; source-specific facts (a commit, a layer digest, a stream offset) go into `fields`,
// which reporters print as they are, in order.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace leakhound {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Provenance {
  std::string source;  // "file", "git", "image", "stream", "example"
  std::string path;    // display path: relative to the scan root where there is one
  Fields fields;
  // Every other place the same content was seen (git --all-provenance, image layers), each
  // described by its own fields; empty when not asked for.
  std::vector<Fields> occurrences;
};

}  // namespace leakhound
