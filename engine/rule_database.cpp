#include "engine/rule_database.h"

#include <hs.h>
#include <pcre2.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/hashing.h"

namespace leakhound {
namespace {

constexpr char kCacheMagic[8] = {'L', 'K', 'H', 'D', 'B', '0', '0', '2'};
constexpr unsigned kRuleHsFlags = HS_FLAG_MULTILINE;
constexpr std::uint32_t kPcre2Options = PCRE2_MULTILINE | PCRE2_USE_OFFSET_LIMIT;

std::string rule_context(const Rule& rule) {
  return rule.origin + ": rule '" + rule.id + "'";
}

std::string lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

void hash_field(Sha256& hash, std::string_view field) {
  const std::uint64_t size = field.size();
  hash.update(&size, sizeof size);
  hash.update(field);
}

template <class T>
void append_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
bool read_raw(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

}  // namespace

std::optional<std::filesystem::path> default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "leakhound";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "leakhound";
  }
  return std::nullopt;
}

Result<std::unique_ptr<RuleDatabase>> RuleDatabase::build(std::vector<Rule> rules,
                                                          const DatabaseOptions& options) {
  std::unique_ptr<RuleDatabase> db(new RuleDatabase());
  db->rules_ = std::move(rules);
  for (std::size_t i = 0; i < db->rules_.size(); ++i) {
    if (!db->rules_[i].paths.empty()) db->path_rules_.push_back(static_cast<std::uint32_t>(i));
  }

  // Distinct keywords, compared caselessly, each mapped to the rules that need it.
  std::map<std::string, std::uint32_t> keyword_index;
  db->rule_keywords_.resize(db->rules_.size());
  for (std::size_t i = 0; i < db->rules_.size(); ++i) {
    for (const std::string& keyword : db->rules_[i].keywords) {
      auto [it, inserted] = keyword_index.emplace(lowercase(keyword), db->keywords_.size());
      if (inserted) db->keywords_.push_back(it->first);
      db->rule_keywords_[i].push_back(it->second);
    }
  }

  Sha256 hash;
  hash_field(hash, "leakhound-rules-v1");
  for (const Rule& rule : db->rules_) {
    hash_field(hash, rule.id);
    hash_field(hash, rule.regex);
    hash_field(hash, std::to_string(rule.secret_group));
    hash_field(hash, rule.min_entropy ? std::to_string(*rule.min_entropy) : "-");
    for (const std::string& keyword : rule.keywords)
      hash_field(hash, lowercase(keyword));
    // Paths decide which database holds the rule, and which inputs its findings are kept for.
    hash_field(hash, "paths");
    for (const std::string& glob : rule.paths)
      hash_field(hash, glob);
    hash_field(hash, "|");
  }
  db->rules_hash_ = to_hex(hash.finish());

  if (auto compiled = db->compile_confirm_codes(); !compiled) return compiled.error();

  db->cache_dir_ = options.cache_dir;
  std::optional<std::filesystem::path> cache_file = db->cache_file(false);
  if (cache_file && db->load_cache(*cache_file)) {
    db->loaded_from_cache_ = true;
    return db;
  }
  if (auto analysed = db->analyse_widths(); !analysed) return analysed.error();
  if (auto compiled = db->compile_block_database(); !compiled) return compiled.error();
  if (cache_file) db->store_cache(*cache_file);
  return db;
}

Result<void> RuleDatabase::check_rule(const Rule& rule) {
  RuleDatabase single;
  single.rules_.push_back(rule);
  if (auto compiled = single.compile_confirm_codes(); !compiled) return compiled.error();
  if (auto analysed = single.analyse_widths(); !analysed) return analysed.error();
  // Alone, the pattern must also compile: "Pattern is too large" shows only at this step.
  auto database = single.compile_database(HS_MODE_BLOCK, RuleSet::all);
  if (!database) return database.error();
  if (database.value()) hs_free_database(database.value());
  return {};
}

namespace {

constexpr char kCheckCacheMagic[8] = {'L', 'K', 'H', 'C', 'H', 'K', '0', '1'};

// Writes `bytes` to `file` through a temporary and a rename, so concurrent runs never see a
// half-written entry. A cache that cannot be written is not an error: the next run recomputes.
void write_atomically(const std::filesystem::path& file, std::string_view bytes) {
  std::error_code error;
  std::filesystem::create_directories(file.parent_path(), error);
  if (error) return;
  std::filesystem::path temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
    if (!stream) return;
    stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!stream) {
      stream.close();
      std::filesystem::remove(temporary, error);
      return;
    }
  }
  std::filesystem::rename(temporary, file, error);
  if (error) std::filesystem::remove(temporary, error);
}

