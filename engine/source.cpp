#include "engine/source.h"

namespace leakhound {

std::string_view to_string(SkipKind kind) {
  switch (kind) {
    case SkipKind::binary:
      return "binary";
    case SkipKind::too_large:
      return "too large";
    case SkipKind::special:
      return "not a regular file";
    case SkipKind::symlink:
      return "symbolic link";
  }
  return "skipped";
}

bool makes_scan_partial(SkipKind kind) {
  return kind == SkipKind::too_large;
}

}  // namespace leakhound
