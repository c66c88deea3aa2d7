// The image source end to end: fixtures built by corpus/make_image_fixtures.py (OCI layouts
// written directly, docker-save archives converted by skopeo), scanned by the real binary in
// each form: OCI layout directory, OCI tarball and docker-save tarball.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support.h"

using leakhound::test::CommandResult;
using leakhound::test::run_leakhound;
using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

namespace {

struct Fixtures {
  TempDir root;
  nlohmann::json manifest;
  std::string oci(const std::string& name) const { return (root.path() / "oci" / name).string(); }
  std::string oci_tar(const std::string& name) const {
    return (root.path() / "oci-tar" / (name + ".tar")).string();
  }
  std::string docker(const std::string& name) const {
    return (root.path() / "docker" / (name + ".tar")).string();
  }
  std::string token(const std::string& name) const { return manifest["tokens"][name]; }
};

const Fixtures& fixtures() {
  static const Fixtures* built = [] {
    auto* fixtures = new Fixtures();
    auto result = run_shell(
        "python3 " +
        shell_quote(std::string(LEAKHOUND_SOURCE_DIR) + "/corpus/make_image_fixtures.py") + " " +
        shell_quote(fixtures->root.path().string()));
    if (result.exit_code != 0) throw std::runtime_error("fixture builder failed: " + result.err);
    std::ifstream manifest(fixtures->root.path() / "manifest.json");
    fixtures->manifest = nlohmann::json::parse(manifest);
    return fixtures;
  }();
  return *built;
}

CommandResult image_scan(const std::string& path, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> arguments = {"image", path, "-f", "json", "--show-secrets"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return run_leakhound(arguments);
}

// The finding whose secret is `secret`; fails the test when there is none or more than one.
nlohmann::json finding_with(const CommandResult& result, const std::string& secret) {
  const auto document = nlohmann::json::parse(result.out);
  nlohmann::json found;
  int count = 0;
  for (const auto& finding : document["findings"]) {
    if (finding["secret"] == secret) {
      found = finding;
      ++count;
    }
  }
  INFO(result.out);
  REQUIRE(count == 1);
  return found;
}

std::string field(const nlohmann::json& finding, const std::string& name) {
  const auto& provenance = finding["provenance"];
  return provenance.contains(name) ? provenance[name].get<std::string>() : std::string();
}

std::size_t finding_count(const CommandResult& result) {
  const auto document = nlohmann::json::parse(result.out);
  return document["findings"].size();
}

}  // namespace

TEST_CASE("image: deleted whited-out and overwritten files are still reported", "[image]") {
  const Fixtures& f = fixtures();
  for (const std::string& path : {f.oci("deleted"), f.oci_tar("deleted"), f.docker("deleted")}) {
    INFO(path);
    auto result = image_scan(path);
    INFO(result.err);
    REQUIRE(result.exit_code == 1);
    auto deleted = finding_with(result, f.token("deleted_env"));
    CHECK(deleted["path"] == "app/.env");
    CHECK(field(deleted, "layer") == "1");
    CHECK(field(deleted, "status") == "removed in layer 2 but still present in the image");
    CHECK(field(deleted, "created_by") == "COPY . /app # buildkit");
    auto whole_dir = finding_with(result, f.token("whiteout_dir"));
    CHECK(whole_dir["path"] == "secrets/keys/id.txt");
    CHECK(field(whole_dir, "status") == "removed in layer 2 but still present in the image");
    auto overwritten = finding_with(result, f.token("overwritten"));
    CHECK(field(overwritten, "status") == "overwritten in layer 2 but still present in the image");
    auto opaque = finding_with(result, f.token("opaque"));
    CHECK(field(opaque, "status") ==
          "removed in layer 2 (opaque directory) but still present in the image");
    auto live = finding_with(result, f.token("live"));
    CHECK(live["path"] == "keep/live.txt");
    CHECK(field(live, "layer") == "3");
    CHECK(field(live, "status") == "present in the final filesystem");
    CHECK(field(live, "image").find("deleted") != std::string::npos);
    // docker-save layers are stored uncompressed: their digest is the layer's diff_id.
    if (path != f.docker("deleted"))
      CHECK(field(live, "layer_digest") == f.manifest["deleted"]["layers"][2]);
    CHECK(field(live, "platform") == "linux/amd64");
  }
}

TEST_CASE("image: identical contents are scanned once and listed with every location", "[image]") {
  const Fixtures& f = fixtures();
  for (const std::string& path : {f.oci("deleted"), f.docker("deleted")}) {
    INFO(path);
    auto result = image_scan(path);
    auto live = finding_with(result, f.token("live"));
    REQUIRE(live["provenance"]["occurrences"].size() == 1);
    const auto& other = live["provenance"]["occurrences"][0];
    CHECK(other["path"] == "copies/again.txt");
    CHECK(other["layer"] == "4");
  }
}

TEST_CASE("image: secrets in the configuration Env and history created_by", "[image]") {
  const Fixtures& f = fixtures();
  for (const std::string& path : {f.oci("deleted"), f.oci_tar("deleted"), f.docker("deleted")}) {
    INFO(path);
    auto result = image_scan(path);
    auto env = finding_with(result, f.token("env"));
    CHECK(env["path"] == "config:Env");
    CHECK(env["line"] == 2);
    CHECK(field(env, "config").rfind("sha256:", 0) == 0);
    auto build_arg = finding_with(result, f.token("build_arg"));
    CHECK(build_arg["path"] == "config:history[1].created_by");
  }
}

TEST_CASE("image: archives inside layers are opened recursively", "[image]") {
  const Fixtures& f = fixtures();
  for (const std::string& path : {f.oci("jar"), f.docker("jar")}) {
    INFO(path);
    auto result = image_scan(path);
    INFO(result.err);
    CHECK(result.exit_code == 1);
    auto jar = finding_with(result, f.token("jar"));
    CHECK(jar["path"] == "app/lib/app.jar!/BOOT-INF/classes/application.properties");
    auto tgz = finding_with(result, f.token("tgz"));
    CHECK(tgz["path"] == "app/bundle.tgz!/bundle/config.yml");
  }
  auto shallow = image_scan(f.oci("jar"), {"--max-archive-depth", "0"});
  CHECK(shallow.exit_code == 0);
  CHECK(finding_count(shallow) == 0);
}

TEST_CASE("image: a multi-platform index scans every platform or the one asked for", "[image]") {
  const Fixtures& f = fixtures();
  auto all = image_scan(f.oci("multi"));
  INFO(all.err);
  REQUIRE(all.exit_code == 1);
  auto amd = finding_with(all, f.token("amd64"));
  CHECK(field(amd, "platform") == "linux/amd64");
  CHECK(field(amd, "manifest") == f.manifest["multi"]["amd64"]["manifest"]);
  CHECK(field(amd, "image") == "multi");
  auto arm = finding_with(all, f.token("arm64"));
  CHECK(field(arm, "platform") == "linux/arm64");
  // The shared base layer is read once and reported in both images.
  auto shared = finding_with(all, f.token("shared"));
  CHECK(field(shared, "platform") == "linux/amd64");
  REQUIRE(shared["provenance"]["occurrences"].size() == 1);
  CHECK(shared["provenance"]["occurrences"][0]["platform"] == "linux/arm64");

  auto only_arm = image_scan(f.oci_tar("multi"), {"--platform", "linux/arm64"});
  CHECK(only_arm.exit_code == 1);
  CHECK(finding_count(only_arm) == 2);
  CHECK(field(finding_with(only_arm, f.token("arm64")), "platform") == "linux/arm64");

  for (const std::string arch : {"amd64", "arm64"}) {
    auto docker = image_scan(f.docker("multi-" + arch));
    CHECK(docker.exit_code == 1);
    CHECK(field(finding_with(docker, f.token(arch)), "platform") == "linux/" + arch);
    CHECK(field(finding_with(docker, f.token("shared")), "image") ==
          "docker.io/fixtures/multi:latest");
  }
}

TEST_CASE("image: damaged layers and unsafe entries are reported and the rest is scanned",
          "[image]") {
  const Fixtures& f = fixtures();
  auto result = image_scan(f.oci("damaged"), {"--verify-digests"});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(finding_with(result, f.token("damaged_ok"))["path"] == "ok/token.txt");
  CHECK(finding_with(result, f.token("damaged_unsafe"))["path"] == "ok/after.txt");
  CHECK(result.err.find("layer 2") != std::string::npos);
  CHECK(result.err.find("truncated or corrupt") != std::string::npos);
  CHECK(result.err.find("is missing from the image") != std::string::npos);
  CHECK(result.err.find("climbs out of the image root") != std::string::npos);
  CHECK(result.err.find("device file") != std::string::npos);
  CHECK(result.err.find("symbolic link to a target outside the image root") != std::string::npos);
  CHECK(result.err.find("layer 5") != std::string::npos);
  CHECK(result.err.find("digest mismatch") != std::string::npos);
  const auto document = nlohmann::json::parse(result.out);
  CHECK(document["summary"]["partial"] == true);
  // Without --verify-digests the altered layer is read as it is.
  auto unverified = image_scan(f.oci("damaged"));
  CHECK(unverified.err.find("digest mismatch") == std::string::npos);
}

TEST_CASE("regression: a truncated docker-save tarball fails with a message", "[image]") {
  const Fixtures& f = fixtures();
  TempDir temp;
  const std::string cut = (temp.path() / "cut.tar").string();
  auto made =
      run_shell("head -c 20000 " + shell_quote(f.docker("deleted")) + " > " + shell_quote(cut));
  REQUIRE(made.exit_code == 0);
  auto result = image_scan(cut);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("cut.tar") != std::string::npos);
  auto missing = image_scan((temp.path() / "nothing.tar").string());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot open") != std::string::npos);
}

