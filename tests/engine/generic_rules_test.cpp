#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/generic_filter.h"
#include "engine/relative_entropy.h"
#include "engine/rule_loader.h"
#include "engine/scanner.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

const RuleDatabase& builtin_database() {
  static const std::unique_ptr<RuleDatabase> database = [] {
    auto rules = load_builtin_rules();
    if (!rules) throw std::runtime_error(rules.error().message);
    return test::build_database(std::move(rules).value());
  }();
  return *database;
}

// The secrets that the generic-* rules report in `text`.
std::vector<std::string> generic_secrets(const std::string& text) {
  Scanner scanner(builtin_database());
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  std::vector<std::string> secrets;
  for (const Match& match : matches) {
    if (builtin_database().rules()[match.rule].id.starts_with("generic-"))
      secrets.push_back(text.substr(match.secret_start, match.secret_end - match.secret_start));
  }
  return secrets;
}

// Lines of each syntax the generic rules cover, with the value where VALUE stands.
const std::vector<std::string> kPasswordLayouts = {
    "DB_PASSWORD=VALUE",                                         // .env
    "DB_PASSWORD=\"VALUE\"",                                     // .env, quoted
    "  db_password: VALUE",                                      // YAML
    "  db-password: \"VALUE\"",                                  // YAML (Kubernetes stringData)
    "  \"dbPassword\": \"VALUE\",",                              // JSON
    "db_password = \"VALUE\"",                                   // TOML, Python, Terraform
    "db_password = VALUE",                                       // INI
    "db.password=VALUE",                                         // Java properties
    "export DB_PASSWORD=\"VALUE\"",                              // shell
    "DB_PASSWORD = \"VALUE\"",                                   // Python
    "const dbPassword = 'VALUE';",                               // JavaScript
    "const dbPassword: string = \"VALUE\";",                     // TypeScript
    "dbPassword := \"VALUE\"",                                   // Go
    "    private static final String DB_PASSWORD = \"VALUE\";",  // Java
    "        public const string DbPassword = \"VALUE\";",       // C#
    "  config.db_password = \"VALUE\"",                          // Ruby
    "  :password => 'VALUE',",                                   // Ruby hash
    "define('DB_PASSWORD', 'VALUE');",                           // PHP leakhound:allow
    "    'password' => 'VALUE',",                                // PHP array
    "  password = \"VALUE\"",                                    // Terraform / HCL
    "ENV DB_PASSWORD=VALUE",                                     // Dockerfile
    "ARG DB_PASSWORD=VALUE",                                     // Dockerfile
    "      - DB_PASSWORD=VALUE",                                 // docker-compose
    "            - name: DB_PASSWORD\n              value: \"VALUE\"",  // Kubernetes env
    "<password>VALUE</password>",                                       // XML
    "<add key=\"DbPassword\" value=\"VALUE\" />",                       // .NET appSettings
    "pg_dump --password=VALUE shop",                                    // command line
    "INFO login user=ops password=VALUE attempt=1",                     // log line
};

std::string with_value(std::string layout, const std::string& key, const std::string& value) {
  for (std::size_t at; (at = layout.find("VALUE")) != std::string::npos;)
    layout.replace(at, 5, value);
  if (key != "password") {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"PASSWORD", key}, {"Password", "ApiKey"}, {"password", "api_key"}}) {
      for (std::size_t at; (at = layout.find(from)) != std::string::npos;)
        layout.replace(at, from.size(), to);
    }
  }
  return layout;
}

const std::string kPasswordChars = std::string(test::kBase62) + "!%^*-_+=.~";

}  // namespace

TEST_CASE("generic rules find passwords in every supported syntax", "[generic]") {
  test::FakeSecrets fake(41);
  for (const std::string& layout : kPasswordLayouts) {
    const std::string value = fake.random_string(10, test::kBase62) + "!" +
                              fake.random_string(6, kPasswordChars.substr(0, 62));
    const std::string text = with_value(layout, "password", value);
    INFO(layout);
    CHECK(generic_secrets(text) == std::vector<std::string>{value});
  }
}

