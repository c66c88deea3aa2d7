#include <catch2/catch.hpp>

#include "engine/placeholder_filter.h"
#include "engine/rule_loader.h"
#include "engine/scanner.h"
#include "tests/engine/test_rules.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

// Published documentation keys, assembled so that this file scans clean.
const std::string kAwsExampleKeyId = std::string("AK") + "IAIOSFODNN7" + "EXAMPLE";
const std::string kAwsExampleSecret =
    std::string("wJalrXUtnFEMI/K7MDENG/") + "bPxRfiCY" + "EXAMPLEKEY";
const std::string kStripeDocsKey = std::string("sk_") + "test_" + "4eC39HqLyj" + "WDarjtT1zdp7dc";
const std::string kGithubDocsToken =
    std::string("gh") + "p_" + "16C7e42F292c" + "6912E7710c838347Ae178B4a";
// Well-known public sample values: the Firebase SDK reference's web API key and the search-only
// key of Algolia's public demo application.
const std::string kFirebaseSampleKey =
    std::string("AI") + "za" + "SyDOCAbC123dEf" + "456GhI789jKl012-MnO";
const std::string kAlgoliaDemoSearchKey = std::string("6be0576ff61c05") + "3d5f9a3225e2a90f76";

}  // namespace

TEST_CASE("documentation example keys are placeholders", "[placeholder]") {
  for (const std::string& secret :
       {kAwsExampleKeyId, kAwsExampleSecret, kStripeDocsKey, kGithubDocsToken,
        std::string("xoxb-") + "1234-" + "example-token-value"}) {
    INFO(secret.substr(0, 6));
    CHECK(classify_placeholder(secret) == PlaceholderKind::documentation_example);
  }
}

TEST_CASE("repeated characters and short repeated units are placeholders", "[placeholder]") {
  const std::string ghp = std::string("gh") + "p_";
  for (const std::string& secret :
       {std::string("xxxx"), std::string("0000"), std::string("abcabc"), std::string("abab"),
        std::string("AK") + "IA" + std::string(16, 'X'), ghp + std::string(36, 'x'),
        std::string("glpat-") + std::string(20, 'x'), std::string("sk-ant-") + "XXXXXXXX",
        std::string("xoxb-") + std::string(10, '0') + "-" + std::string(10, '0') + "-" +
            std::string(24, 'x')}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::repeated_pattern);
  }
}

TEST_CASE("placeholder words and bracketed names are placeholders", "[placeholder]") {
  for (std::string_view secret :
       {"changeme", "CHANGE_ME", "your_api_key_here", "YOUR-TOKEN", "insert-token-here", "<token>",
        "<your-password>", "[secret]", "REPLACE_ME", "placeholder-value", "REDACTED",
        "sk_live_***abcd", "sk-...", "notasecret"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::placeholder_text);
  }
}

TEST_CASE("a field's own name as its value is a placeholder", "[placeholder]") {
  // `password password` in a .netrc, `Password=myPassword` in a documented connection string.
  for (std::string_view secret : {"password", "Password", "myPassword", "Database_Password",
                                  "db-passwd", "pass", "PWD", "repopwd", "secret"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::placeholder_text);
  }
  // Human passwords that merely contain a word are values.
  for (std::string_view secret :
       {"hunter22", "pass123", "Passw0rd!", "secret-sauce-42", "bypass"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::none);
  }
}

TEST_CASE("template references are placeholders", "[placeholder]") {
  for (std::string_view secret :
       {"${API_KEY}", "prefix-${TOKEN}", "{{ .Values.apiKey }}", "{{token}}", "$API_KEY",
        "$db_password", "%(secret)s", "%s", "Bearer %s", "#{token}", "%API_KEY%", "@API_KEY@",
        "__API_KEY__", "$(cat /run/secrets/token)"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::template_reference);
  }
}

TEST_CASE("reads from the environment and secret stores are placeholders", "[placeholder]") {
  for (std::string_view secret :
       {"process.env.API_KEY", "os.environ['API_KEY']", "os.getenv(\"TOKEN\")",
        "System.getenv(\"SECRET\")", "ENV['DB_PASSWORD']", "ENV.fetch(\"TOKEN\")",
        "secrets.DEPLOY_TOKEN", "import.meta.env.VITE_KEY", "os.Getenv(\"API_KEY\")",
        "var.db_password"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::environment_read);
  }
  // The candidate is the variable's name inside the call.
  CHECK(classify_placeholder("DB_PASSWORD_VALUE", "password = os.getenv(\"") ==
        PlaceholderKind::environment_read);
  CHECK(classify_placeholder("API_TOKEN_VALUE", "token = os.environ[ '") ==
        PlaceholderKind::environment_read);
  CHECK(classify_placeholder("GITHUB_TOKEN", "auth: ${{ secrets.") ==
        PlaceholderKind::environment_read);
  // A default after the name is a hard-coded value, not a read.
  CHECK(classify_placeholder("Zq8vN2rKx7Lm4Pw9", "password = os.getenv(\"DB_PASSWORD\", \"") ==
        PlaceholderKind::none);
}

