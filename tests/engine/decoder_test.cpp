// The decoder (engine/decoder.h): which runs it decodes, where it says they are, what it drops,
// and scan_decoded over the built-in rules. Every encoded secret is built at run time.
#include "engine/decoder.h"

#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"
#include "engine/scanner.h"
#include "tests/support.h"

namespace leakhound {
namespace {

using test::base64;

std::string encode_each(std::string_view bytes, const char* format) {
  std::string out;
  char buffer[16];
  for (char c : bytes) {
    std::snprintf(buffer, sizeof buffer, format, static_cast<unsigned char>(c));
    out += buffer;
  }
  return out;
}

std::vector<Finding> scan_all(std::string_view data, unsigned depth = 2) {
  Scanner scanner(test::builtin_database());
  std::vector<Match> matches;
  REQUIRE(scanner.scan(data, matches));
  std::vector<Finding> findings;
  locate_findings(data, matches, test::builtin_database().rules(), 0, 0,
                  Provenance{"file", "t", {}, {}}, findings);
  DecodeScanOptions options;
  options.max_depth = depth;
  REQUIRE(scan_decoded(scanner, data, options, Provenance{"file", "t", {}, {}}, findings));
  return findings;
}

const Finding* find_rule(const std::vector<Finding>& findings, std::string_view rule_id) {
  for (const Finding& finding : findings)
    if (finding.rule->id == rule_id) return &finding;
  return nullptr;
}

}  // namespace

TEST_CASE("decoder: base64 run decoded with its span", "[decoder]") {
  test::FakeSecrets fakes(11);
  const std::string secret = fakes.github_classic();
  const std::string encoded = base64(secret);
  const std::string data = "x = \"" + encoded + "\";\n";
  std::vector<DecodedSegment> segments;
  decode_runs(data, segments);
  REQUIRE(segments.size() == 1);
  CHECK(segments[0].encoding == Encoding::base64);
  CHECK(segments[0].begin == 5);
  CHECK(segments[0].end == 5 + encoded.size());
  CHECK(segments[0].text == secret);
}

TEST_CASE("decoder: each encoding of a secret", "[decoder]") {
  test::FakeSecrets fakes(12);
  const std::string secret =
      fakes.aws_access_key_id() + ":" + fakes.random_string(24, test::kBase62);
  struct Case {
    std::string encoded;
    Encoding encoding;
  };
  const std::vector<Case> cases = {
      {base64(secret + std::string(2, 0x3f) + ">>"), Encoding::base64},
      {base64(secret + std::string(2, 0x3f) + ">>", true), Encoding::base64url},
      {encode_each(secret, "%02x"), Encoding::hex},
      {"https://h.example/p?v=" + encode_each(secret, "%%%02X"), Encoding::percent},
      {encode_each(secret, "\\u%04x"), Encoding::escape},
      {encode_each(secret, "\\x%02x"), Encoding::escape},
  };
  for (const Case& c : cases) {
    const std::string data = "prefix \"" + c.encoded + "\" suffix\n";
    std::vector<DecodedSegment> segments;
    decode_runs(data, segments);
    INFO(to_string(c.encoding));
    REQUIRE(segments.size() == 1);
    CHECK(segments[0].encoding == c.encoding);
    CHECK(segments[0].begin == 8);
    CHECK(segments[0].end == 8 + c.encoded.size());
    CHECK(segments[0].text.find(secret) != std::string::npos);
  }
}

TEST_CASE("decoder: every byte ends or continues a run at every block position", "[decoder]") {
  // Two base64 runs around one byte, at offsets that put it in every lane of the 64-, 32- and
  // 16-byte block scans and in the byte-by-byte tail: the runs stay apart exactly when the
  // byte is outside the base64 alphabets ('%' and '\\' start nothing here: no hex, no escape).
  const std::string first = base64("hello there, general!");  // 28 characters, no padding
  const std::string second = base64("The quick brown fox!!");
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    for (std::size_t offset = 0; offset < 80; offset += 7) {
      const std::string data = std::string(offset, ' ') + first + c + second + "\n" +
                               std::string(offset % 3 == 0 ? 70 : 0, ' ');
      std::vector<DecodedSegment> segments;
      decode_runs(data, segments);
      INFO("byte " << byte << " offset " << offset);
      if (alphabet.find(c) != std::string::npos) {
        CHECK(segments.size() != 2);
      } else {
        REQUIRE(segments.size() == 2);
        CHECK(segments[0].begin == offset);
        CHECK(segments[0].text == "hello there, general!");
        CHECK(segments[1].begin == offset + first.size() + 1);
        CHECK(segments[1].text == "The quick brown fox!!");
      }
    }
  }
}

