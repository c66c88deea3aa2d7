#include "honeytokens/registry.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "engine/hashing.h"
#include "engine/text.h"
#include "honeytokens/mint.h"

namespace leakhound {
namespace {

constexpr std::string_view kHeader = "[[honeytokens]]";
constexpr std::string_view kFileComment =
    "# leakhound honeytoken registry: one [[honeytokens]] table per planted decoy.\n"
    "# Values are kept only as SHA-256 unless minted with --store-value. See "
    "docs/honeytokens.md.\n";

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-' || id.find("--") != id.npos) return false;
  return id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

// One entry's table, or the reason it is malformed (never quoting a value).
Result<HoneytokenEntry> entry_from_table(const toml::table& table) {
  static const std::array<std::string_view, 10> kKnownKeys = {
      "id",         "kind",       "label", "planted_at",
      "created",    "sha256",     "value", "secret_key_sha256",
      "secret_key", "aws_account"};
  for (const auto& [key, node] : table) {
    if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key.str()) == kKnownKeys.end())
      return make_error("unknown key '" + std::string(key.str()) + "'");
  }
  HoneytokenEntry entry;
  auto required_string = [&](std::string_view key, std::string& out) -> Result<void> {
    const toml::node* node = table.get(key);
    if (!node) return make_error("missing key '" + std::string(key) + "'");
    if (!node->is_string()) return make_error("'" + std::string(key) + "' must be a string");
    out = node->as_string()->get();
    return {};
  };
  auto optional_string = [&](std::string_view key,
                             std::optional<std::string>& out) -> Result<void> {
    const toml::node* node = table.get(key);
    if (!node) return {};
    if (!node->is_string()) return make_error("'" + std::string(key) + "' must be a string");
    out = node->as_string()->get();
    return {};
  };
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"id", &entry.id},
                          {"kind", &entry.kind},
                          {"label", &entry.label},
                          {"planted_at", &entry.planted_at},
                          {"sha256", &entry.sha256}}) {
    if (auto ok = required_string(key, *out); !ok) return ok.error();
  }
  for (auto [key, out] :
       {std::pair<std::string_view, std::optional<std::string>*>{"value", &entry.value},
        {"secret_key_sha256", &entry.secret_key_sha256},
        {"secret_key", &entry.secret_key},
        {"aws_account", &entry.aws_account}}) {
    if (auto ok = optional_string(key, *out); !ok) return ok.error();
  }
  const toml::node* created = table.get("created");
  if (!created) return make_error("missing key 'created'");
  if (!created->is_date()) return make_error("'created' must be a date (YYYY-MM-DD)");
  std::ostringstream date;
  date << created->as_date()->get();
  entry.created = date.str();

  if (!is_valid_id(entry.id))
    return make_error("'id' must be lowercase letters and digits joined by '-'");
  if (!parse_honeytoken_kind(entry.kind)) {
    std::string kinds;
    for (std::string_view name : honeytoken_kind_names())
      kinds += (kinds.empty() ? "" : ", ") + std::string(name);
    return make_error("unknown kind (expected one of " + kinds + ")");
  }
  if (!is_sha256_hex(entry.sha256)) return make_error("'sha256' must be 64 lowercase hex digits");
  if (entry.secret_key_sha256 && !is_sha256_hex(*entry.secret_key_sha256))
    return make_error("'secret_key_sha256' must be 64 lowercase hex digits");
  if (entry.value) {
    if (entry.value->empty()) return make_error("'value' is empty");
    if (to_hex(sha256(*entry.value)) != entry.sha256)
      return make_error("'sha256' is not the SHA-256 of 'value'");
  }
  if (entry.secret_key && entry.secret_key_sha256 &&
      to_hex(sha256(*entry.secret_key)) != *entry.secret_key_sha256)
    return make_error("'secret_key_sha256' is not the SHA-256 of 'secret_key'");
  return entry;
}

}  // namespace

Result<HoneytokenRegistry> HoneytokenRegistry::load(const std::filesystem::path& file,
                                                    const ProblemCallback& on_problem) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(file.string() +
                      ": cannot read the honeytoken registry: " + std::strerror(errno));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(file.string() + ": cannot read the honeytoken registry");
  return parse(text, file.string(), on_problem);
}

