// Layers read in parallel and large files inside layers read in chunks: the image source gives
// the same findings (places, lines, offsets, provenance) for every chunk size, reader count and
// thread count. Images are built here from directories by corpus/make_image_fixtures.py.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/reporter.h"
#include "sources/image_source.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::FakeSecrets;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

// Builds an OCI layout `name` under `temp` whose layers are the given folders of `temp`.
std::string build_image(const TempDir& temp, const std::string& name,
                        const std::vector<std::string>& layers,
                        const std::string& compression = "gzip") {
  std::string command =
      "python3 " +
      shell_quote(std::string(LEAKHOUND_SOURCE_DIR) + "/corpus/make_image_fixtures.py") +
      " --from-dirs " + shell_quote((temp.path() / name).string()) + " " + shell_quote(name) +
      " --compression " + compression;
  for (const std::string& layer : layers)
    command += " " + shell_quote((temp.path() / layer).string());
  auto made = run_shell(command);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  return (temp.path() / name).string();
}

std::string field(const nlohmann::json& finding, const std::string& name) {
  const auto& provenance = finding["provenance"];
  return provenance.contains(name) ? provenance[name].get<std::string>() : std::string();
}

// A finding as the tests compare them: where, which secret, and every provenance field.
std::string describe(const leakhound::Finding& finding) {
  std::string out = finding.provenance.path + ":" + std::to_string(finding.line) + ":" +
                    std::to_string(finding.column) + "@" + std::to_string(finding.offset) + " " +
                    finding.secret;
  for (const auto& [key, value] : finding.provenance.fields)
    out += " " + key + "=" + value;
  for (const auto& occurrence : finding.provenance.occurrences) {
    out += " |";
    for (const auto& [key, value] : occurrence)
      out += " " + key + "=" + value;
  }
  return out;
}

struct ScanOutcome {
  std::vector<std::string> findings;
  std::vector<std::string> problems;
  leakhound::Summary summary;
};

ScanOutcome scan_with(const leakhound::RuleDatabase& database, const std::string& image,
                      std::uint64_t chunk_size, unsigned readers, unsigned threads) {
  leakhound::ImageOptions options;
  options.path = image;
  options.chunk_size = chunk_size;
  options.chunk_overlap = 1024;  // longer than any token of the test rule
  options.layer_readers = readers;
  auto source = leakhound::ImageSource::open(options);
  REQUIRE(source);
  leakhound::CollectingReporter collected;
  leakhound::PipelineOptions pipeline;
  pipeline.threads = threads;
  ScanOutcome outcome;
  pipeline.on_problem = [&](const std::string& input, const std::string& reason) {
    outcome.problems.push_back(input + ": " + reason);
  };
  outcome.summary = leakhound::run_pipeline(*source.value(), database, collected, pipeline);
  source.value()->finalize(collected.findings);
  for (const auto& finding : collected.findings)
    outcome.findings.push_back(describe(finding));
  return outcome;
}

// "tok_" and 32 hex digits, random: the shape of the test rule, and of no real credential.
std::string test_token(FakeSecrets& secrets) {
  return "tok_" + secrets.random_string(32, "0123456789abcdef");
}

}  // namespace

