// Encoded secrets through the real binary: the JSON `encoding` field, the run's location, the
// Kubernetes provenance fields, redaction, and --max-decode-depth 0. Data is built at run time.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "tests/support.h"

namespace leakhound {

using test::base64;

TEST_CASE("encoded: Kubernetes Secret reported at the encoded value", "[cli][encoded]") {
  test::TempDir dir;
  test::FakeSecrets fakes(21);
  const std::string token = fakes.github_classic();
  const std::string encoded = base64(token);
  dir.write("k8s/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-tokens\ndata:\n"
            "  gh: " +
                encoded + "\n");
  const test::CommandResult result =
      test::run_leakhound({"dir", dir.path().string(), "--format", "json"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.find(token) == std::string::npos);
  CHECK(result.out.find(encoded) == std::string::npos);
  const nlohmann::json report = nlohmann::json::parse(result.out);
  const nlohmann::json findings = report["findings"];
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["rule_id"] == "github-classic-pat");
  CHECK(findings[0]["encoding"] == "base64");
  CHECK(findings[0]["line"] == 6);
  CHECK(findings[0]["column"] == 7);
  CHECK(findings[0]["end_offset"].get<std::size_t>() - findings[0]["offset"].get<std::size_t>() ==
        encoded.size());
  CHECK(findings[0]["provenance"]["kubernetes_secret"] == "ci-tokens");
  CHECK(findings[0]["provenance"]["key"] == "gh");

  const test::CommandResult off = test::run_leakhound(
      {"dir", dir.path().string(), "--format", "json", "--max-decode-depth", "0"});
  CHECK(off.exit_code == 0);
}

TEST_CASE("encoded: text and SARIF name the encoding", "[cli][encoded]") {
  test::TempDir dir;
  test::FakeSecrets fakes(22);
  const std::string token = fakes.github_classic();
  dir.write("blob.txt", "payload=\"" + base64(base64(token)) + "\"\n");
  const test::CommandResult text =
      test::run_leakhound({"dir", dir.path().string(), "--color", "never"});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("encoded base64>base64") != std::string::npos);
  const test::CommandResult sarif =
      test::run_leakhound({"dir", dir.path().string(), "--format", "sarif"});
  const nlohmann::json log = nlohmann::json::parse(sarif.out);
  const nlohmann::json results = log["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["properties"]["encoding"] == "base64>base64");
}

}  // namespace leakhound
