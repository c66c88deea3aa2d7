// The stream scanner through its API: chunk boundaries at every offset, multi-line keys,
// bounded memory, and redact's release rules.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine/rule_loader.h"
#include "engine/stream_scanner.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

StreamOptions redact_options(MaskStyle mask, unsigned decode_depth = 0) {
  StreamOptions options;
  options.release = true;
  options.mask = mask;
  options.max_decode_depth = decode_depth;
  return options;
}

std::unique_ptr<StreamScanner> open_stream(StreamOptions options = {}) {
  Provenance provenance;
  provenance.source = "stream";
  provenance.path = "test";
  auto scanner = StreamScanner::open(test::builtin_database(), provenance, options);
  REQUIRE(scanner.ok());
  return std::move(scanner).value();
}

// Feeds `text` in pieces of `read_size` bytes and returns every finding.
std::vector<Finding> scan_in_pieces(std::string_view text, std::size_t read_size,
                                    StreamOptions options = {}) {
  auto scanner = open_stream(options);
  std::vector<Finding> findings;
  for (std::size_t at = 0; at < text.size(); at += read_size)
    REQUIRE(scanner->feed(text.substr(at, read_size), findings).ok());
  REQUIRE(scanner->finish(findings).ok());
  return findings;
}

std::string pem_key(test::FakeSecrets& fake, int lines) {
  std::string key = "-----BEGIN " + std::string("RSA PRIVATE") + " KEY-----\n";
  const std::string alphabet = std::string(test::kBase62) + "+/";
  for (int i = 0; i < lines; ++i)
    key += fake.random_string(64, alphabet) + "\n";
  return key + "-----END " + std::string("RSA PRIVATE") + " KEY-----";
}

// Redacts `text` fed in pieces of `read_size`, pausing after every piece when `pauses`.
std::string redact(std::string_view text, std::size_t read_size, bool pauses,
                   std::vector<Finding>* findings_out = nullptr, unsigned decode_depth = 0) {
  auto scanner = open_stream(redact_options(MaskStyle::full, decode_depth));
  std::vector<Finding> findings;
  std::string out;
  for (std::size_t at = 0; at < text.size(); at += read_size) {
    REQUIRE(scanner->feed(text.substr(at, read_size), findings).ok());
    scanner->release(scanner->releasable(pauses), out);
  }
  REQUIRE(scanner->finish(findings).ok());
  scanner->release(scanner->releasable(false), out);
  if (findings_out) *findings_out = findings;
  return out;
}

}  // namespace

TEST_CASE("regression: secret split across read boundaries at every offset", "[stream]") {
  test::FakeSecrets fake;
  const std::string secret = fake.github_classic();
  const std::string prefix = "2024-05-01 INFO first line\nuser sent ";
  const std::string text = prefix + secret + " end\nlast line\n";
  for (std::size_t read_size = 1; read_size <= prefix.size() + secret.size() + 2; ++read_size) {
    INFO("read size " << read_size);
    auto findings = scan_in_pieces(text, read_size);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].secret == secret);
    CHECK(findings[0].offset == prefix.size());
    CHECK(findings[0].line == 2);
    CHECK(findings[0].provenance.path == "test");
  }
}

TEST_CASE("a secret at the very end of the stream is found when it closes", "[stream]") {
  test::FakeSecrets fake;
  const std::string secret = fake.aws_access_key_id();
  auto findings = scan_in_pieces("key " + secret, 3);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].secret == secret);
}

TEST_CASE("a PEM private key spanning many lines is found across small reads", "[stream]") {
  test::FakeSecrets fake;
  const std::string key = pem_key(fake, 20);
  const std::string text = "line one\nline two\n" + key + "\ntrailer\n";
  for (std::size_t read_size : {1, 7, 64, 4096}) {
    auto findings = scan_in_pieces(text, read_size);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule->id.find("private-key") != std::string::npos);
    CHECK(findings[0].line == 3);
    CHECK(findings[0].end_line == 24);
  }
}

TEST_CASE("memory per stream is bounded on one endless line", "[stream]") {
  auto scanner = open_stream();
  std::vector<Finding> findings;
  const std::string block(1 << 20, 'a');
  std::size_t most = 0;
  for (int i = 0; i < 32; ++i) {
    REQUIRE(scanner->feed(block, findings).ok());
    most = std::max(most, scanner->retained_bytes());
  }
  CHECK(most < 1024 * 1024);
  CHECK(findings.empty());
  CHECK(scanner->bytes_fed() == 32u << 20);
}

TEST_CASE("findings are reported before the stream ends", "[stream]") {
  test::FakeSecrets fake;
  auto scanner = open_stream();
  std::vector<Finding> findings;
  REQUIRE(scanner->feed("token " + fake.slack_bot() + "\n", findings).ok());
  CHECK(findings.size() == 1);
}

