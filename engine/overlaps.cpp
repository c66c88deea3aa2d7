#include "engine/overlaps.h"

#include <algorithm>

namespace leakhound {

void drop_generic_overlaps(const std::vector<Rule>& rules, std::vector<Match>& matches) {
  const bool any_generic = std::any_of(matches.begin(), matches.end(), [&](const Match& match) {
    return rules[match.rule].generic;
  });
  if (!any_generic) return;
  std::vector<const Match*> specific;
  for (const Match& match : matches) {
    if (!rules[match.rule].generic) specific.push_back(&match);
  }
  if (specific.empty()) return;
  std::erase_if(matches, [&](const Match& match) {
    if (!rules[match.rule].generic) return false;
    return std::any_of(specific.begin(), specific.end(), [&](const Match* other) {
      return other->secret_start < match.secret_end && match.secret_start < other->secret_end;
    });
  });
}

}  // namespace leakhound