TEST_CASE("image: the same findings for every chunk size reader count and thread count",
          "[image]") {
  auto database = leakhound::test::build_database(
      {leakhound::test::make_rule("test-rule", "tok_[0-9a-f]{32}")});
  TempDir temp;
  FakeSecrets secrets(77);
  // Layer 1: a 60 KB log with a token every 997 bytes or so (many straddle 4 KiB chunk
  // boundaries), a small file, and the same log in a tarball. Layer 2 deletes the log's folder
  // and copies it elsewhere; layer 3 has a file on its own.
  std::string log;
  std::vector<std::string> tokens;
  while (log.size() < 60000) {
    log += "line " + std::to_string(log.size()) + " of the log";
    if (log.size() % 997 < 40) {
      tokens.push_back(test_token(secrets));
      log += " key=" + tokens.back();
    }
    log += "\n";
  }
  temp.write("base/var/log/app.log", log);
  temp.write("base/etc/small.conf", "key=" + test_token(secrets) + "\n");
  temp.write("bundle/logs/app.log", log);
  auto tarred =
      run_shell("mkdir -p " + shell_quote((temp.path() / "base/opt").string()) + " && tar -C " +
                shell_quote((temp.path() / "bundle").string()) + " -czf " +
                shell_quote((temp.path() / "base/opt/logs.tgz").string()) + " logs");
  REQUIRE(tarred.exit_code == 0);
  temp.write("removal/var/.wh.log", "");
  temp.write("removal/srv/copy.log", log);
  temp.write("top/srv/own.txt", "key=" + test_token(secrets) + "\n");
  const std::string image = build_image(temp, "img", {"base", "removal", "top"});

  const ScanOutcome reference = scan_with(*database, image, 1 << 20, 1, 1);
  INFO(reference.problems.size());
  REQUIRE(reference.problems.empty());
  // Every token of the log once (with the log's other two copies as occurrences), plus the two
  // small files.
  REQUIRE(tokens.size() > 20);
  REQUIRE(reference.findings.size() == tokens.size() + 2);
  // In tar order, the tarball's copy of the log comes first.
  const std::string& first_token = reference.findings[1];
  CHECK(first_token.find("opt/logs.tgz!/logs/app.log:") == 0);
  CHECK(first_token.find(tokens.front()) != std::string::npos);
  CHECK(first_token.find("| path=var/log/app.log ") != std::string::npos);
  CHECK(first_token.find("removed in layer 2") != std::string::npos);
  CHECK(first_token.find("| path=srv/copy.log ") != std::string::npos);
  for (std::uint64_t chunk_size : {std::uint64_t{4096}, std::uint64_t{1} << 20}) {
    for (unsigned readers : {1u, 3u}) {
      for (unsigned threads : {1u, 3u}) {
        INFO("chunk size " << chunk_size << ", readers " << readers << ", threads " << threads);
        const ScanOutcome outcome = scan_with(*database, image, chunk_size, readers, threads);
        CHECK(outcome.problems.empty());
        CHECK(outcome.findings == reference.findings);
      }
    }
  }
}

TEST_CASE("regression: a secret straddling a chunk boundary in an image layer file is found once",
          "[image][regression]") {
  TempDir temp;
  FakeSecrets secrets(5);
  const std::string token = secrets.github_classic();
  // 33 MiB of lines with the token starting 10 bytes before 32 MiB, the default chunk size:
  // the first chunk keeps it (it starts there) and the second sees it in its overlap.
  const std::uint64_t chunk = 32ull << 20;
  const std::string filler = "the quick brown fox jumps over the lazy dog, again and again\n";
  std::string big;
  big.reserve((33ull << 20) + 256);
  std::uint64_t lines = 0;
  while (big.size() + filler.size() <= chunk - 10 - 6) {
    big += filler;
    ++lines;
  }
  big.append(chunk - 10 - 6 - big.size(), '#');
  big += "token=" + token + "\n";
  const std::uint64_t secret_line = lines + 1;
  while (big.size() < (33ull << 20))
    big += filler;
  temp.write("base/data/big.log", big);
  // The same file again in layer 2, under another name: scanned twice, reported once.
  temp.write("more/copy/big.log", big);
  big.clear();
  big.shrink_to_fit();
  const std::string image = build_image(temp, "img", {"base", "more"}, "none");

  std::string reference;
  for (const std::string threads : {"1", "3"}) {
    INFO("threads " << threads);
    auto result =
        run_leakhound({"image", image, "-f", "json", "--show-secrets", "--threads", threads});
    INFO(result.err);
    REQUIRE(result.exit_code == 1);
    const auto document = nlohmann::json::parse(result.out);
    REQUIRE(document["findings"].size() == 1);
    const auto& finding = document["findings"][0];
    CHECK(finding["secret"] == token);
    CHECK(finding["path"] == "data/big.log");
    CHECK(finding["offset"] == chunk - 10);
    CHECK(finding["line"] == secret_line);
    CHECK(finding["column"] == chunk - 10 - (lines * filler.size()) + 1);
    CHECK(field(finding, "layer") == "1");
    CHECK(field(finding, "content").rfind("sha256:", 0) == 0);
    REQUIRE(finding["provenance"]["occurrences"].size() == 1);
    CHECK(finding["provenance"]["occurrences"][0]["path"] == "copy/big.log");
    CHECK(finding["provenance"]["occurrences"][0]["layer"] == "2");
    if (reference.empty())
      reference = finding.dump();
    else
      CHECK(finding.dump() == reference);
  }
}

