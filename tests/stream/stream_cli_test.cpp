// The stream and redact commands end to end: --follow through rotation and truncation, JSON
// records, byte-identical pass-through, SIGTERM flushing and a closed output pipe.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support.h"

using namespace leakhound::test;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Waits (bounded) until `done` holds; the bound only keeps a broken build from hanging.
template <class Predicate>
bool wait_for(Predicate done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Starts leakhound with stdin from `stdin_fd` (or /dev/null) and stdout into `out_file`.
pid_t start(const std::vector<std::string>& arguments, const std::filesystem::path& out_file,
            int stdin_fd = -1) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);
    dup2(in, STDIN_FILENO);
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(LEAKHOUND_BINARY)};
    for (const std::string& argument : arguments)
      argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    execv(LEAKHOUND_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

int stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Ends the child when a failed REQUIRE leaves the test early, so no follower outlives it.
struct Child {
  pid_t pid;
  bool stopped = false;
  int stop_now() {
    stopped = true;
    return stop(pid);
  }
  ~Child() {
    if (!stopped) stop(pid);
  }
};

}  // namespace

TEST_CASE("stream --follow survives rotation and truncation", "[stream][cli]") {
  TempDir dir;
  FakeSecrets fake;
  const auto log = dir.write("app.log", "start\ntoken " + fake.github_classic() + "\n");
  const auto out = dir.path() / "findings.jsonl";
  Child child{start({"stream", "--follow", "--quiet", log.string()}, out)};
  REQUIRE(wait_for([&] { return count_lines(slurp(out)) == 1; }));

  // Rotation: the file is renamed and a new one appears at the path.
  std::filesystem::rename(log, dir.path() / "app.log.1");
  // A long first line, so that the truncated file below is shorter than this one.
  dir.write("app.log", std::string(300, '-') + "\nkey " + fake.aws_access_key_id() + "\n");
  REQUIRE(wait_for([&] { return count_lines(slurp(out)) == 2; }));

  // Truncation: the file shrinks in place and is written again from the start.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::ofstream truncate(log, std::ios::binary | std::ios::trunc);
    truncate << fake.slack_bot() << "\n";
  }
  REQUIRE(wait_for([&] { return count_lines(slurp(out)) == 3; }));
  CHECK(child.stop_now() == 1);
  const std::string findings = slurp(out);
  CHECK(findings.find("\"line\":2") != std::string::npos);
  CHECK(findings.find("\"line\":1,") != std::string::npos);  // the truncated file restarts
}

TEST_CASE("stream scans JSON records field by field with escapes", "[stream][cli]") {
  TempDir dir;
  FakeSecrets fake;
  const std::string token = fake.github_classic();
  // The token is split by an escaped slash sequence in the raw line; decoded it is whole.
  const std::string escaped = token.substr(0, 10) + "\\u0041" + token.substr(11);
  const std::string decoded = token.substr(0, 10) + "A" + token.substr(11);
  const std::string pem_body = fake.random_string(64, kBase62);
  std::string pem = "-----BEGIN " + std::string("RSA PRIVATE") + " KEY-----\\n";
  for (int i = 0; i < 3; ++i)
    pem += pem_body + "\\n";
  pem += "-----END " + std::string("RSA PRIVATE") + " KEY-----";
  const auto log = dir.write("app.jsonl",
                             "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"msg\":\"ok\"}\n"
                             "{\"ts\":1714557600,\"req\":{\"headers\":[{\"h\":\"x\"},{\"auth\":\"" +
                                 escaped + "\"}]}}\n{\"key\":{\"pem\":\"" + pem + "\"}}\n");
  auto result = run_leakhound({"stream", "--quiet", "--show-secrets", log.string()});
  CHECK(result.exit_code == 1);
  REQUIRE(count_lines(result.out) == 2);
  CHECK(result.out.find("\"field\":\"req.headers[1].auth\"") != std::string::npos);
  CHECK(result.out.find("\"timestamp\":\"1714557600\"") != std::string::npos);
  CHECK(result.out.find(decoded) != std::string::npos);
  CHECK(result.out.find("\"field\":\"key.pem\"") != std::string::npos);
  CHECK(result.out.find("\"line\":3") != std::string::npos);
}

TEST_CASE("redact passes lines without secrets through byte for byte", "[stream][cli]") {
  TempDir dir;
  std::string junk;
  std::mt19937 random(7);
  for (int i = 0; i < 300000; ++i)
    junk += static_cast<char>(random() & 0xff);
  junk += "\xc3\x28 invalid utf-8\r\n\n\nno newline at the end";
  const auto input = dir.write("junk.bin", junk);
  const auto out = dir.path() / "out.bin";
  auto result = run_shell(shell_quote(LEAKHOUND_BINARY) + " redact --quiet < " +
                          shell_quote(input.string()) + " > " + shell_quote(out.string()));
  CHECK(result.exit_code == 0);
  CHECK(slurp(out) == junk);
}