TEST_CASE("image: a bomb inside a layer stops at the expansion limit", "[image]") {
  TempDir temp;
  // A 64 MiB file of zeros in a zip (about 64 KiB compressed) inside a one-layer image.
  temp.write(
      "make.py",
      "import gzip, hashlib, io, json, os, tarfile, zipfile\n"
      "z = io.BytesIO()\n"
      "with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as a:\n"
      "    a.writestr('zeros.txt', b'\\0' * (64 << 20))\n"
      "t = io.BytesIO()\n"
      "with tarfile.open(fileobj=t, mode='w') as tar:\n"
      "    i = tarfile.TarInfo('bomb.zip'); data = z.getvalue(); i.size = len(data)\n"
      "    tar.addfile(i, io.BytesIO(data))\n"
      "os.makedirs('img/blobs/sha256')\n"
      "def blob(b):\n"
      "    d = hashlib.sha256(b).hexdigest(); open('img/blobs/sha256/' + d, 'wb').write(b)\n"
      "    return {'digest': 'sha256:' + d, 'size': len(b)}\n"
      "layer = blob(gzip.compress(t.getvalue()))\n"
      "config = blob(json.dumps({'os': 'linux', 'architecture': 'amd64'}).encode())\n"
      "m = blob(json.dumps({'schemaVersion': 2, 'config': config, 'layers': [layer]}).encode())\n"
      "m['mediaType'] = 'application/vnd.oci.image.manifest.v1+json'\n"
      "json.dump({'schemaVersion': 2, 'manifests': [m]}, open('img/index.json', 'w'))\n"
      "json.dump({'imageLayoutVersion': '1.0.0'}, open('img/oci-layout', 'w'))\n");
  auto made = run_shell("cd " + shell_quote(temp.path().string()) + " && python3 make.py");
  REQUIRE(made.exit_code == 0);
  auto result = image_scan((temp.path() / "img").string());
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("decompression bomb guard") != std::string::npos);
  CHECK(result.err.find("bomb.zip") != std::string::npos);
}

TEST_CASE("image: findings and problems are the same for every thread count", "[image]") {
  const Fixtures& f = fixtures();
  // Everything but the timing and the thread count.
  auto comparable = [](const CommandResult& result) {
    auto document = nlohmann::json::parse(result.out);
    document["summary"].erase("seconds");
    document["summary"].erase("threads");
    std::string err = result.err;
    err.erase(err.rfind("leakhound: scanned"));
    return document.dump() + "\n" + err;
  };
  for (const std::string& path : {f.oci("damaged"), f.oci("deleted"), f.docker("multi-amd64")}) {
    INFO(path);
    const std::string reference =
        comparable(image_scan(path, {"--verify-digests", "--threads", "1"}));
    for (const std::string threads : {"2", "4"}) {
      INFO("threads " << threads);
      CHECK(comparable(image_scan(path, {"--verify-digests", "--threads", threads})) == reference);
    }
  }
}