TEST_CASE("redact masks secrets and passes every other byte through", "[stream][redact]") {
  test::FakeSecrets fake;
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary += static_cast<char>(i);
  const std::string secret = fake.github_classic();
  const std::string text = "clean \xff\xfe invalid utf-8\n" + binary + "\nuse " + secret +
                           " now\n" + pem_key(fake, 4) + "\nno newline at end";
  for (std::size_t read_size : {1, 5, 100, 100000}) {
    for (bool pauses : {false, true}) {
      INFO("read size " << read_size << " pauses " << pauses);
      std::vector<Finding> findings;
      const std::string out = redact(text, read_size, pauses, &findings);
      REQUIRE(out.size() == text.size());
      REQUIRE(findings.size() == 2);
      for (std::size_t i = 0; i < text.size(); ++i) {
        const bool in_secret = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
          return i >= f.offset && i < f.end_offset;
        });
        if (!in_secret || text[i] == '\n') {
          REQUIRE(out[i] == text[i]);
        } else {
          REQUIRE(out[i] == '*');
        }
      }
    }
  }
}

TEST_CASE("redact holds back an open PEM block at a pause", "[stream][redact]") {
  test::FakeSecrets fake;
  const std::string key = pem_key(fake, 6);
  const std::size_t half = key.find('\n', key.size() / 2) + 1;
  auto scanner = open_stream(redact_options(MaskStyle::full));
  std::vector<Finding> findings;
  std::string out;
  REQUIRE(scanner->feed("before\n" + key.substr(0, half), findings).ok());
  scanner->release(scanner->releasable(true), out);
  CHECK(out == "before\n");  // the key's first lines could still become a secret
  REQUIRE(scanner->feed(key.substr(half) + "\nafter\n", findings).ok());
  scanner->release(scanner->releasable(true), out);
  CHECK(findings.size() == 1);
  CHECK(out.size() == 7 + key.size() + 7);
  CHECK(out.find(key.substr(40, 20)) == std::string::npos);
  CHECK(out.starts_with("before\n"));
  CHECK(out.ends_with("\nafter\n"));
}

TEST_CASE("partial masks keep the provider prefix", "[stream][redact]") {
  test::FakeSecrets fake;
  const std::string secret = fake.github_classic();
  auto scanner = open_stream(redact_options(MaskStyle::partial));
  std::vector<Finding> findings;
  std::string out;
  REQUIRE(scanner->feed("t " + secret + "\n", findings).ok());
  REQUIRE(scanner->finish(findings).ok());
  scanner->release(scanner->releasable(false), out);
  CHECK(out == "t " + secret.substr(0, 4) + std::string(secret.size() - 4, '*') + "\n");
}

TEST_CASE("encoded secrets in a stream are found at their run across read boundaries",
          "[stream][decoder]") {
  test::FakeSecrets fake;
  const std::string secret = fake.github_classic();
  const std::string run = test::base64("token: " + secret);
  const std::string prefix = "2024-05-01 INFO start\nconfig blob=";
  const std::string text = prefix + run + " end\nplain line\n";
  CHECK(scan_in_pieces(text, 7).empty());  // decoding off: the run hides the secret
  StreamOptions decoding;
  decoding.max_decode_depth = 2;
  for (std::size_t read_size = 1; read_size <= prefix.size() + run.size() + 2; read_size += 3) {
    INFO("read size " << read_size);
    auto findings = scan_in_pieces(text, read_size, decoding);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].secret == secret);
    CHECK(findings[0].encoding == "base64");
    CHECK(findings[0].offset == prefix.size());
    CHECK(findings[0].end_offset == prefix.size() + run.size());
    CHECK(findings[0].line == 2);
  }
}

TEST_CASE("a decoded finding is reported once its line is complete", "[stream][decoder]") {
  test::FakeSecrets fake;
  StreamOptions decoding;
  decoding.max_decode_depth = 2;
  auto scanner = open_stream(decoding);
  std::vector<Finding> findings;
  const std::string secret = fake.slack_bot();
  REQUIRE(scanner->feed("line one\nvalue=" + test::base64("auth " + secret), findings).ok());
  CHECK(findings.empty());  // the run may go on
  REQUIRE(scanner->feed("\nline three\n", findings).ok());
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].secret == secret);
  CHECK(findings[0].line == 2);
  // Plain findings come out as soon as their line is decoded too, in stream order.
  REQUIRE(scanner->feed("token " + fake.slack_bot() + "\n", findings).ok());
  CHECK(findings.size() == 2);
}

TEST_CASE("redact masks the encoded run of a decoded secret", "[stream][redact][decoder]") {
  test::FakeSecrets fake;
  const std::string run = test::base64("password: " + fake.github_classic());
  const std::string text = "a\nsecret=" + run + "\nb " + fake.aws_access_key_id() + "\nc";
  for (std::size_t read_size : {1, 9, 4096}) {
    for (bool pauses : {false, true}) {
      INFO("read size " << read_size << " pauses " << pauses);
      std::vector<Finding> findings;
      const std::string out = redact(text, read_size, pauses, &findings, 2);
      REQUIRE(findings.size() == 2);
      CHECK(out.size() == text.size());
      CHECK(out.find(run) == std::string::npos);
      CHECK(out.starts_with("a\nsecret=" + std::string(run.size(), '*') + "\nb "));
      CHECK(out.ends_with("\nc"));
    }
  }
}