TEST_CASE("redact flushes what it holds on SIGTERM and exits 0", "[stream][cli]") {
  TempDir dir;
  FakeSecrets fake;
  const std::string secret = fake.github_classic();
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const auto out = dir.path() / "out.txt";
  Child child{start({"redact", "--quiet"}, out, pipe_fds[0])};
  close(pipe_fds[0]);
  const std::string first = "first line\nsecret " + secret + "\n";
  const std::string tail = "a partial line without a newline";
  REQUIRE(write(pipe_fds[1], first.data(), first.size()) == static_cast<ssize_t>(first.size()));
  // The input pauses: the complete lines come out promptly, secret masked.
  REQUIRE(wait_for([&] { return slurp(out).size() == first.size(); }));
  CHECK(slurp(out).find(secret) == std::string::npos);
  REQUIRE(write(pipe_fds[1], tail.data(), tail.size()) == static_cast<ssize_t>(tail.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(child.stop_now() == 0);
  close(pipe_fds[1]);
  const std::string written = slurp(out);
  CHECK(written.size() == first.size() + tail.size());
  CHECK(written.ends_with(tail));
}

TEST_CASE("redact exits quietly when its output pipe closes", "[stream][cli]") {
  auto result =
      run_shell("bash -c " + shell_quote("yes 'a harmless log line' | head -c 20000000 | " +
                                         shell_quote(LEAKHOUND_BINARY) +
                                         " redact --quiet | head -c 100 > /dev/null; echo "
                                         "${PIPESTATUS[2]}"));
  CHECK(result.out == "0\n");  // redact's own exit status
  CHECK(result.err.empty());
}

TEST_CASE("stream decodes encoded values in text lines and JSON records",
          "[stream][cli][decoder]") {
  TempDir dir;
  FakeSecrets fake;
  const std::string in_text = fake.github_classic();
  const std::string in_json = fake.slack_bot();
  const std::string run = leakhound::test::base64("token=" + in_json);
  const auto text_log =
      dir.write("app.log", "start\nGET /login?next=%2Fhome&key=" + in_text + " 200\n" + "creds " +
                               leakhound::test::base64("user:" + in_text) + "\n");
  const auto json_log =
      dir.write("app.jsonl", "{\"ts\":\"t1\",\"msg\":\"ok\"}\n{\"ts\":\"t2\",\"ctx\":{\"blob\":\"" +
                                 run + "\"}}\n");
  auto text = run_leakhound({"stream", "--quiet", "--show-secrets", text_log.string()});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("\"encoding\":\"base64\"") != std::string::npos);
  CHECK(text.out.find("\"line\":3") != std::string::npos);

  auto json = run_leakhound({"stream", "--quiet", "--show-secrets", json_log.string()});
  CHECK(json.exit_code == 1);
  REQUIRE(count_lines(json.out) == 1);
  CHECK(json.out.find("\"field\":\"ctx.blob\"") != std::string::npos);
  CHECK(json.out.find("\"encoding\":\"base64\"") != std::string::npos);
  CHECK(json.out.find(in_json) != std::string::npos);

  auto off = run_leakhound({"stream", "--quiet", "--max-decode-depth", "0", json_log.string()});
  CHECK(off.exit_code == 0);
}

TEST_CASE("stream and redact apply the project configuration and the gate", "[stream][cli][ci]") {
  TempDir dir;
  FakeSecrets fake;
  const std::string accepted = fake.github_classic();
  const std::string secret = fake.slack_bot();
  dir.write(".leakhound.toml", "[allowlist]\nregexes = ['''^" + accepted.substr(0, 12) + "''']\n");
  const auto log = dir.write("app.log", "a " + accepted + "\nb " + secret + "\n");

  auto stream = run_leakhound({"stream", "--quiet", log.string()}, dir.path());
  CHECK(stream.exit_code == 1);
  CHECK(count_lines(stream.out) == 1);
  CHECK(stream.out.find("slack") != std::string::npos);

  auto redact = run_leakhound({"redact", "--quiet", log.string()}, dir.path());
  CHECK(redact.exit_code == 1);
  CHECK(redact.out == "a " + accepted + "\nb " + std::string(secret.size(), '*') + "\n");

  auto unconfigured = run_leakhound({"redact", "--quiet", "--no-config", log.string()}, dir.path());
  CHECK(unconfigured.out.find(accepted) == std::string::npos);

  auto below =
      run_leakhound({"stream", "--quiet", "--fail-on", "critical", log.string()}, dir.path());
  CHECK(count_lines(below.out) == 1);
  CHECK(below.out.find("\"rule_id\":\"slack-bot-token\"") != std::string::npos);
  CHECK(below.exit_code == 0);  // a high-severity bot token is below --fail-on critical
}