// Chooses the block scan for a scope and restores the widest when it ends.
struct DecoderPathScope {
  explicit DecoderPathScope(DecoderPath path) { set_decoder_path(path); }
  ~DecoderPathScope() { set_decoder_path(DecoderPath::widest); }
  DecoderPathScope(const DecoderPathScope&) = delete;
  DecoderPathScope& operator=(const DecoderPathScope&) = delete;
};

std::vector<DecodedSegment> decode_with(DecoderPath path, std::string_view data) {
  const DecoderPathScope scope(path);
  std::vector<DecodedSegment> segments;
  decode_runs(data, segments);
  return segments;
}

// The narrower block scans, each compared with the widest (the same where the CPU has no wider).
constexpr std::array kNarrowerPaths = {DecoderPath::avx2, DecoderPath::sse2};

void check_same_segments(const std::vector<DecodedSegment>& widest,
                         const std::vector<DecodedSegment>& narrower) {
  REQUIRE(widest.size() == narrower.size());
  for (std::size_t i = 0; i < widest.size(); ++i) {
    INFO("segment " << i << " at " << widest[i].begin);
    CHECK(widest[i].begin == narrower[i].begin);
    CHECK(widest[i].end == narrower[i].end);
    CHECK(widest[i].encoding == narrower[i].encoding);
    CHECK(widest[i].text == narrower[i].text);
  }
}

// Many KiB of everything the block scans tell apart: runs of text, identifiers and random
// characters in both base64 alphabets and hex, of every length up to a few blocks, percent
// escapes, backslash escapes, and random bytes of all 256 values between them.
std::string mixed_buffer(std::mt19937& random, std::size_t size) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  const std::string words =
      "the quick brown fox jumps over a lazy dog: host=db.internal user=admin ";
  auto text = [&](std::size_t length) {
    std::string out;
    while (out.size() < length)
      out += words[random() % words.size()];
    return out;
  };
  std::string data;
  while (data.size() < size) {
    switch (random() % 9) {
      case 0:
        data += base64(text(random() % 120 + 1), random() % 2 == 0);
        break;
      case 1: {  // identifier-like or random alphabet characters, 1 to 200 of them
        const std::size_t length = random() % 200 + 1;
        const std::size_t letters = random() % 2 == 0 ? 52 : alphabet.size();
        for (std::size_t i = 0; i < length; ++i)
          data += alphabet[random() % letters];
        break;
      }
      case 2: {
        const std::string hex = random() % 2 == 0 ? "0123456789abcdef" : "0123456789ABCDEF";
        const std::string plain = text(random() % 40 + 1);
        for (const char c : plain) {
          data += hex[static_cast<unsigned char>(c) >> 4];
          data += hex[static_cast<unsigned char>(c) & 15];
        }
        break;
      }
      case 3:
        for (std::size_t i = random() % 70; i > 0; --i)
          data += "0123456789abcdef"[random() % 16];
        break;
      case 4:
        data += "https://user:" + std::string("p%40ss%2Fw0rd") +
                "@example.com/a%20b?q=" + text(random() % 20);
        break;
      case 5:
        data += "\"line\\none \\u0041\\x42\\101 \\/path " + text(random() % 30) + "\"";
        break;
      case 6:
        data += random() % 2 == 0 ? "100%" : "\\n\\\"";
        break;
      case 7:
        for (std::size_t i = random() % 40; i > 0; --i)
          data += static_cast<char>(random() & 0xFF);
        break;
      default:
        data += std::string(random() % 70, random() % 2 == 0 ? ' ' : '=');
        break;
    }
    data += " \n\t\"'"[random() % 5];
  }
  return data;
}