TEST_CASE("image: a honeytoken planted in a layer is a sighting in json and sarif",
          "[image][honeytokens]") {
  TempDir temp;
  auto minted = run_leakhound({"honeytoken", "mint", "--kind", "github", "--label", "image decoy",
                               "--planted-at", "the base image", "--registry", "registry.toml"},
                              temp.path());
  REQUIRE(minted.exit_code == 0);
  const std::string token = minted.out.substr(0, minted.out.find('\n'));
  // Planted in the base layer, deleted by the next one: still in the image.
  temp.write("base/app/.env", "GITHUB_TOKEN=" + token + "\n");
  temp.write("cleanup/app/.wh..env", "");
  temp.write("cleanup/app/main.txt", "nothing to see\n");
  const std::string image = build_image(temp, "img", {"base", "cleanup"});

  auto json =
      run_leakhound({"image", image, "--honeytokens", "registry.toml", "-f", "json"}, temp.path());
  INFO(json.err);
  CHECK(json.exit_code == 3);
  CHECK(json.out.find(token) == std::string::npos);
  const auto report = nlohmann::json::parse(json.out);
  REQUIRE(report["findings"].size() == 1);
  const auto& finding = report["findings"][0];
  CHECK(finding["honeytoken"]["label"] == "image decoy");
  CHECK(finding["honeytoken"]["planted_at"] == "the base image");
  CHECK(finding["severity"] == "critical");
  CHECK(finding["path"] == "app/.env");
  CHECK(field(finding, "layer") == "1");
  CHECK(field(finding, "status") == "removed in layer 2 but still present in the image");
  CHECK(report["summary"]["honeytokens"] == 1);

  auto sarif =
      run_leakhound({"image", image, "--honeytokens", "registry.toml", "-f", "sarif"}, temp.path());
  CHECK(sarif.exit_code == 3);
  CHECK(sarif.out.find(token) == std::string::npos);
  const auto results = nlohmann::json::parse(sarif.out)["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["level"] == "error");
  CHECK(results[0]["properties"]["security-severity"] == "10.0");
  CHECK(results[0]["properties"]["honeytoken"]["label"] == "image decoy");
  CHECK(results[0]["message"]["text"].get<std::string>().find("image decoy") != std::string::npos);

  auto plain = run_leakhound({"image", image, "-f", "json"}, temp.path());
  CHECK(plain.exit_code == 1);
}

TEST_CASE("image: a damaged entry header in a layer is reported and the rest is scanned",
          "[image]") {
  TempDir temp;
  FakeSecrets secrets(31);
  const std::string lost = secrets.github_classic();
  const std::string kept = secrets.github_classic();
  temp.write("layer/a.txt", "nothing here\n");
  temp.write("layer/b.txt", "TOKEN=" + lost + "\n" + std::string(3000, '#') + "\n");
  temp.write("layer/c.txt", "TOKEN=" + kept + "\n");
  const std::string image = build_image(temp, "damaged", {"layer"}, "none");
  // Flip a byte of b.txt's header checksum in the (uncompressed) layer blob.
  auto flipped = run_shell(
      "python3 -c \"import pathlib,sys\n"
      "for blob in pathlib.Path(sys.argv[1]).glob('blobs/sha256/*'):\n"
      "    data = bytearray(blob.read_bytes())\n"
      "    at = data.find(b'b.txt\\\\0')\n"
      "    if at < 0 or at % 512: continue\n"
      "    data[at + 148] ^= 1\n"
      "    blob.write_bytes(bytes(data))\n"
      "    print('flipped')\" " +
      shell_quote(image));
  INFO(flipped.err);
  REQUIRE(flipped.out == "flipped\n");
  for (const char* threads : {"1", "2"}) {
    INFO("threads " << threads);
    auto result = run_leakhound(
        {"image", image, "--no-config", "-f", "json", "--show-secrets", "--threads", threads});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("damaged entry header after 'a.txt'") != std::string::npos);
    const auto report = nlohmann::json::parse(result.out);
    CHECK(report["summary"]["partial"] == true);
    CHECK(report["summary"]["errors"].get<int>() >= 1);
    REQUIRE(report["findings"].size() == 1);
    CHECK(report["findings"][0]["secret"] == kept);
    CHECK(report["findings"][0]["path"] == "c.txt");
  }
}

TEST_CASE("image: a text file named like an archive is scanned as a file", "[image]") {
  TempDir temp;
  FakeSecrets secrets(32);
  const std::string token = secrets.github_classic();
  temp.write("layer/backup.tar", "not a tarball\nTOKEN=" + token + "\n");
  temp.write("layer/broken.zip",
             std::string("PK\x03\x04\x00\xff\x00\x01", 8) + std::string(64, '\0'));
  const std::string image = build_image(temp, "misnamed", {"layer"});
  auto result = run_leakhound({"image", image, "--no-config", "-f", "json", "--show-secrets"});
  CHECK(result.exit_code == 2);  // the binary non-archive cannot be read
  CHECK(result.err.find("broken.zip: ") != std::string::npos);
  const auto report = nlohmann::json::parse(result.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["secret"] == token);
  CHECK(report["findings"][0]["path"] == "backup.tar");
}