HoneytokenRegistry HoneytokenRegistry::parse(std::string_view text, std::string_view origin,
                                             const ProblemCallback& on_problem) {
  HoneytokenRegistry registry;
  auto report = [&](std::size_t line, const std::string& reason) {
    if (on_problem)
      on_problem(std::string(origin) + ":" + std::to_string(line), reason + "; entry ignored");
  };
  // Split at each [[honeytokens]] header so that one broken entry, even one that is not valid
  // TOML, leaves the others readable.
  struct Piece {
    std::size_t first_line;
    std::string text;
  };
  std::vector<Piece> pieces{{1, ""}};
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(position, end - position);
    ++line_number;
    if (trim_blanks(line) == kHeader) pieces.push_back({line_number, ""});
    pieces.back().text.append(line).push_back('\n');
    position = end + 1;
  }
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    toml::table table;
    try {
      table = toml::parse(piece.text, origin);
    } catch (const toml::parse_error& error) {
      report(piece.first_line + error.source().begin.line - 1,
             "not valid TOML: " + std::string(error.description()));
      continue;
    }
    if (i == 0) {  // before the first entry: comments only
      if (!table.empty()) report(piece.first_line, "keys outside a [[honeytokens]] table");
      continue;
    }
    const toml::array* array = table["honeytokens"].as_array();
    if (table.size() != 1 || !array || array->size() != 1 || !array->front().is_table()) {
      report(piece.first_line, "not a single [[honeytokens]] table");
      continue;
    }
    auto entry = entry_from_table(*array->front().as_table());
    if (!entry) {
      report(piece.first_line, entry.error().message);
      continue;
    }
    entry.value().line = piece.first_line;
    registry.add(std::move(entry).value(), origin, on_problem);
  }
  return registry;
}

void HoneytokenRegistry::add(HoneytokenEntry entry, std::string_view origin,
                             const ProblemCallback& on_problem) {
  const std::string where = std::string(origin) + ":" + std::to_string(entry.line);
  for (const HoneytokenEntry& other : entries_) {
    if (other.id == entry.id) {
      if (on_problem)
        on_problem(where, "duplicate id (first at line " + std::to_string(other.line) +
                              "); entry ignored");
      return;
    }
  }
  if (by_sha256_.contains(entry.sha256)) {
    if (on_problem) on_problem(where, "the same value is registered twice; entry ignored");
    return;
  }
  const std::size_t index = entries_.size();
  by_sha256_.emplace(entry.sha256, index);
  if (entry.secret_key_sha256) by_sha256_.emplace(*entry.secret_key_sha256, index);
  entries_.push_back(std::move(entry));
}

const HoneytokenEntry* HoneytokenRegistry::find_by_sha256(std::string_view sha256_hex) const {
  auto it = by_sha256_.find(std::string(sha256_hex));
  return it == by_sha256_.end() ? nullptr : &entries_[it->second];
}

Result<std::string> new_honeytoken_id() {
  std::array<std::uint8_t, 6> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return make_error("the random number generator (OpenSSL RAND_bytes) failed");
  return to_hex(bytes.data(), bytes.size());
}

std::string today_utc() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day date(today);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string registry_entry_toml(const HoneytokenEntry& entry) {
  // One key per line in a fixed order, each formatted (quoted, escaped) by toml++.
  std::ostringstream out;
  out << kHeader << '\n';
  auto line = [&](std::string_view key, auto&& value) {
    toml::table one;
    one.insert(key, std::forward<decltype(value)>(value));
    out << one << '\n';
  };
  line("id", entry.id);
  line("kind", entry.kind);
  line("label", entry.label);
  line("planted_at", entry.planted_at);
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  if (std::sscanf(entry.created.c_str(), "%d-%u-%u", &year, &month, &day) == 3) {
    line("created", toml::date{year, month, day});
  }
  line("sha256", entry.sha256);
  if (entry.aws_account) line("aws_account", *entry.aws_account);
  if (entry.secret_key_sha256) line("secret_key_sha256", *entry.secret_key_sha256);
  if (entry.value) line("value", *entry.value);
  if (entry.secret_key) line("secret_key", *entry.secret_key);
  return out.str();
}

Result<void> append_registry_entry(const std::filesystem::path& file,
                                   const HoneytokenEntry& entry) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(file.string() +
                      ": cannot open the honeytoken registry for writing: " + std::strerror(errno));
  }
  struct stat info {};
  std::string text;
  if (::fstat(fd, &info) == 0 && info.st_size == 0) text += kFileComment;
  text += '\n';
  text += registry_entry_toml(entry);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return make_error(file.string() + ": cannot write the honeytoken registry: " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    return make_error(file.string() +
                      ": cannot write the honeytoken registry: " + std::strerror(errno));
  }
  return {};
}

}  // namespace leakhound