TEST_CASE("decoder: the SSE2 AVX2 and widest block scans find the same segments", "[decoder]") {
  std::mt19937 random(9);
  std::size_t compared = 0;
  for (std::size_t size :
       {std::size_t{64} * 1024, std::size_t{48} * 1024 + 13, std::size_t{96} * 1024 + 61}) {
    const std::string data = mixed_buffer(random, size);
    const std::vector<DecodedSegment> widest = decode_with(DecoderPath::widest, data);
    INFO("size " << data.size());
    REQUIRE(widest.size() < DecoderLimits{}.max_segments);  // no cut: the same set either way
    for (const DecoderPath narrower : kNarrowerPaths) {
      INFO("path " << static_cast<int>(narrower));
      check_same_segments(widest, decode_with(narrower, data));
    }
    compared += widest.size();
  }
  CHECK(compared > 300);
  // Runs of text ending at each byte around the 16- and 64-byte block edges, from one to
  // three blocks long, with a byte outside the alphabets or the end of the buffer after them.
  const std::string run =
      base64(std::string(240, 'x').replace(0, 40, "a fairly long line of text"));
  for (std::size_t length = 16; length <= 200; length += 23) {
    for (std::size_t end = 248; end < 264; ++end) {
      for (const bool at_end : {false, true}) {
        std::string data(end - length, ' ');
        data += run.substr(0, length);
        if (!at_end) data += std::string(70, ' ');
        INFO("length " << length << " end " << end << " at end " << at_end);
        const std::vector<DecodedSegment> widest = decode_with(DecoderPath::widest, data);
        REQUIRE(widest.size() == 1);
        CHECK(widest[0].begin == end - length);
        CHECK(widest[0].end == end);
        for (const DecoderPath narrower : kNarrowerPaths)
          check_same_segments(widest, decode_with(narrower, data));
      }
    }
  }
}

TEST_CASE("decoder: an escaped string is decoded from its start whatever escapes come first",
          "[decoder]") {
  // Only an escape that can hide a character (\u \x octal \/) starts the look at a string, and
  // the string is then taken from its opening quote, back over \" and \n.
  const std::string hidden = encode_each("hidden value text", "\\u%04x");
  for (const std::string& before :
       {std::string("plain"), std::string("a\\\"quote\\\"d"), std::string("line\\nbreak")}) {
    const std::string data = "x = \"" + before + hidden + "\";\n" + std::string(70, ' ');
    INFO(data);
    for (const DecoderPath path : {DecoderPath::widest, DecoderPath::avx2, DecoderPath::sse2}) {
      const std::vector<DecodedSegment> segments = decode_with(path, data);
      REQUIRE(segments.size() == 1);
      CHECK(segments[0].begin == 5);
      CHECK(segments[0].end == 5 + before.size() + hidden.size());
      CHECK(segments[0].encoding == Encoding::escape);
      CHECK(segments[0].text.ends_with("hidden value text"));
    }
  }
  // An escaped backslash before "u0041" is no \u escape; strings of \n and \" are left alone.
  for (const std::string& data :
       {std::string("s = \"C:\\\\u0041\\\\u0042\\\\u0043\\\\u0044 path\";") + std::string(70, ' '),
        std::string("s = \"one\\ntwo\\\"three\\\"\";") + std::string(70, ' ')}) {
    INFO(data);
    for (const DecoderPath path : {DecoderPath::widest, DecoderPath::avx2, DecoderPath::sse2})
      CHECK(decode_with(path, data).empty());
  }
}

