#include <catch2/catch.hpp>

#include "engine/finding.h"
#include "tests/engine/test_rules.h"

using namespace leakhound;

namespace {

std::vector<Finding> locate(std::string_view text, std::vector<Match> matches) {
  static const std::vector<Rule> rules = {test::make_rule("demo-rule", "x")};
  std::vector<Finding> out;
  locate_findings(text, matches, rules, 0, 0, Provenance{"file", "a.txt", {}, {}}, out);
  return out;
}

Match span(std::string_view text, std::string_view secret) {
  auto start = text.find(secret);
  REQUIRE(start != std::string_view::npos);
  return Match{0, start, start + secret.size(), start, start + secret.size(), 1.0};
}

}  // namespace

TEST_CASE("the fingerprint is SHA-256 of rule id, NUL and secret", "[finding]") {
  // Computed independently: sha256(b"demo-rule\0s3cr3t-value").
  CHECK(fingerprint("demo-rule", "s3cr3t-value") ==
        "630530cfdc34bbad429f623aac0c4809d3523d4aaeff124c785e1d4e6c833124");
}

TEST_CASE("lines and columns are 1-based and columns count code points", "[finding]") {
  std::string_view text = "first\nsecond line\n\xc3\xa9t\xc3\xa9 = SECRETVALUE;\n";
  auto findings = locate(text, {span(text, "SECRETVALUE")});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line == 3);
  CHECK(findings[0].column == 7);  // "été = " is six code points
  CHECK(findings[0].end_line == 3);
  CHECK(findings[0].end_column == 18);
  CHECK(findings[0].secret == "SECRETVALUE");
  CHECK(findings[0].offset == text.find("SECRETVALUE"));
}

TEST_CASE("a secret on the first line of a file without a newline", "[finding]") {
  std::string_view text = "SECRETVALUE";
  auto findings = locate(text, {span(text, "SECRETVALUE")});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line == 1);
  CHECK(findings[0].column == 1);
  CHECK(findings[0].snippet == "SECRETVALUE");
}

TEST_CASE("a multi-line secret ends on a later line", "[finding]") {
  std::string_view text = "a\nBEGIN\nbody\nEND\n";
  auto start = text.find("BEGIN");
  auto end = text.find("END\n") + 3;
  auto findings = locate(text, {Match{0, start, end, start, end, 1.0}});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line == 2);
  CHECK(findings[0].end_line == 4);
  CHECK(findings[0].end_column == 4);
  CHECK(findings[0].snippet == "BEGIN");
}

TEST_CASE("the snippet is redacted unless secrets are shown", "[finding]") {
  std::string_view text = "token: \"SECRETVALUE\" # comment\r\n";
  auto findings = locate(text, {span(text, "SECRETVALUE")});
  REQUIRE(findings.size() == 1);
  CHECK(display_snippet(findings[0], false) == "token: \"[REDACTED]\" # comment");
  CHECK(display_snippet(findings[0], true) == "token: \"SECRETVALUE\" # comment");
}

TEST_CASE("a long line is clipped around the secret", "[finding]") {
  std::string text = std::string(5000, 'a') + " SECRETVALUE " + std::string(5000, 'b');
  auto findings = locate(text, {span(text, "SECRETVALUE")});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].snippet.size() < 200);
  CHECK_THAT(display_snippet(findings[0], false), Catch::Contains(" [REDACTED] "));
  CHECK(findings[0].column == 5002);
}

TEST_CASE("a snippet masks every other confirmed secret it shows", "[finding][masking]") {
  std::string_view text = "a=FIRSTSECRET1 b=SECOND-SECRET c=FIRSTSECRET1 d=FIRST\n";
  auto findings = locate(text, {span(text, "FIRSTSECRET1"), span(text, "SECOND-SECRET")});
  REQUIRE(findings.size() == 2);
  mask_other_secrets(findings);
  // The other finding's span and the repeated secret are masked; "FIRST" alone is no secret.
  CHECK(display_snippet(findings[0], false) == "a=[REDACTED] b=[REDACTED] c=[REDACTED] d=FIRST");
  CHECK(display_snippet(findings[1], false) == display_snippet(findings[0], false));
  CHECK(display_snippet(findings[1], true) == text.substr(0, text.size() - 1));
}

TEST_CASE("a secret cut by the snippet's clipping is masked where it shows", "[finding][masking]") {
  const std::string other = "OTHERSECRET-" + std::string(100, 'x');
  const std::string text = "key=SECRETVALUE " + std::string(70, ' ') + other + "\n";
  auto findings = locate(text, {span(text, "SECRETVALUE"), span(text, other)});
  mask_other_secrets(findings);
  const std::string shown = display_snippet(findings[0], false);
  CHECK(shown.find("OTHER") == std::string::npos);
  CHECK(shown.ends_with("[REDACTED]"));
}

TEST_CASE("SecretMasker masks every occurrence of the secrets it holds", "[finding][masking]") {
  SecretMasker masker;
  masker.add("LONGSECRET-0123");
  masker.add("shrt");
  masker.add("abc");  // below kMinLength: ignored
  CHECK(masker.mask("x LONGSECRET-0123LONGSECRET-0123 shrt abc LONGSECRET") ==
        "x [REDACTED] [REDACTED] abc LONGSECRET");
  CHECK(SecretMasker().mask("unchanged") == "unchanged");
}
