// The one list of output formats: name -> reporter. The CLI and the docs read it from here.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "engine/reporter.h"

namespace leakhound {

enum class OutputFormat : std::uint8_t { text, json, jsonl, sarif, gitlab };

std::optional<OutputFormat> parse_output_format(std::string_view name);
// The format implied by an output file's extension (.json, .jsonl, .sarif), if any.
std::optional<OutputFormat> format_for_path(std::string_view path);
std::vector<std::string_view> output_format_names();

struct ReporterOptions {
  bool show_secrets = false;
  bool colour = false;
};

std::unique_ptr<Reporter> make_reporter(OutputFormat format, std::ostream& out,
                                        const ReporterOptions& options);

}  // namespace leakhound