TEST_CASE("regression: a run after one that ends at the wide scan's last block is found",
          "[decoder]") {
  // Found by fuzz_decoder comparing the paths: when a run examined by the wide scan ended
  // exactly where the narrower scan took over, the narrower one saw its last 16 characters as
  // a new run, skipped it as examined, and with it the rest of its block.
  const std::string first = base64("first encoded text 1!");  // 28 characters, no padding
  const std::string second = base64("second encoded text!!");
  for (std::size_t blocks = 1; blocks <= 3; ++blocks) {
    for (std::size_t gap = 1; gap <= 3; ++gap) {
      std::string data(blocks * 64 - first.size(), ' ');
      data += first + std::string(gap, ' ') + second + std::string(gap, '.');
      INFO("blocks " << blocks << " gap " << gap);
      const std::vector<DecodedSegment> widest = decode_with(DecoderPath::widest, data);
      REQUIRE(widest.size() == 2);
      CHECK(widest[1].begin == blocks * 64 + gap);
      for (const DecoderPath narrower : kNarrowerPaths)
        check_same_segments(widest, decode_with(narrower, data));
    }
  }
}

TEST_CASE("regression: the byte-by-byte tail examines what an escaped string holds", "[decoder]") {
  // Found by fuzz_decoder comparing the paths: within the last bytes (examined one by one) a
  // '%' inside an escaped string was skipped, and runs starting together came out in either
  // order. Both paths now give the same segments in the same order.
  for (const std::string& data : {std::string("a:4aHRoaXMgaXMgdGV3d\xff%4341\\x4d\xff%2e\x0b"
                                              "A2XMgaXMgdGV3d\xff%4341\\x%4d\xff%2e\x0b",
                                              65),
                                  std::string("a: aGVsbG6gd2yybGQsI\x00R1%42a: aG+\x00"
                                              "bG8gd2yybGQsIHR1%41\\x42\"\x0a\xd7\xd7\xd7"
                                              "42\"\x0a",
                                              65)}) {
    const std::vector<DecodedSegment> widest = decode_with(DecoderPath::widest, data);
    for (const DecoderPath narrower : kNarrowerPaths)
      check_same_segments(widest, decode_with(narrower, data));
  }
}

TEST_CASE("decoder: binary and random runs are dropped", "[decoder]") {
  std::mt19937 random(5);
  std::string image = "\x89PNG\r\n";
  for (int i = 0; i < 300; ++i)
    image += static_cast<char>(random() & 0xFF);
  std::string hash_hex;
  for (int i = 0; i < 64; ++i)
    hash_hex += "0123456789abcdef"[random() % 16];
  test::FakeSecrets fakes(13);
  const std::string data = "img: data:image/png;base64," + base64(image) + "\nsha256 " + hash_hex +
                           "\nnoise " + fakes.random_string(64, test::kBase62) +
                           "\nconfigurationManagerFactory.createInstance()\n";
  std::vector<DecodedSegment> segments;
  decode_runs(data, segments);
  CHECK(segments.empty());
}

TEST_CASE("decoder: adversarial input stays bounded", "[decoder]") {
  // One enormous run is skipped; a buffer of many small runs yields at most max_segments.
  std::vector<DecodedSegment> segments;
  decode_runs(std::string(1 << 20, 'A'), segments);
  CHECK(segments.empty());
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "%41%42 ";
  DecoderLimits limits;
  limits.max_segments = 100;
  decode_runs(many, segments, limits);
  CHECK(segments.size() == 100);
}

TEST_CASE("scan_decoded: base64 and double base64 located at the run", "[decoder]") {
  test::FakeSecrets fakes(14);
  const std::string secret = fakes.github_classic();
  const std::string once = base64(secret);
  const std::string twice = base64(once);
  const std::string data = "first line\nvalue: " + once + "\nother: " + twice + "\n";
  const std::vector<Finding> findings = scan_all(data);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].encoding == "base64");
  CHECK(findings[0].line == 2);
  CHECK(findings[0].column == 8);
  CHECK(findings[0].offset == data.find(once));
  CHECK(findings[0].end_offset == data.find(once) + once.size());
  CHECK(findings[0].secret == secret);
  CHECK(findings[0].fingerprint == fingerprint("github-classic-pat", secret));
  CHECK(findings[1].encoding == "base64>base64");
  CHECK(findings[1].line == 3);
  CHECK(findings[1].offset == data.find(twice));
  CHECK(display_snippet(findings[1], false).find(twice) == std::string::npos);
  CHECK(scan_all(data, 1).size() == 1);
  CHECK(scan_all(data, 0).empty());
}