TEST_CASE("generic rules find api keys and secrets in every supported syntax", "[generic]") {
  test::FakeSecrets fake(42);
  for (const std::string& layout : kPasswordLayouts) {
    for (const std::string& value :
         {fake.random_string(32, test::kBase62), fake.random_string(40, "0123456789abcdef")}) {
      const std::string text = with_value(layout, "API_KEY", value);
      INFO(text);
      CHECK(generic_secrets(text) == std::vector<std::string>{value});
    }
  }
}

TEST_CASE("generic rules skip hard negatives from real code", "[generic]") {
  test::FakeSecrets fake(43);
  const std::string hex40 = fake.random_string(40, "0123456789abcdef");
  const std::string hex64 = fake.random_string(64, "0123456789abcdef");
  const std::string uuid =
      fake.random_string(8, "0123456789abcdef") + "-" + fake.random_string(4, "0123456789abcdef") +
      "-4" + fake.random_string(3, "0123456789abcdef") + "-a" +
      fake.random_string(3, "0123456789abcdef") + "-" + fake.random_string(12, "0123456789abcdef");
  const std::string b64 = fake.random_string(64, test::kBase62);
  const std::vector<std::string> negatives = {
      // reads from the environment and templates
      "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]",
      "password = os.getenv(\"DB_PASSWORD\")",
      "  password: process.env.DB_PASSWORD,",
      "const apiKey = process.env.API_KEY;",
      "String password = System.getenv(\"DB_PASSWORD\");",
      "password = ENV['DB_PASSWORD']",
      "password = ENV.fetch(\"DB_PASSWORD\")",
      "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
      "DB_PASSWORD=${DB_PASSWORD}",
      "api_key: \"${API_KEY}\"",
      "token: ${{ secrets.DEPLOY_TOKEN }}",
      "password: \"{{ vault_db_password }}\"",
      "password = \"%(db_password)s\"",
      "db_password = var.db_password",
      "password = $DB_PASSWORD",
      // placeholders
      "api_key = \"your_api_key_here\"",
      "password = \"changeme\"",
      "CLIENT_SECRET=<client-secret>",
      "password: \"********\"",
      "token = \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
      "AUTH_TOKEN=insert-token-here",
      // identifiers, booleans, numbers
      "TOKEN_HEADER = \"X-Access-Token\"",
      "token_type = \"refresh_token\"",
      "password = password_from_vault",
      "    password: config.database.password,",
      "auth = \"AwsCredentialsProviderChain\"",
      "token: tokenProviderFactory",
      "secret: mySecretName",
      "password: true",
      "api_key: null",
      "password = 1234567890",
      "token_ttl = 3600",
      "password = \"Password123\"",
      "accessToken = \"Bearer\"",
      // UUIDs, hashes, lock files, git object ids, colours
      "INSTALLATION_TOKEN=" + uuid,
      "client_secret = \"" + uuid + "\"",
      "secret: \"" + hex64 + "\"  # sha256 of the release tarball",
      "hashed_password = \"" + hex40.substr(0, 32) + "\"",
      "auth_token: " + hex40 + "  # git commit of the deploy",
      "token: sha256:" + hex64,
      "      \"integrity\": \"sha512-" + b64 + "==\",",
      "  integrity sha512-" + b64 + "==",
      "  resolution: {integrity: sha512-" + b64 + "==}",
      "password_hash = \"$2b$12$" + fake.random_string(53, test::kBase62) + "\"",
      "token: \"#a1b2c3d4\"",
      // paths, URLs without credentials, references
      "secret: /var/run/secrets/kubernetes.io/serviceaccount/token",
      "private_key: ~/.ssh/id_rsa",
      "token = \"https://auth.example.com/oauth2/v1/token\"",
      "secret: https://vault.internal.example/v1/secret/data/app",
      "password: ENC[AES256_GCM,data:" + fake.random_string(16, test::kBase62) + ",type:str]",
      "secret: \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-db\"",
      "token: \"vault:secret/data/prod/api#token\"",
      // code that is not an assignment of a literal
      "if password == \"" + fake.random_string(12, test::kBase62) + "\":",
      "password = get_password(user)",
      "password: Optional[str] = None",
      "token = jwt.encode(payload, key)",
      "const passwordLabel = \"Enter your password\";",
      "compass = \"north-north-west-by-west\"",
      "PASSWORD_MIN_LENGTH = 12",
      "password_reset_url: \"https://example.com/reset\"",
      "ENABLE_PASSWORD_RESET=false",
      "secret: aaaa-bbbb-cccc-dddd-eeee",
  };
  for (const std::string& text : negatives) {
    INFO(text);
    CHECK(generic_secrets(text).empty());
  }
}

