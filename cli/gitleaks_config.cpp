#include "cli/gitleaks_config.h"

#include <map>
#include <set>

#include "cli/go_regex.h"
#include "engine/rule_database.h"

namespace leakhound {
namespace {

std::string where(const std::filesystem::path& file, const toml::node& node) {
  return file.string() + ":" + std::to_string(node.source().begin.line);
}

std::vector<std::string> strings_of(const toml::node* node) {
  std::vector<std::string> out;
  if (const toml::array* array = node ? node->as_array() : nullptr) {
    for (const toml::node& element : *array) {
      if (element.is_string()) out.push_back(element.as_string()->get());
    }
  }
  return out;
}

std::string string_of(const toml::node* node) {
  return node && node->is_string() ? node->as_string()->get() : std::string();
}

// Collects what the file says that leakhound does not apply, once per kind.
class Notes {
 public:
  void ignored(const std::string& key) { ignored_.insert(key); }
  void add(std::string note) { notes_.push_back(std::move(note)); }
  std::vector<std::string> finish() {
    for (const std::string& key : ignored_)
      notes_.push_back("setting '" + key + "' is not supported and was ignored");
    return std::move(notes_);
  }

 private:
  std::set<std::string> ignored_;
  std::vector<std::string> notes_;
};

Result<Allowlist> read_allowlist(const std::filesystem::path& file, const toml::table& table,
                                 const std::string& context, Notes& notes) {
  Allowlist list;
  list.origin = where(file, table);
  for (auto&& [key, value] : table) {
    const std::string name(key.str());
    if (name == "description") continue;
    if (name == "regexes") {
      list.regexes = strings_of(&value);
    } else if (name == "paths") {
      list.path_regexes = strings_of(&value);
    } else if (name == "stopwords") {
      list.stopwords = strings_of(&value);
    } else if (name == "commits") {
      list.commits = strings_of(&value);
    } else if (name == "targetRules") {
      list.rule_ids = strings_of(&value);
    } else if (name == "regexTarget") {
      const std::string target = string_of(&value);
      if (target == "line" || target == "match") {
        list.target = Allowlist::Target::line;
      } else if (target != "secret" && !target.empty()) {
        return make_error(where(file, value) + ": regexTarget must be secret, match or line");
      }
    } else if (name == "condition") {
      const std::string condition = string_of(&value);
      if (condition == "AND" || condition == "and" || condition == "&&") {
        list.require_all = true;
      } else if (!condition.empty() && condition != "OR" && condition != "or" &&
                 condition != "||") {
        return make_error(where(file, value) + ": condition must be OR or AND");
      }
    } else {
      notes.ignored(context + "." + name);
    }
  }
  return list;
}

// Reads `[allowlist]` (a table) and `[[allowlists]]` (an array) under `table`.
Result<void> read_allowlists(const std::filesystem::path& file, const toml::table& table,
                             const std::string& context, const std::string& rule_id, Notes& notes,
                             std::vector<Allowlist>& out) {
  std::vector<const toml::table*> tables;
  if (const toml::node* single = table.get("allowlist")) {
    if (const toml::table* as_table = single->as_table()) tables.push_back(as_table);
  }
  if (const toml::array* many =
          table.get("allowlists") ? table.get("allowlists")->as_array() : nullptr) {
    for (const toml::node& element : *many) {
      if (const toml::table* as_table = element.as_table()) tables.push_back(as_table);
    }
  }
  for (const toml::table* allowlist : tables) {
    auto list = read_allowlist(file, *allowlist, context + ".allowlist", notes);
    if (!list) return list.error();
    if (!rule_id.empty()) list.value().rule_ids = {rule_id};
    out.push_back(std::move(list).value());
  }
  return {};
}

}  // namespace

Result<ProjectConfig> read_gitleaks_config(const std::filesystem::path& file,
                                           const toml::table& document) {
  ProjectConfig config;
  config.file = file;
  config.use_builtin_rules = false;  // a gitleaks configuration replaces the default rules
  Notes notes;
  for (auto&& [key, value] : document) {
    const std::string name(key.str());
    if (name == "title" || name == "description" || name == "minVersion" ||
        name == "betterleaksMinVersion" || name == "rules" || name == "allowlist" ||
        name == "allowlists") {
      continue;
    }
    if (name == "extend" && value.is_table()) {
      for (auto&& [extend_key, extend_value] : *value.as_table()) {
        const std::string extend_name(extend_key.str());
        if (extend_name == "useDefault") {
          config.use_builtin_rules = extend_value.value_or(false);
        } else if (extend_name == "disabledRules") {
          config.disabled_rules = strings_of(&extend_value);
        } else {
          notes.ignored("extend." + extend_name);
        }
      }
      continue;
    }
    notes.ignored(name);
  }
  if (auto read = read_allowlists(file, document, "", "", notes, config.allowlists); !read)
    return read.error();

  std::vector<Rule> rules;
  std::size_t cel_filters = 0;
  const toml::array* rule_tables =
      document.get("rules") ? document.get("rules")->as_array() : nullptr;
  static const toml::array kNoRules;
  for (const toml::node& element : rule_tables ? *rule_tables : kNoRules) {
    const toml::table* table = element.as_table();
    if (!table) return make_error(where(file, element) + ": each [[rules]] entry must be a table");
    Rule rule;
    rule.id = string_of(table->get("id"));
    rule.origin = where(file, *table);
    if (rule.id.empty()) return make_error(rule.origin + ": a rule has no 'id'");
    const std::string skipped = "rule '" + rule.id + "' (" + rule.origin + ") skipped: ";
    rule.description = string_of(table->get("description"));
    rule.name = rule.description.empty() ? rule.id : rule.description;
    rule.keywords = strings_of(table->get("keywords"));
    rule.tags = strings_of(table->get("tags"));
    rule.severity = Severity::high;  // gitleaks has no severities: every leak fails the scan
    rule.confidence = Confidence::medium;
    // gitleaks' own filters decide; leakhound's placeholder filter would change what it reports.
    rule.placeholder_filter = false;
    bool composite = false;
    bool report = true;
    for (auto&& [key, value] : *table) {
      const std::string name(key.str());
      if (name == "entropy") {
        rule.min_entropy = value.value<double>();
      } else if (name == "secretGroup") {
        rule.secret_group = static_cast<std::uint32_t>(value.value_or(0));
      } else if (name == "path") {
        config.rule_paths.emplace_back(rule.id, string_of(&value));
      } else if (name == "required") {
        composite = true;
      } else if (name == "skipReport") {
        report = !value.value_or(false);
      } else if (name == "filter") {
        ++cel_filters;
      } else if (name != "id" && name != "description" && name != "regex" && name != "keywords" &&
                 name != "tags" && name != "allowlist" && name != "allowlists") {
        notes.ignored("rules." + name);
      }
    }
    if (!report) {
      notes.add(skipped + "skipReport: it only supports composite rules");
      continue;
    }
    if (composite) {
      notes.add(skipped + "composite rules ([[rules.required]]) are not supported");
      continue;
    }
    const std::string regex = string_of(table->get("regex"));
    if (regex.empty()) {
      notes.add(skipped + "it matches file paths only (no 'regex')");
      continue;
    }
    auto translated = translate_go_regex(regex);
    if (!translated) {
      notes.add(skipped + translated.error().message);
      continue;
    }
    rule.regex = std::move(translated).value();
    // gitleaks takes the first capture group when secretGroup is unset.
    if (rule.secret_group == 0 && count_capture_groups(rule.regex) > 0) rule.secret_group = 1;
    if (auto read = read_allowlists(file, *table, "rules", rule.id, notes, config.allowlists);
        !read)
      return read.error();
    rules.push_back(std::move(rule));
  }
  CompilableRules compilable = keep_compilable_rules(std::move(rules), default_cache_dir());
  for (const Error& error : compilable.rejected)
    notes.add("skipped: " + error.message);
  config.rules = std::move(compilable.rules);
  if (cel_filters > 0) {
    notes.add(std::to_string(cel_filters) +
              " rule filter expression(s) (Betterleaks CEL 'filter') are not applied");
  }
  config.notes = notes.finish();
  return config;
}

}  // namespace leakhound
