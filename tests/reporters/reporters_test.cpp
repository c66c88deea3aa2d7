#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reporters/reporter_factory.h"
#include "reporters/sarif_reporter.h"
#include "reporters/text_reporter.h"
#include "tests/engine/test_rules.h"

using namespace leakhound;

namespace {

const std::vector<Rule>& rules() {
  static const std::vector<Rule> value = [] {
    Rule rule = test::make_rule("demo-token", "x");
    rule.references = {"https://example.invalid/docs"};
    rule.remediation = "Revoke it.";
    return std::vector<Rule>{rule};
  }();
  return value;
}

Finding sample_finding(std::string path = "src/app config.py") {
  std::string_view text = "key = 'SECRET-VALUE-123'\n";
  std::vector<Match> matches = {{0, 7, 23, 7, 23, 3.9}};
  std::vector<Finding> findings;
  locate_findings(text, matches, rules(), 0, 0, Provenance{"file", path, {{"commit", "abc"}}, {}},
                  findings);
  return findings.at(0);
}

std::string render(OutputFormat format, bool show_secrets, const Finding& finding) {
  std::ostringstream out;
  auto reporter = make_reporter(format, out, ReporterOptions{show_secrets, false});
  RunInfo run{"dir", {"."}, &rules(), show_secrets};
  reporter->begin(run);
  reporter->finding(finding);
  Summary summary;
  summary.findings = 1;
  summary.problems = {{"unreadable.txt", "cannot open: Permission denied"}};
  summary.partial = true;
  reporter->end(summary);
  return out.str();
}

}  // namespace

TEST_CASE("no format prints the secret unless asked", "[reporters]") {
  const Finding finding = sample_finding();
  for (OutputFormat format :
       {OutputFormat::text, OutputFormat::json, OutputFormat::jsonl, OutputFormat::sarif}) {
    CHECK(render(format, false, finding).find("SECRET-VALUE-123") == std::string::npos);
    CHECK(render(format, true, finding).find("SECRET-VALUE-123") != std::string::npos);
  }
}

TEST_CASE("json holds the documented finding fields and the summary", "[reporters]") {
  auto document = nlohmann::json::parse(render(OutputFormat::json, false, sample_finding()));
  CHECK(document["version"] == 1);
  CHECK(document["tool"]["name"] == "leakhound");
  REQUIRE(document["findings"].size() == 1);
  const auto& finding = document["findings"][0];
  for (const char* key : {"rule_id", "rule_name", "severity", "path", "line", "column", "end_line",
                          "end_column", "fingerprint", "entropy", "provenance", "line_text"}) {
    INFO(key);
    CHECK(finding.contains(key));
  }
  CHECK_FALSE(finding.contains("secret"));
  CHECK(finding["line"] == 1);
  CHECK(finding["column"] == 8);
  CHECK(finding["end_column"] == 24);
  CHECK(finding["line_text"] == "key = '[REDACTED]'");
  CHECK(finding["provenance"]["commit"] == "abc");
  CHECK(document["summary"]["partial"] == true);
  CHECK(document["summary"]["problems"][0]["input"] == "unreadable.txt");
}

TEST_CASE("jsonl writes one parseable object per finding", "[reporters]") {
  std::string out = render(OutputFormat::jsonl, false, sample_finding());
  std::istringstream lines(out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto object = nlohmann::json::parse(line);
    CHECK(object["rule_id"] == "demo-token");
    ++count;
  }
  CHECK(count == 1);
}

TEST_CASE("json survives invalid UTF-8 in paths", "[reporters]") {
  std::string out = render(OutputFormat::json, false, sample_finding("bad\xff name.txt"));
  auto document = nlohmann::json::parse(out);
  CHECK(document["findings"][0]["path"] == "bad\xef\xbf\xbd name.txt");
}

TEST_CASE("sarif has rules with help and severity, relative URIs and fingerprints",
          "[reporters][sarif]") {
  auto sarif = nlohmann::json::parse(render(OutputFormat::sarif, false, sample_finding()));
  CHECK(sarif["version"] == "2.1.0");
  const auto& run = sarif["runs"][0];
  const auto& rule = run["tool"]["driver"]["rules"][0];
  CHECK(rule["id"] == "demo-token");
  CHECK(rule["help"]["text"].get<std::string>().find("Revoke it.") != std::string::npos);
  CHECK(rule["properties"]["security-severity"] == "8.0");
  CHECK(rule["properties"]["tags"][0] == "security");
  const auto& result = run["results"][0];
  CHECK(result["ruleIndex"] == 0);
  CHECK(result["level"] == "error");
  const auto& location = result["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "src/app%20config.py");
  CHECK(location["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(location["region"]["startLine"] == 1);
  CHECK(result["partialFingerprints"]["secretFingerprint/v1"].get<std::string>().size() == 64);
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
}

TEST_CASE("URI paths are percent-encoded", "[reporters][sarif]") {
  CHECK(encode_uri_path("a b/c#d%e.txt") == "a%20b/c%23d%25e.txt");
  CHECK(encode_uri_path("caf\xc3\xa9") == "caf%C3%A9");
}

TEST_CASE("the text report escapes control characters from scanned content", "[reporters]") {
  CHECK(printable("a\x1b[31mb\tc") == "a\\x1b[31mb\tc");
  std::string out = render(OutputFormat::text, false, sample_finding("evil\x1b]0;title\x07.txt"));
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK_THAT(out, Catch::Contains("evil\\x1b]0;title\\x07.txt"));
}

TEST_CASE("formats are chosen by name or by output file extension", "[reporters]") {
  CHECK(parse_output_format("sarif") == OutputFormat::sarif);
  CHECK_FALSE(parse_output_format("xml").has_value());
  CHECK(format_for_path("out/report.sarif") == OutputFormat::sarif);
  CHECK(format_for_path("report.sarif.json") == OutputFormat::sarif);
  CHECK(format_for_path("report.jsonl") == OutputFormat::jsonl);
  CHECK(format_for_path("report.json") == OutputFormat::json);
  CHECK_FALSE(format_for_path("report.log").has_value());
}