TEST_CASE("the generic filter is what drops identifiers and hashes", "[generic]") {
  // The same regex with and without `generic = true`: the engine, not the regex, skips these.
  Rule generic = test::make_rule("kv", "secret = \"([^\"]{8,200})\"", 1);
  generic.generic = true;
  Rule plain = generic;
  plain.id = "kv-plain";
  plain.generic = false;
  auto database = test::build_database({generic, plain});
  test::FakeSecrets fake(44);
  for (const std::string& value :
       {std::string("AbstractTokenProviderFactory"), std::string("my_database_connection"),
        fake.random_string(8, "0123456789abcdef") + "-" + fake.random_string(4, "0123456789") +
            "-4" + fake.random_string(3, "0123456789") + "-a" +
            fake.random_string(3, "0123456789") + "-" + fake.random_string(12, "0123456789"),
        std::string("/etc/app/secret.key"), std::string("https://api.acme.test/a/b")}) {
    INFO(value);
    Scanner scanner(*database);
    std::vector<Match> matches;
    REQUIRE(scanner.scan("secret = \"" + value + "\"", matches).ok());
    REQUIRE(matches.size() == 1);
    CHECK(matches[0].rule == 1);
    CHECK(scanner.stats().rejected_generic == 1);
  }
}

TEST_CASE("generic skips classify values by shape", "[generic]") {
  test::FakeSecrets fake(45);
  CHECK(classify_generic("my_database_password") == GenericSkip::identifier);
  CHECK(classify_generic("getUserPasswordFromConfig") == GenericSkip::identifier);
  CHECK(classify_generic("DB_PASSWORD_PRODUCTION") == GenericSkip::identifier);
  CHECK(classify_generic("config.secrets.api_key") == GenericSkip::identifier);
  CHECK(classify_generic("my-app-secret-v2") == GenericSkip::identifier);
  CHECK(classify_generic("HTTPServerToken") == GenericSkip::identifier);
  CHECK(classify_generic("No") == GenericSkip::boolean);
  CHECK(classify_generic("undefined") == GenericSkip::boolean);
  CHECK(classify_generic("2024-05-01T12:00:00") == GenericSkip::none);  // T: not only digits
  CHECK(classify_generic("2024-05-01 12:00:00") == GenericSkip::number);
  CHECK(classify_generic("3.14159") == GenericSkip::number);
  CHECK(classify_generic("{8F14E45F-CEEA-467F-A0E6-4C1F7A3E2B90}") == GenericSkip::uuid);
  CHECK(classify_generic("#A1B2C3") == GenericSkip::colour);
  CHECK(classify_generic("rgba(0,0,0,0.5)") == GenericSkip::colour);
  CHECK(classify_generic("sha256:" + fake.random_string(64, "0123456789abcdef")) ==
        GenericSkip::hash);
  const std::string hex40 = fake.random_string(40, "0123456789abcdef");
  CHECK(classify_generic(hex40, "commit: ") == GenericSkip::hash);
  CHECK(classify_generic(hex40, "api_key = \"") == GenericSkip::none);  // 40 hex can be a key
  CHECK(classify_generic("C:\\keys\\app.pfx") == GenericSkip::path);
  CHECK(classify_generic("./config/token.json") == GenericSkip::path);
  CHECK(classify_generic("vault:secret/data/app") == GenericSkip::reference);
  CHECK(classify_generic("https://api.example.com/v1?x=1") == GenericSkip::url);
  // URLs that carry credentials are not skipped.
  const std::string password = fake.random_string(16, test::kBase62);
  CHECK(classify_generic("https://deploy:" + password + "@example.com/") == GenericSkip::none);
  CHECK(classify_generic("https://example.com/hook?token=" + password) == GenericSkip::none);
  // Random values of 16 characters or more are almost never taken for names: names have
  // vowels, few short pieces, few capitals and digits only at the end of a word.
  std::size_t skipped = 0;
  std::size_t lower_skipped = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::size_t length = 16 + static_cast<std::size_t>(i % 48);
    for (const std::string& value :
         {fake.random_string(length, test::kBase62), fake.random_string(length, kPasswordChars),
          fake.random_string(length, std::string(test::kBase62) + "+/"),
          fake.random_string(length, "0123456789abcdef")}) {
      skipped += classify_generic(value) != GenericSkip::none;
    }
    lower_skipped += classify_generic(fake.random_string(
                         length + 16, "0123456789abcdefghijklmnopqrstuvwxyz")) != GenericSkip::none;
  }
  CHECK(skipped <= 8000 / 200);  // fewer than 1 in 200
  CHECK(lower_skipped <= 2000 / 200);
}

