// Provenance: where a piece of scanned content came from. Every source fills `source` and
// `path`; source-specific facts (a commit, a layer digest, a stream offset) go into `fields`,
// which reporters print as they are, in order.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace leakhound {

struct Provenance {
  std::string source;  // "file", "git", "image", "stream", "example"
  std::string path;    // display path: relative to the scan root where there is one
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace leakhound