// The key of a check: everything check_rule reads (and its messages name), the engines'
// versions and the CPU platform.
std::string check_cache_key(const std::vector<Rule>& rules) {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  char pcre2_version[64] = {};
  pcre2_config(PCRE2_CONFIG_VERSION, pcre2_version);
  Sha256 hash;
  hash_field(hash, "leakhound-checked-v1");
  hash_field(hash, hs_version());
  hash_field(hash, pcre2_version);
  hash.update(&platform.tune, sizeof platform.tune);
  hash.update(&platform.cpu_features, sizeof platform.cpu_features);
  for (const Rule& rule : rules) {
    hash_field(hash, rule.origin);
    hash_field(hash, rule.id);
    hash_field(hash, rule.regex);
    hash_field(hash, std::to_string(rule.secret_group));
  }
  return to_hex(hash.finish());
}

// Verdicts of a cached check: per rule, empty when it passed, else the rejection's message.
std::optional<std::vector<std::string>> load_check_cache(const std::filesystem::path& file,
                                                         const std::string& key,
                                                         std::size_t rule_count) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string_view view(bytes);
  if (view.size() < sizeof kCheckCacheMagic + key.size() ||
      std::memcmp(view.data(), kCheckCacheMagic, sizeof kCheckCacheMagic) != 0)
    return std::nullopt;
  view.remove_prefix(sizeof kCheckCacheMagic);
  if (view.substr(0, key.size()) != key) return std::nullopt;
  view.remove_prefix(key.size());
  std::uint64_t payload_size = 0;
  Sha256Digest digest{};
  if (!read_raw(view, payload_size) || !read_raw(view, digest)) return std::nullopt;
  if (payload_size != view.size() || sha256(view) != digest) return std::nullopt;
  std::uint32_t count = 0;
  if (!read_raw(view, count) || count != rule_count) return std::nullopt;
  std::vector<std::string> verdicts(count);
  for (std::string& verdict : verdicts) {
    std::uint32_t size = 0;
    if (!read_raw(view, size) || size > view.size()) return std::nullopt;
    verdict.assign(view.substr(0, size));
    view.remove_prefix(size);
  }
  if (!view.empty()) return std::nullopt;
  return verdicts;
}

void store_check_cache(const std::filesystem::path& file, const std::string& key,
                       const std::vector<std::string>& verdicts) {
  std::string payload;
  append_raw(payload, static_cast<std::uint32_t>(verdicts.size()));
  for (const std::string& verdict : verdicts) {
    append_raw(payload, static_cast<std::uint32_t>(verdict.size()));
    payload += verdict;
  }
  std::string out(kCheckCacheMagic, sizeof kCheckCacheMagic);
  out += key;
  append_raw(out, static_cast<std::uint64_t>(payload.size()));
  append_raw(out, sha256(payload));
  out += payload;
  write_atomically(file, out);
}

}  // namespace

CompilableRules keep_compilable_rules(std::vector<Rule> rules,
                                      const std::optional<std::filesystem::path>& cache_dir) {
  // Checking compiles each rule alone with both engines: seconds for a few hundred rules, so
  // the verdicts are cached like the database (same directory, verified, atomically written).
  std::optional<std::filesystem::path> cache_file;
  std::string key;
  std::optional<std::vector<std::string>> verdicts;
  if (cache_dir) {
    key = check_cache_key(rules);
    cache_file = *cache_dir / ("checked-" + key + ".bin");
    verdicts = load_check_cache(*cache_file, key, rules.size());
  }
  const bool cached = verdicts.has_value();
  if (!cached) {
    verdicts.emplace();
    verdicts->reserve(rules.size());
    for (const Rule& rule : rules) {
      auto checked = RuleDatabase::check_rule(rule);
      verdicts->push_back(checked ? std::string() : checked.error().message);
    }
    if (cache_file) store_check_cache(*cache_file, key, *verdicts);
  }
  CompilableRules out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if ((*verdicts)[i].empty()) {
      out.rules.push_back(std::move(rules[i]));
    } else {
      out.rejected.push_back(Error{(*verdicts)[i]});
    }
  }
  return out;
}

RuleDatabase::~RuleDatabase() {
  if (block_database_) hs_free_database(block_database_);
  if (path_database_) hs_free_database(path_database_);
  if (stream_database_) hs_free_database(stream_database_);
  if (confirm_codes_) {
    for (std::size_t i = 0; i < rules_.size(); ++i)
      pcre2_code_free(confirm_codes_[i].code);
  }
}

