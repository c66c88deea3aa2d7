#include "reporters/reporter_factory.h"

#include "reporters/gitlab_reporter.h"
#include "reporters/json_reporter.h"
#include "reporters/sarif_reporter.h"
#include "reporters/text_reporter.h"

namespace leakhound {
namespace {

struct FormatEntry {
  std::string_view name;
  OutputFormat format;
  std::string_view extension;
};

constexpr FormatEntry kFormats[] = {
    {"text", OutputFormat::text, ".txt"},
    {"json", OutputFormat::json, ".json"},
    {"jsonl", OutputFormat::jsonl, ".jsonl"},
    {"sarif", OutputFormat::sarif, ".sarif"},
    {"gitlab", OutputFormat::gitlab, ".gitlab.json"},
};

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  for (const FormatEntry& entry : kFormats) {
    if (entry.name == name) return entry.format;
  }
  return std::nullopt;
}

std::optional<OutputFormat> format_for_path(std::string_view path) {
  if (path.ends_with(".sarif.json")) return OutputFormat::sarif;
  if (path.ends_with(".gitlab.json")) return OutputFormat::gitlab;
  for (const FormatEntry& entry : kFormats) {
    if (path.ends_with(entry.extension)) return entry.format;
  }
  return std::nullopt;
}

std::vector<std::string_view> output_format_names() {
  std::vector<std::string_view> names;
  for (const FormatEntry& entry : kFormats)
    names.push_back(entry.name);
  return names;
}

std::unique_ptr<Reporter> make_reporter(OutputFormat format, std::ostream& out,
                                        const ReporterOptions& options) {
  switch (format) {
    case OutputFormat::text:
      return std::make_unique<TextReporter>(out, options.show_secrets, options.colour);
    case OutputFormat::json:
      return std::make_unique<JsonReporter>(out, options.show_secrets);
    case OutputFormat::jsonl:
      return std::make_unique<JsonLinesReporter>(out, options.show_secrets);
    case OutputFormat::sarif:
      return std::make_unique<SarifReporter>(out, options.show_secrets);
    case OutputFormat::gitlab:
      return std::make_unique<GitlabReporter>(out);
  }
  return nullptr;
}

}  // namespace leakhound
