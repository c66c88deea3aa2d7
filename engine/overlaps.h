// When a provider rule and a generic rule (Rule::generic) find the same secret, the provider
// rule's finding says more (which credential, how to revoke it): the generic one is dropped.
// Matches of two provider rules are both kept: they name different credentials.
#pragma once

#include <vector>

#include "engine/rule.h"
#include "engine/scanner.h"

namespace leakhound {

// `matches` ordered by start offset (as Scanner::scan returns them); keeps that order.
void drop_generic_overlaps(const std::vector<Rule>& rules, std::vector<Match>& matches);

}  // namespace leakhound
