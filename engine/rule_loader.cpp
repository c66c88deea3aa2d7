#include "engine/rule_loader.h"

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/builtin_rules.h"
#include "engine/checksum.h"

namespace leakhound {
namespace {

bool is_valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  bool previous_was_separator = true;  // forbids a leading separator
  for (char c : id) {
    bool word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool separator = c == '-' || c == '.';
    if (!word_char && !separator) return false;
    if (separator && previous_was_separator) return false;
    previous_was_separator = separator;
  }
  return !previous_was_separator;
}

// Collects the first error met while reading one [[rules]] table, with its location.
class RuleReader {
 public:
  RuleReader(const toml::table& table, std::string_view origin) : table_(table), origin_(origin) {}

  std::string location(const toml::node& node) const {
    std::ostringstream out;
    out << origin_ << ':' << node.source().begin.line;
    return out.str();
  }

  void fail(const toml::node& node, std::string_view rule_id, std::string_view reason) {
    if (failed_) return;
    failed_ = true;
    std::ostringstream out;
    out << location(node) << ": rule '" << (rule_id.empty() ? "<no id>" : rule_id)
        << "': " << reason;
    message_ = out.str();
  }

  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }

  void read_string(std::string_view key, std::string& out, bool required, std::string_view id) {
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) fail(table_, id, "missing required key '" + std::string(key) + "'");
      return;
    }
    if (!node->is_string()) {
      fail(*node, id, "'" + std::string(key) + "' must be a string");
      return;
    }
    out = node->as_string()->get();
    if (required && out.empty()) fail(*node, id, "'" + std::string(key) + "' must not be empty");
  }

  void read_string_list(std::string_view key, std::vector<std::string>& out, bool required,
                        std::string_view id) {
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) fail(table_, id, "missing required key '" + std::string(key) + "'");
      return;
    }
    const toml::array* array = node->as_array();
    if (!array) {
      fail(*node, id, "'" + std::string(key) + "' must be an array of strings");
      return;
    }
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        fail(element, id, "'" + std::string(key) + "' must contain only strings");
        return;
      }
      out.push_back(element.as_string()->get());
    }
  }

 private:
  const toml::table& table_;
  std::string_view origin_;
  bool failed_ = false;
  std::string message_;
};

const std::set<std::string, std::less<>> kKnownKeys = {"id",
                                                       "name",
                                                       "description",
                                                       "regex",
                                                       "secret_group",
                                                       "keywords",
                                                       "min_entropy",
                                                       "severity",
                                                       "confidence",
                                                       "tags",
                                                       "references",
                                                       "remediation",
                                                       "examples",
                                                       "negative_examples",
                                                       "min_relative_entropy",
                                                       "placeholder_filter",
                                                       "generic",
                                                       "checksum",
                                                       "paths"};

Result<Rule> read_rule(const toml::table& table, std::string_view origin) {
  RuleReader reader(table, origin);
  Rule rule;
  rule.origin = std::string(origin);
  reader.read_string("id", rule.id, true, "");
  if (reader.failed()) return make_error(reader.message());
  if (!is_valid_rule_id(rule.id)) {
    reader.fail(*table.get("id"), rule.id,
                "invalid id: use lowercase letters and digits in words joined by '-' or '.'");
    return make_error(reader.message());
  }
  const std::string& id = rule.id;
  for (auto&& [key, node] : table) {
    if (!kKnownKeys.contains(key.str())) {
      reader.fail(node, id, "unknown key '" + std::string(key.str()) + "'");
      return make_error(reader.message());
    }
  }
  reader.read_string("name", rule.name, true, id);
  reader.read_string("description", rule.description, true, id);
  reader.read_string("regex", rule.regex, true, id);
  reader.read_string("remediation", rule.remediation, false, id);
  reader.read_string_list("keywords", rule.keywords, false, id);
  reader.read_string_list("tags", rule.tags, true, id);
  reader.read_string_list("paths", rule.paths, false, id);
  reader.read_string_list("references", rule.references, true, id);
  reader.read_string_list("examples", rule.examples, true, id);
  reader.read_string_list("negative_examples", rule.negative_examples, true, id);
  if (reader.failed()) return make_error(reader.message());

  if (const toml::node* node = table.get("secret_group")) {
    auto value = node->value<int64_t>();
    if (!node->is_integer() || !value || *value < 0 || *value > 99) {
      reader.fail(*node, id, "'secret_group' must be an integer from 0 to 99");
    } else {
      rule.secret_group = static_cast<std::uint32_t>(*value);
    }
  }
  if (const toml::node* node = table.get("min_entropy")) {
    auto value = node->value<double>();
    if (!(node->is_floating_point() || node->is_integer()) || !value || *value < 0 || *value > 8) {
      reader.fail(*node, id, "'min_entropy' must be a number from 0 to 8 (bits per byte)");
    } else {
      rule.min_entropy = *value;
    }
  }
  if (const toml::node* node = table.get("min_relative_entropy")) {
    auto value = node->value<double>();
    if (!(node->is_floating_point() || node->is_integer()) || !value || *value < 0 || *value > 1) {
      reader.fail(*node, id, "'min_relative_entropy' must be a number from 0 to 1");
    } else {
      rule.min_relative_entropy = *value;
    }
  }
  for (auto [key, flag] : {std::pair{"placeholder_filter", &rule.placeholder_filter},
                           std::pair{"generic", &rule.generic}}) {
    if (const toml::node* node = table.get(key)) {
      if (!node->is_boolean()) {
        reader.fail(*node, id, "'" + std::string(key) + "' must be true or false");
      } else {
        *flag = node->as_boolean()->get();
      }
    }
  }
  if (const toml::node* node = table.get("checksum")) {
    auto scheme = node->is_string() ? parse_checksum(node->as_string()->get()) : std::nullopt;
    if (!scheme) {
      reader.fail(*node, id, "'checksum' must be one of \"github-crc32\", \"none\"");
    } else {
      rule.checksum = *scheme;
    }
  }
  std::string text;
  reader.read_string("severity", text, true, id);
  if (!reader.failed()) {
    auto severity = parse_severity(text);
    if (!severity) {
      reader.fail(*table.get("severity"), id,
                  "'severity' must be one of critical, high, medium, low");
    } else {
      rule.severity = *severity;
    }
  }
  text.clear();
  reader.read_string("confidence", text, true, id);
  if (!reader.failed()) {
    auto confidence = parse_confidence(text);
    if (!confidence) {
      reader.fail(*table.get("confidence"), id, "'confidence' must be one of high, medium, low");
    } else {
      rule.confidence = *confidence;
    }
  }
  for (const std::string& keyword : rule.keywords) {
    if (keyword.empty()) reader.fail(*table.get("keywords"), id, "keywords must not be empty");
  }
  if (reader.failed()) return make_error(reader.message());
  return rule;
}

}  // namespace