TEST_CASE("scan_decoded: percent in a URL and escapes in JSON and C", "[decoder]") {
  test::FakeSecrets fakes(15);
  const std::string secret = fakes.slack_bot();
  const std::string url = "https://hooks.example.com/x?t=" + encode_each(secret, "%%%02X");
  const std::string json = "{\"t\": \"" + encode_each(secret, "\\u%04x") + "\"}";
  const std::string c_string = "const char* t = \"" + encode_each(secret, "\\x%02x") + "\";";
  for (const std::string& data : {url, json, c_string}) {
    const std::vector<Finding> findings = scan_all(data + "\n");
    INFO(data);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].secret == secret);
    CHECK((findings[0].encoding == "percent" || findings[0].encoding == "escape"));
  }
}

TEST_CASE("scan_decoded: plain finding of the same secret wins", "[decoder]") {
  test::FakeSecrets fakes(16);
  const std::string secret = fakes.github_classic();
  // Escaping a slash leaves the token intact: it is found in plain text, and only there.
  const std::string data = "{\"u\": \"https:\\/\\/x.example\\/" + secret + "\"}\n";
  const std::vector<Finding> findings = scan_all(data);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].encoding.empty());
}

TEST_CASE("scan_decoded: Kubernetes Secret keys and name", "[decoder]") {
  test::FakeSecrets fakes(17);
  const std::string token = fakes.github_classic();
  const std::string password = fakes.random_string(20, test::kBase62);
  const std::string data =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-credentials\n"
      "  namespace: prod\ntype: Opaque\ndata:\n  db-password: " +
      base64(password) + "\n  github-token: " + base64(token) +
      "\n  username: " + base64("service-account") + "\n";
  const std::vector<Finding> findings = scan_all(data);
  const Finding* github = find_rule(findings, "github-classic-pat");
  REQUIRE(github);
  CHECK(github->line == 9);
  CHECK(github->secret == token);
  const Fields expected_github = {{"kubernetes_secret", "app-credentials"},
                                  {"key", "github-token"}};
  CHECK(github->provenance.fields == expected_github);
  const Finding* db = find_rule(findings, "generic-password-config");
  REQUIRE(db);
  CHECK(db->secret == password);
  CHECK(db->line == 8);
  CHECK(db->encoding == "base64");
  for (const Finding& finding : findings)
    CHECK(finding.line != 10);  // the username is not a secret
}

TEST_CASE("regression: a percent-encoded URL is not user:password", "[decoder][regression]") {
  // A GCP service-account file's certificate URL decodes to `https://...@...` with one colon:
  // it once was scanned as `password: //www.googleapis.com/...`.
  const std::string data =
      "{\n  \"type\": \"service_account\",\n  \"client_x509_cert_url\": "
      "\"https://www.googleapis.com/robot/v1/metadata/x509/"
      "deploy-bot%40acme-prod-123.iam.gserviceaccount.com\"\n}\n";
  std::vector<DecodedSegment> segments;
  decode_runs(data, segments);
  REQUIRE(segments.size() == 1);
  CHECK(segments[0].encoding == Encoding::percent);
  CHECK(scan_all(data).empty());
}

TEST_CASE("scan_decoded: docker config auth entry", "[decoder]") {
  test::FakeSecrets fakes(18);
  const std::string password = fakes.random_string(24, test::kBase62);
  const std::string data =
      "{\"auths\": {\"registry.example.com\": {\"email\": \"a@b.c\"}, "
      "\"r.example\": {\"token\": \"" +
      base64("robot:" + password) + "\"}}}\n";
  const std::vector<Finding> findings = scan_all(data);
  const Finding* decoded = nullptr;
  for (const Finding& finding : findings)
    if (finding.encoding == "base64") decoded = &finding;
  REQUIRE(decoded);
  CHECK(decoded->secret == password);
  CHECK(decoded->offset == data.find(base64("robot:" + password)));
}

}  // namespace leakhound
