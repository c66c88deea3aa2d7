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

// The secrets that the generic-* rules report in `text`.
std::vector<std::string> generic_secrets(const std::string& text) {
  Scanner scanner(test::builtin_database());
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  std::vector<std::string> secrets;
  for (const Match& match : matches) {
    if (test::builtin_database().rules()[match.rule].id.starts_with("generic-"))
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
    "            - name: DB_PASSWORD\n              value: \"VALUE\"",          // Kubernetes env
    "<password>VALUE</password>",                                               // XML
    "<add key=\"DbPassword\" value=\"VALUE\" />",                               // .NET appSettings
    "pg_dump --password=VALUE shop",                                            // command line
    "INFO login user=ops password=VALUE attempt=1",                             // log line
    "var dbPassword string = \"VALUE\"",                                        // Go, typed
    "const (\n\tdbPassword = \"VALUE\"\n)",                                     // Go, const block
    "$dbPassword .= 'VALUE';",                                                  // PHP, appended
    "DB_PASSWORD ?= VALUE",                                                     // Make, conditional
    "DB_PASSWORD ::= VALUE",                                                    // Make, POSIX
    "DB_PASSWORD :::= VALUE",                                                   // Make, immediate
    "db.password : VALUE",                                                      // Java properties
    "<password>\n    VALUE\n</password>",                                       // XML, next line
    "<property name=\"db.password\" value=\"VALUE\"/>",                         // Spring, Ant
    "<entry key=\"dbPassword\">VALUE</entry>",                                  // properties XML
    "  db_password: |\n    VALUE",                                              // YAML block scalar
    "  db_password: >-\n    VALUE",                                             // YAML folded
    "variable \"db_password\" {\n  type = string\n  default = \"VALUE\"\n}",    // Terraform
    "    private const val DB_PASSWORD: String = \"VALUE\"",                    // Kotlin
    "    def dbPassword = 'VALUE'",                                             // Groovy
    "    {\"key\": \"dbPassword\", \"value\": \"VALUE\", \"enabled\": true},",  // Postman
    "Set `DB_PASSWORD` to `VALUE` before starting.",                            // Markdown
    "    dataSource.setDbPassword(\"VALUE\");",                                 // Java setter
    "#define DB_PASSWORD \"VALUE\"",                                            // C, Arduino
};

// Syntaxes that carry a credential without a name: headers, curl -u, command-line options.
const std::vector<std::string> kUnnamedLayouts = {
    "curl -H \"Authorization: Bearer VALUE\" https://api.acme.test/v1",
    "curl -H 'Authorization: Token VALUE' https://api.acme.test/v1",
    "2026-05-01T12:00:03Z DEBUG > authorization: bearer VALUE",
    "  {\"key\": \"Authorization\", \"value\": \"Bearer VALUE\", \"type\": \"text\"},",
    "curl -H \"X-API-Key: VALUE\" https://api.acme.test/v1",
    "curl -H 'x-auth-token: VALUE' https://api.acme.test/v1",
    "headers = {'x-auth-token': 'VALUE'}",
    "curl -u deploy:VALUE https://ci.acme.test/api/json",
    "curl -X POST --user 'deploy:VALUE' https://ci.acme.test/api/json",
    "mysqldump -h db -u backup -pVALUE shop > shop.sql",
    "mysql -uroot -p'VALUE' -e 'SHOW DATABASES'",
    "sshpass -p 'VALUE' ssh deploy@10.0.0.7",
    "backup-tool --host db --password VALUE --verbose",
    "vendor-cli login --api-key VALUE",
    "docker login -u deploy -p VALUE registry.acme.test",
    "$secure = ConvertTo-SecureString \"VALUE\" -AsPlainText -Force",
    "CREATE USER 'app'@'%' IDENTIFIED BY 'VALUE';",
    "CREATE ROLE reporting WITH LOGIN PASSWORD 'VALUE';",
    "        .clientSecret(\"VALUE\")",
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

TEST_CASE("regression: generic rules read headers, curl -u and command-line options",
          "[generic][regression]") {
  test::FakeSecrets fake(47);
  for (const std::string& layout : kUnnamedLayouts) {
    const std::string value = fake.random_string(32, test::kBase62);
    const std::string text = with_value(layout, "password", value);
    INFO(text);
    CHECK(generic_secrets(text) == std::vector<std::string>{value});
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
      // code references, selectors, routes and labels (issue 16)
      "secret_key = settings.SECRET_KEY",
      "password = env.PERKEEP_TEST_PASSWORD",
      "    self.secret_key = app.config.SECRET_KEY_BASE",
      "const passwordToggle = \"#add-password\";",
      "  password_field: \".password-input-wrapper\"",
      "  get \"password\" => \"passwords#edit\", as: :edit_password",
      "  password_action: \"PasswordController@update\"",
      "var i18n={passwordLabel:\"Password:\",rememberMe:\"Remember me on this computer\"};",
      "API_TOKEN ?= $(shell cat .secrets/api_token)",
      "DB_PASSWORD ?= $(DEFAULT_DB_PASSWORD)",
      // documentation placeholders and public values
      "password: &lt;YOUR_PASSWORD&gt;",
      "DATABRICKS_TOKEN = \"dapi1234567890abcdef1234567890ab\"",
      "api_key = \"abcdefg1234567890abcdefg12346\"",
      "secret = \"a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4\"",
      "csrf_token = \"" + b64.substr(0, 40) + "\"",
      "var csrfToken string = \"" + b64.substr(0, 40) + "\"",
      "  publicToken: \"" + b64.substr(0, 32) + "\",",
      "    {\"key\": \"publicToken\", \"value\": \"" + b64.substr(0, 32) + "\"},",
      "ALGOLIA_SEARCH_API_KEY=" + b64.substr(0, 32),
      "RECAPTCHA_SITE_KEY=" + b64.substr(0, 40),
      "> X-CSRF-Token: " + b64.substr(0, 40),
      "curl -H \"Authorization: Bearer pk_live_" + b64.substr(0, 24) + "\" https://api.acme.test",
      "  apiKey: \"" + std::string("AI") + "za" + "SyDOCAbC123dEf" + "456GhI789jKl012-MnO\",",
      "const searchKey = '" + std::string("6be0576ff61c05") + "3d5f9a3225e2a90f76';",
      // headers, curl and command lines without a literal credential
      "curl -H \"Authorization: Bearer $API_TOKEN\" https://api.acme.test/v1",
      "curl -H \"Authorization: Bearer <access-token>\" https://api.acme.test/v1",
      "headers[\"Authorization\"] = \"Bearer \" + accessToken",
      "curl -u \"$CI_USER:$CI_PASSWORD\" https://ci.acme.test/api/json",
      "curl -u user:password https://ci.acme.test/api/json",
      "mysql -u root -p shop < dump.sql",
      "docker login --password-stdin registry.acme.test",
      "backup-tool --password-file /run/secrets/backup --verbose",
      "    {\"key\": \"X-API-Key\", \"value\": \"{{apiKey}}\"},",
      "  db_password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256",
      "  private_key: |\n    -----BEGIN PUBLIC KEY-----",
      "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}",
      "    dataSource.setPassword(properties.getPassword());",
      "#define PASSWORD_MAX_LENGTH 64",
      "ALTER USER app IDENTIFIED BY :new_password;",
      "docker login -u ci -p $env:REGISTRY_PASSWORD registry.acme.test",
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
  CHECK(classify_generic("settings.SECRET_KEY") == GenericSkip::code);
  CHECK(classify_generic("app.config.SECRET_KEY_BASE") == GenericSkip::code);
  CHECK(classify_generic("Password:") == GenericSkip::code);
  CHECK(classify_generic("#add-password") == GenericSkip::selector);
  CHECK(classify_generic("passwords#edit") == GenericSkip::selector);
  CHECK(classify_generic("PasswordController@update") == GenericSkip::selector);
  const std::string token = fake.random_string(32, test::kBase62);
  CHECK(classify_generic(token, "const publicToken = \"") == GenericSkip::public_value);
  CHECK(classify_generic(token, "var csrfToken string = \"") == GenericSkip::public_value);
  CHECK(classify_generic(token, "{\"key\": \"xsrf-token\", \"value\": \"") ==
        GenericSkip::public_value);
  // Java's `public` modifier is not the name: the value is assigned to API_SECRET.
  CHECK(classify_generic(token, "public static final String API_SECRET = \"") == GenericSkip::none);
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
  for (const Rule& rule : test::builtin_database().rules()) {
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

TEST_CASE("regression: an AWS secret access key beside its name is reported by the AWS rule",
          "[generic][regression]") {
  test::FakeSecrets fake(48);
  const std::string alphabet = std::string(test::kBase62) + "+/";
  test::TempDir tree;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"config.php", "define('AWS_SECRET_ACCESS_KEY', 'VALUE');\n"},
      {"deploy.yaml",
       "          env:\n            - name: AWS_SECRET_ACCESS_KEY\n              value: "
       "\"VALUE\"\n"},
      {"aws.go", "var awsSecretAccessKey string = \"VALUE\"\n"},
      {"credentials", "[default]\naws_secret_access_key = VALUE\n"},
      {"SETUP.md", "Set `AWS_SECRET_ACCESS_KEY` to `VALUE` before running the service.\n"},
  };
  for (const auto& [name, layout] : files) {
    const std::string value = fake.random_string(40, alphabet);
    tree.write(name, with_value(layout, "password", value));
  }
  const test::CommandResult result =
      test::run_leakhound({"dir", ".", "-f", "json", "-q"}, tree.path());
  REQUIRE(result.exit_code == 1);
  std::size_t aws_findings = 0;
  for (std::size_t at = result.out.find("\"rule_id\""); at != std::string::npos;
       at = result.out.find("\"rule_id\"", at + 1)) {
    const std::string rest = result.out.substr(at, 60);
    INFO(rest);
    CHECK(rest.find("generic-") == std::string::npos);
    aws_findings += rest.find("aws-secret-access-key") != std::string::npos;
  }
  CHECK(aws_findings == files.size());
}