Result<void> RuleDatabase::compile_confirm_codes() {
  confirm_codes_ = std::make_unique<ConfirmCode[]>(rules_.size());
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.regex.data()), rule.regex.size(),
                      kPcre2Options, &error_code, &error_offset, nullptr);
    if (!code) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error_code, message, sizeof message);
      return make_error(rule_context(rule) + ": regex rejected by PCRE2 at offset " +
                        std::to_string(error_offset) + ": " +
                        reinterpret_cast<const char*>(message));
    }
    confirm_codes_[i].code = code;
    std::uint32_t capture_count = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &capture_count);
    if (rule.secret_group > capture_count) {
      return make_error(rule_context(rule) + ": secret_group " + std::to_string(rule.secret_group) +
                        " but the regex has " + std::to_string(capture_count) +
                        " capture group(s)");
    }
  }
  return {};
}

Result<void> RuleDatabase::analyse_widths() {
  widths_.assign(rules_.size(), {});
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_expression_info(rule.regex.c_str(), kRuleHsFlags, &info, &error) != HS_SUCCESS) {
      std::string reason = error ? error->message : "unknown error";
      hs_free_compile_error(error);
      return make_error(rule_context(rule) + ": regex rejected by Vectorscan: " + reason);
    }
    Widths widths{info->min_width, std::min<std::uint32_t>(info->max_width, kMaxMatchLength)};
    std::free(info);
    if (widths.min == 0) {
      return make_error(rule_context(rule) + ": regex can match an empty string");
    }
    if (widths.min > kMaxMatchLength) {
      return make_error(rule_context(rule) + ": regex matches only strings longer than " +
                        std::to_string(kMaxMatchLength) + " bytes");
    }
    widths_[i] = widths;
  }
  return {};
}

Result<void> RuleDatabase::compile_block_database() {
  auto database = compile_database(HS_MODE_BLOCK, RuleSet::anywhere);
  if (!database) return database.error();
  block_database_ = database.value();
  auto path_database = compile_database(HS_MODE_BLOCK, RuleSet::path_limited);
  if (!path_database) return path_database.error();
  path_database_ = path_database.value();
  return {};
}

Result<const hs_database*> RuleDatabase::stream_database() const {
  std::call_once(stream_once_, [this] {
    // Logically const: the streaming database is a cache of what the rules already determine.
    auto* self = const_cast<RuleDatabase*>(this);
    std::optional<std::filesystem::path> file = cache_file(true);
    if (file && self->load_cache(*file, true)) return;
    auto database = compile_database(HS_MODE_STREAM, RuleSet::all);
    if (!database) {
      stream_error_ = database.error();
      return;
    }
    self->stream_database_ = database.value();
    if (file) store_cache(*file, true);
  });
  if (stream_error_) return *stream_error_;
  return static_cast<const hs_database*>(stream_database_);
}

std::optional<std::filesystem::path> RuleDatabase::cache_file(bool stream) const {
  if (!cache_dir_) return std::nullopt;
  return *cache_dir_ / ((stream ? "rules-stream-" : "rules-") + cache_key(stream) + ".hsdb");
}

Result<hs_database*> RuleDatabase::compile_database(unsigned mode, RuleSet set) const {
  std::vector<std::string> patterns;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const bool path_limited = !rules_[i].paths.empty();
    if ((set == RuleSet::anywhere && path_limited) ||
        (set == RuleSet::path_limited && !path_limited))
      continue;
    patterns.push_back(rules_[i].regex);
    flags.push_back(kRuleHsFlags);
    ids.push_back(static_cast<unsigned>(i));
  }
  // No keywords: as literals in the database they cost every scan (a common keyword such as
  // "key" is reported all over), while a scan needs them only for the few rules that hit, and
  // looks for them then (Scanner, StreamScanner::keyword_before).
  if (patterns.empty()) return nullptr;  // no rules: nothing to scan with
  std::vector<const char*> expressions;
  for (const std::string& pattern : patterns)
    expressions.push_back(pattern.c_str());
  hs_compile_error_t* error = nullptr;
  hs_database_t* database = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), mode, nullptr, &database,
                       &error) != HS_SUCCESS) {
    std::string reason = error ? error->message : "unknown error";
    int expression = error ? error->expression : -1;
    hs_free_compile_error(error);
    const std::size_t id = expression >= 0 && static_cast<std::size_t>(expression) < ids.size()
                               ? ids[static_cast<std::size_t>(expression)]
                               : rules_.size();
    if (id < rules_.size()) {
      return make_error(rule_context(rules_[id]) + ": regex rejected by Vectorscan: " + reason);
    }
    return make_error("cannot compile the rule database: " + reason);
  }
  return database;
}

