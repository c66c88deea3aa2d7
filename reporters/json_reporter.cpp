#include "reporters/json_reporter.h"

#include "reporters/finding_json.h"

namespace leakhound {

constexpr int kJsonSchemaVersion = 1;

void JsonReporter::begin(const RunInfo& run) {
  nlohmann::ordered_json tool = {{"name", "leakhound"}, {"version", LEAKHOUND_VERSION}};
  out_ << "{\"version\":" << kJsonSchemaVersion << ",\"tool\":" << dump_json(tool)
       << ",\"command\":" << dump_json(run.command) << ",\"targets\":" << dump_json(run.targets)
       << ",\"findings\":[";
}

void JsonReporter::finding(const Finding& finding) {
  out_ << (first_ ? "\n" : ",\n") << dump_json(finding_to_json(finding, show_secrets_));
  first_ = false;
}

void JsonReporter::end(const Summary& summary) {
  out_ << (first_ ? "" : "\n") << "],\"summary\":" << dump_json(summary_to_json(summary)) << "}\n";
  out_.flush();
}

void JsonLinesReporter::finding(const Finding& finding) {
  out_ << dump_json(finding_to_json(finding, show_secrets_)) << '\n';
  out_.flush();
}

}  // namespace leakhound