Result<std::vector<Rule>> parse_rules(std::string_view toml_text, std::string_view origin) {
  toml::table document;
  try {
    document = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& error) {
    std::ostringstream out;
    out << origin << ':' << error.source().begin.line << ": invalid TOML: " << error.description();
    return make_error(out.str());
  }
  for (auto&& [key, node] : document) {
    if (key.str() != "rules") {
      std::ostringstream out;
      out << origin << ':' << node.source().begin.line << ": unknown top-level key '" << key.str()
          << "' (a rule file holds only [[rules]] tables)";
      return make_error(out.str());
    }
  }
  std::vector<Rule> rules;
  const toml::node* rules_node = document.get("rules");
  if (!rules_node) return rules;
  const toml::array* array = rules_node->as_array();
  if (!array) {
    std::ostringstream out;
    out << origin << ':' << rules_node->source().begin.line
        << ": 'rules' must be an array of tables ([[rules]])";
    return make_error(out.str());
  }
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (!table) {
      std::ostringstream out;
      out << origin << ':' << element.source().begin.line
          << ": each [[rules]] entry must be a table";
      return make_error(out.str());
    }
    auto rule = read_rule(*table, origin);
    if (!rule) return rule.error();
    rules.push_back(std::move(rule).value());
  }
  std::vector<Rule> checked;
  if (auto merged = merge_rules(checked, std::move(rules)); !merged) return merged.error();
  return checked;
}

Result<std::vector<Rule>> load_rules(const std::filesystem::path& path) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path, error)) {
    for (std::filesystem::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      if (it->path().extension() == ".toml" && it->is_regular_file(error))
        files.push_back(it->path());
    }
    if (error)
      return make_error(path.string() + ": cannot read rule directory: " + error.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<Rule> rules;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(file.string() + ": cannot open rule file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return make_error(file.string() + ": cannot read rule file");
    auto parsed = parse_rules(text.str(), file.string());
    if (!parsed) return parsed.error();
    if (auto merged = merge_rules(rules, std::move(parsed).value()); !merged) return merged.error();
  }
  return rules;
}

Result<std::vector<Rule>> load_builtin_rules() {
  std::vector<Rule> rules;
  for (const EmbeddedRuleFile& file : builtin_rule_files()) {
    auto parsed = parse_rules(file.text, "builtin:" + std::string(file.name));
    if (!parsed) return parsed.error();
    if (auto merged = merge_rules(rules, std::move(parsed).value()); !merged) return merged.error();
  }
  return rules;
}

Result<void> merge_rules(std::vector<Rule>& rules, std::vector<Rule> extra) {
  std::set<std::string, std::less<>> ids;
  for (const Rule& rule : rules)
    ids.insert(rule.id);
  for (Rule& rule : extra) {
    if (!ids.insert(rule.id).second) {
      auto first = std::find_if(rules.begin(), rules.end(),
                                [&](const Rule& other) { return other.id == rule.id; });
      std::string where = first != rules.end() ? first->origin : "the same file";
      return make_error(rule.origin + ": rule '" + rule.id +
                        "': duplicate id (already defined in " + where + ")");
    }
    rules.push_back(std::move(rule));
  }
  return {};
}

}  // namespace leakhound