const pcre2_real_code_8* RuleDatabase::confirm_code(std::size_t rule) const {
  ConfirmCode& entry = confirm_codes_[rule];
  std::call_once(entry.jit_once, [&] {
    // Without JIT the interpreter still gives the same answers, only slower.
    pcre2_jit_compile(entry.code, PCRE2_JIT_COMPLETE);
  });
  return entry.code;
}

std::string RuleDatabase::cache_key(bool stream) const {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  Sha256 hash;
  hash_field(hash, "leakhound-hsdb-v3");           // v3: no keyword literals in the block database
  if (stream) hash_field(hash, "stream-mode-v3");  // v3: no keyword patterns
  hash_field(hash, rules_hash_);
  hash_field(hash, hs_version());
  hash.update(&platform.tune, sizeof platform.tune);
  hash.update(&platform.cpu_features, sizeof platform.cpu_features);
  return to_hex(hash.finish());
}

bool RuleDatabase::load_cache(const std::filesystem::path& file, bool stream) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string_view view(bytes);
  const std::string key = cache_key(stream);
  if (view.size() < sizeof kCacheMagic + key.size() ||
      std::memcmp(view.data(), kCacheMagic, sizeof kCacheMagic) != 0) {
    return false;
  }
  view.remove_prefix(sizeof kCacheMagic);
  if (view.substr(0, key.size()) != key) return false;
  view.remove_prefix(key.size());
  std::uint32_t rule_count = 0;
  if (!read_raw(view, rule_count) || rule_count != rules_.size()) return false;
  std::vector<Widths> widths(rule_count);
  for (Widths& w : widths) {
    if (!read_raw(view, w.min) || !read_raw(view, w.max)) return false;
    if (w.min == 0 || w.min > kMaxMatchLength || w.max > kMaxMatchLength) return false;
  }
  if (stream &&
      (widths.size() != widths_.size() || !std::equal(widths.begin(), widths.end(), widths_.begin(),
                                                      [](const Widths& a, const Widths& b) {
                                                        return a.min == b.min && a.max == b.max;
                                                      }))) {
    return false;
  }
  std::uint64_t payload_size = 0;
  Sha256Digest digest{};
  if (!read_raw(view, payload_size) || !read_raw(view, digest)) return false;
  if (payload_size != view.size() || sha256(view) != digest) return false;
  // The payload: one database (stream mode) or two (block: the main one, the path-limited
  // one), each as its size and serialized bytes; size 0 stands for no database.
  std::vector<hs_database_t*> databases;
  auto free_all = [&] {
    for (hs_database_t* database : databases)
      if (database) hs_free_database(database);
  };
  const std::size_t expected = stream ? 1 : 2;
  while (databases.size() < expected) {
    std::uint64_t size = 0;
    if (!read_raw(view, size) || size > view.size()) {
      free_all();
      return false;
    }
    hs_database_t* database = nullptr;
    if (size > 0 && hs_deserialize_database(view.data(), static_cast<std::size_t>(size),
                                            &database) != HS_SUCCESS) {
      free_all();
      return false;
    }
    databases.push_back(database);
    view.remove_prefix(static_cast<std::size_t>(size));
  }
  if (!view.empty()) {
    free_all();
    return false;
  }
  if (stream) {
    stream_database_ = databases[0];
    return true;
  }
  widths_ = std::move(widths);
  block_database_ = databases[0];
  path_database_ = databases[1];
  return true;
}

void RuleDatabase::store_cache(const std::filesystem::path& file, bool stream_mode) const {
  std::string payload;
  std::vector<const hs_database*> databases;
  if (stream_mode) {
    databases = {stream_database_};
  } else {
    databases = {block_database_, path_database_};
  }
  for (const hs_database* database : databases) {
    if (!database) {
      append_raw(payload, std::uint64_t{0});
      continue;
    }
    char* serialized = nullptr;
    std::size_t size = 0;
    if (hs_serialize_database(database, &serialized, &size) != HS_SUCCESS) return;
    append_raw(payload, static_cast<std::uint64_t>(size));
    payload.append(serialized, size);
    std::free(serialized);
  }
  std::string out(kCacheMagic, sizeof kCacheMagic);
  out += cache_key(stream_mode);
  append_raw(out, static_cast<std::uint32_t>(rules_.size()));
  for (const Widths& w : widths_) {
    append_raw(out, w.min);
    append_raw(out, w.max);
  }
  append_raw(out, static_cast<std::uint64_t>(payload.size()));
  append_raw(out, sha256(payload));
  out += payload;

  write_atomically(file, out);
}

}  // namespace leakhound
