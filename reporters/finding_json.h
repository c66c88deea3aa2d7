// The JSON form of a finding and of a summary, shared by the json, jsonl and sarif reporters so
// every machine-readable format agrees on names and redaction. Schema: docs/output.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/finding.h"
#include "engine/summary.h"

namespace leakhound {

nlohmann::ordered_json finding_to_json(const Finding& finding, bool show_secrets);
nlohmann::ordered_json summary_to_json(const Summary& summary);
nlohmann::ordered_json provenance_to_json(const Provenance& provenance);
// {id, label, planted_at, kind} of a honeytoken sighting.
nlohmann::ordered_json honeytoken_to_json(const HoneytokenMatch& honeytoken);

// Serialises compactly; invalid UTF-8 (file names, snippets) becomes U+FFFD instead of throwing.
std::string dump_json(const nlohmann::ordered_json& value, int indent = -1);

// Entropy rounded to three decimals, so output is stable and readable.
double rounded_entropy(double entropy);

}  // namespace leakhound