TEST_CASE("memory stays bounded with decoding on endless lines", "[stream][decoder]") {
  StreamOptions decoding;
  decoding.max_decode_depth = 2;
  decoding.release = true;
  auto scanner = open_stream(decoding);
  std::vector<Finding> findings;
  std::string out;
  // Base64 characters without a line break: one endless run, longer than any decodable run.
  const std::string block(1 << 20, 'Q');
  std::size_t most = 0;
  for (int i = 0; i < 16; ++i) {
    REQUIRE(scanner->feed(block, findings).ok());
    scanner->release(scanner->releasable(false), out);
    out.clear();
    most = std::max(most, scanner->retained_bytes());
  }
  CHECK(most < 1024 * 1024);
  CHECK(findings.empty());
}

TEST_CASE("redact neither masks nor reports what the filter rejects", "[stream][redact]") {
  test::FakeSecrets fake;
  const std::string accepted = fake.github_classic();
  const std::string secret = fake.github_classic();
  const std::string encoded = test::base64("token: " + accepted);
  const std::string text = "a " + accepted + "\nb " + secret + "\nc " + encoded + "\n";
  StreamOptions options = redact_options(MaskStyle::full, 2);
  int seen = 0;
  options.filter = [&](Finding& finding) {
    ++seen;
    return finding.secret != accepted;
  };
  std::vector<Finding> findings;
  auto scanner = open_stream(options);
  REQUIRE(scanner->feed(text, findings).ok());
  REQUIRE(scanner->finish(findings).ok());
  std::string out;
  scanner->release(scanner->releasable(false), out);
  CHECK(seen == 3);  // the plain and the decoded sighting of the accepted secret, and the other
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].secret == secret);
  CHECK(out ==
        "a " + accepted + "\nb " + std::string(secret.size(), '*') + "\nc " + encoded + "\n");
}

TEST_CASE("line numbers stay right after the window is trimmed with decoding on",
          "[stream][decoder]") {
  test::FakeSecrets fake;
  std::string text;
  for (int i = 1; i <= 30000; ++i)
    text += "log line " + std::to_string(i) + "\n";  // ~430 KB: the window is trimmed
  const std::string plain = fake.github_classic();
  const std::string encoded = fake.github_classic();
  text += "plain " + plain + "\nblob " + test::base64("token: " + encoded) + "\n";
  StreamOptions decoding;
  decoding.max_decode_depth = 2;
  for (std::size_t read_size : {4096, 65536}) {
    auto findings = scan_in_pieces(text, read_size, decoding);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].secret == plain);
    CHECK(findings[0].line == 30001);
    CHECK(findings[1].secret == encoded);
    CHECK(findings[1].line == 30002);
  }
}

TEST_CASE("a rule's keyword counts up to 32 KiB before the hit in any piece", "[stream]") {
  // The keyword is not part of the match: the stream looks for it in the bytes before the hit
  // (no keyword sightings from Vectorscan, which cost a callback each on access logs).
  Rule rule = test::make_rule("keyed-token", R"(\btok_[a-z0-9]{20}\b)");
  rule.keywords = {"VaultKey"};
  const auto database = test::build_database({rule});
  const std::string token = "tok_" + std::string("k3y9") + "abcdefgh0123456x";
  const auto scan = [&](const std::string& text, std::size_t read_size) {
    Provenance provenance;
    provenance.source = "stream";
    provenance.path = "test";
    auto scanner = StreamScanner::open(*database, provenance, StreamOptions{});
    REQUIRE(scanner.ok());
    std::vector<Finding> findings;
    for (std::size_t at = 0; at < text.size(); at += read_size)
      REQUIRE(scanner.value()->feed(std::string_view(text).substr(at, read_size), findings).ok());
    REQUIRE(scanner.value()->finish(findings).ok());
    return findings.size();
  };
  const std::string filler = "log line without the word\n";
  std::string near = "vaultkey: ";
  while (near.size() < 20 * 1024)
    near += filler;
  std::string far = "VAULTKEY: ";
  while (far.size() < 40 * 1024)
    far += filler;
  for (const std::size_t read_size : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{7}}) {
    INFO("read size " << read_size);
    CHECK(scan(near + token + "\n", read_size) == 1);
    CHECK(scan("x " + token + " vaultKEY\n" + near + token + "\n", read_size) == 1);
    CHECK(scan(far + token + "\n", read_size) == 0);     // too far before
    CHECK(scan(token + " vaultkey\n", read_size) == 0);  // only after the hit
    CHECK(scan(token + "\n", read_size) == 0);
  }
}