TEST_CASE("random secrets and test values are not placeholders", "[placeholder]") {
  test::FakeSecrets fake(2024);
  const std::string password_chars = std::string(test::kBase62) + "!%^*-_+=.~";
  for (int i = 0; i < 2000; ++i) {
    const std::size_t length = 12 + static_cast<std::size_t>(i % 40);
    for (const std::string& secret :
         {fake.random_string(length, test::kBase62), fake.random_string(length, password_chars),
          fake.random_string(64, "0123456789abcdef"), fake.github_classic(),
          fake.aws_access_key_id(), fake.slack_bot()}) {
      INFO(secret.substr(0, 4));
      CHECK(classify_placeholder(secret) == PlaceholderKind::none);
    }
  }
  // Crypt hashes start with $ but are no template; short runs in test ids are no filler.
  for (std::string_view secret :
       {"$2b$12$Xc5rS8nqjO6yQpVt1wz8lO", "$apr1$Zq8vN2rK$x7Lm4Pw9",
        "$P$B7xQ2mK9pL4sR8tV1wZ5yC3nF6h", "$y$j9T$Fm3kQ8zP1wR5tY7uI2oA4s$D6fG9hJ1kL3zX5c",
        "id_111111", "aaa_1111", "acme_0123456789abcdef", "3536%U9Zk!~N21~XP2a"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::none);
  }
  CHECK(classify_placeholder("") == PlaceholderKind::none);
}

TEST_CASE("the scanner drops placeholders unless the rule opts out", "[placeholder][scanner]") {
  const std::string text = "token = tok_xxxxxxxxxxxxxxxx\ntoken = tok_${TOKEN_VALUE}\n";
  Rule filtered = test::make_rule("tok", "tok_[\\w${}]{12,40}");
  Rule unfiltered = filtered;
  unfiltered.id = "tok-raw";
  unfiltered.placeholder_filter = false;
  auto database = test::build_database({filtered, unfiltered});
  Scanner scanner(*database);
  std::vector<Match> matches;
  REQUIRE(scanner.scan(text, matches).ok());
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].rule == 1);
  CHECK(matches[1].rule == 1);
  CHECK(scanner.stats().rejected_placeholder == 2);
  // A real-looking value passes both.
  test::FakeSecrets fake(3);
  matches.clear();
  REQUIRE(scanner.scan("token = tok_" + fake.random_string(20, test::kBase62), matches).ok());
  CHECK(matches.size() == 2);
}

TEST_CASE("placeholder_filter is an optional boolean rule key", "[placeholder][rules]") {
  auto defaulted = parse_rules(test::demo_rule_toml(), "demo.toml");
  REQUIRE(defaulted.ok());
  CHECK(defaulted.value()[0].placeholder_filter);
  auto off = parse_rules(test::demo_rule_toml("placeholder_filter = false\n"), "demo.toml");
  REQUIRE(off.ok());
  CHECK_FALSE(off.value()[0].placeholder_filter);
  auto bad = parse_rules(test::demo_rule_toml("placeholder_filter = \"no\"\n"), "demo.toml");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message,
             Catch::Contains("rule 'demo': 'placeholder_filter' must be true or false"));
}

TEST_CASE("regression: counting values typed in documentation are placeholders", "[placeholder]") {
  for (std::string_view secret :
       {"dapi1234567890abcdef1234567890ab", "abcdefg1234567890abcdefg12346",
        "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4", "1234567890abcdef", "ABCDEFGHIJKLMNOP12345"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::counting_sequence);
  }
  // One count after a prefix (a custom rule's example) and real keys with a short count stay.
  test::FakeSecrets fake(77);
  for (const std::string& secret :
       {std::string("acme_0123456789abcdef"), "k" + fake.random_string(24, test::kBase62) + "1234",
        fake.random_string(12, test::kBase62) + "abcd" + fake.random_string(12, test::kBase62)}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::none);
  }
}

TEST_CASE("regression: well-known public sample values are placeholders", "[placeholder]") {
  CHECK(classify_placeholder(kFirebaseSampleKey) == PlaceholderKind::documentation_example);
  CHECK(classify_placeholder(kAlgoliaDemoSearchKey) == PlaceholderKind::documentation_example);
}

TEST_CASE("regression: documentation stand-ins are placeholders", "[placeholder]") {
  // postgresql://user:password@localhost: the connection-string rule's candidate is "password".
  for (std::string_view secret : {"password", "Password", "secret", "mypassword"}) {
    INFO(secret);
    CHECK(classify_placeholder(secret) == PlaceholderKind::placeholder_text);
  }
  CHECK(classify_placeholder("&lt;YOUR_PASSWORD&gt;") == PlaceholderKind::placeholder_text);
  CHECK(classify_placeholder(std::string("sk-") + "ant-api03-" + "XXXXXXXX") ==
        PlaceholderKind::repeated_pattern);
  CHECK(classify_placeholder("<%= ENV['DB_PASSWORD'] %>") == PlaceholderKind::template_reference);
  CHECK(classify_placeholder("{% vault_token %}") == PlaceholderKind::template_reference);
  CHECK(classify_placeholder("env.PERKEEP_TEST_PASSWORD") == PlaceholderKind::environment_read);
  CHECK(classify_placeholder("$env:API_KEY") == PlaceholderKind::environment_read);
  // A weak password is not a stand-in.
  CHECK(classify_placeholder("password123") == PlaceholderKind::none);
}