TEST_CASE("relative entropy is about 1 for random text of any alphabet", "[generic][entropy]") {
  // Exact small cases: two symbols from two are equal half the time (H = 0) and differ half
  // the time (H = 1); three from two split 3-0 a quarter of the time, else 2-1 (H = 0.918).
  CHECK(expected_random_entropy(2, 2) == Approx(0.5));
  CHECK(expected_random_entropy(3, 2) == Approx(0.75 * (std::log2(3.0) - 2.0 / 3.0)));
  CHECK(apparent_alphabet_size("0123456789") == 10);
  CHECK(apparent_alphabet_size("deadbeef01") == 16);
  CHECK(apparent_alphabet_size("DEADBEEF01") == 16);
  CHECK(apparent_alphabet_size("xyz0123") == 36);
  CHECK(apparent_alphabet_size("aB3+/=_-") == 64);
  CHECK(apparent_alphabet_size("a!b") == 94);
  test::FakeSecrets fake(46);
  for (std::string_view alphabet :
       {std::string_view("0123456789abcdef"),
        std::string_view("abcdefghijklmnopqrstuvwxyz0123456789"), test::kBase62}) {
    for (std::size_t length : {16, 32, 64}) {
      double sum = 0.0;
      for (int i = 0; i < 200; ++i)
        sum += relative_entropy(fake.random_string(length, alphabet));
      INFO(alphabet << " " << length);
      CHECK(sum / 200 == Approx(1.0).margin(0.03));
    }
  }
  CHECK(relative_entropy("aaaa-bbbb-cccc") < 0.6);
  CHECK(relative_entropy("test-test-test-1") < 0.6);
  CHECK(relative_entropy("x") == 0.0);
}

TEST_CASE("min_relative_entropy and generic are optional rule keys", "[generic][rules]") {
  auto parsed = parse_rules(test::demo_rule_toml("min_relative_entropy = 0.8\ngeneric = true\n"),
                            "demo.toml");
  REQUIRE(parsed.ok());
  CHECK(parsed.value()[0].min_relative_entropy == 0.8);
  CHECK(parsed.value()[0].generic);
  auto defaulted = parse_rules(test::demo_rule_toml(), "demo.toml");
  REQUIRE(defaulted.ok());
  CHECK_FALSE(defaulted.value()[0].generic);
  CHECK_FALSE(defaulted.value()[0].min_relative_entropy.has_value());
  auto bad = parse_rules(test::demo_rule_toml("min_relative_entropy = 2\n"), "demo.toml");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("'min_relative_entropy' must be a number"));
  REQUIRE_FALSE(parse_rules(test::demo_rule_toml("generic = 1\n"), "demo.toml").ok());
}

TEST_CASE("every generic rule carries many hard negatives", "[generic][builtin]") {
  std::size_t generic_rules = 0;
  for (const Rule& rule : builtin_database().rules()) {
    if (!rule.id.starts_with("generic-")) continue;
    ++generic_rules;
    INFO(rule.id);
    CHECK(rule.generic);
    CHECK(rule.min_relative_entropy.has_value());
    CHECK(rule.examples.size() >= 3);
    CHECK(rule.negative_examples.size() >= 5);
  }
  CHECK(generic_rules >= 6);
}
