#include "cli/go_regex.h"

#include <cctype>

namespace leakhound {
namespace {

void append_literal(std::string& out, char c) {
  if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' &&
      static_cast<unsigned char>(c) < 0x80) {
    out += '\\';
  }
  out += c;
}

}  // namespace

Result<std::string> translate_go_regex(std::string_view regex) {
  std::string out;
  out.reserve(regex.size());
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      const char next = regex[i + 1];
      if (next == 'Q') {  // literal text up to \E (or the end)
        std::size_t end = regex.find("\\E", i + 2);
        std::string_view literal = regex.substr(
            i + 2, end == std::string_view::npos ? std::string_view::npos : end - (i + 2));
        for (char literal_char : literal)
          append_literal(out, literal_char);
        i = end == std::string_view::npos ? regex.size() : end + 1;
        continue;
      }
      if (next == 'z' && !in_class) {
        out += '$';
        ++i;
        continue;
      }
      if (next == 'C') return make_error("\\C (any byte) is not supported");
      if ((next == 'p' || next == 'P') && (i + 2 >= regex.size() || regex[i + 2] != '{')) {
        return make_error("one-letter Unicode classes (\\pN) are not supported");
      }
      out += c;
      out += next;
      ++i;
      continue;
    }
    if (in_class) {
      if (regex.substr(i).starts_with("[:word:]")) {
        out += "\\w";
        i += 7;
        continue;
      }
      if (c == '[' && i + 1 < regex.size() && regex[i + 1] == ':') {
        std::size_t end = regex.find(":]", i + 2);
        if (end != std::string_view::npos) {  // a POSIX class: copied as is
          out += regex.substr(i, end + 2 - i);
          i = end + 1;
          continue;
        }
      }
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < regex.size() && regex[i + 1] == '^') {
        out += '^';
        ++i;
      }
      if (i + 1 < regex.size() && regex[i + 1] == ']') {
        out += "\\]";
        ++i;
      }
      continue;
    }
    if (c == '(' && regex.substr(i).starts_with("(?P<")) {
      out += "(?<";
      i += 3;
      continue;
    }
    out += c;
  }
  return out;
}

std::uint32_t count_capture_groups(std::string_view regex) {
  std::uint32_t groups = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == '^') ++i;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;
    } else if (c == '(') {
      std::string_view rest = regex.substr(i + 1);
      if (!rest.starts_with('?')) {
        ++groups;
      } else if ((rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!")) ||
                 rest.starts_with("?P<") || rest.starts_with("?'")) {
        ++groups;
      }
    }
  }
  return groups;
}

}  // namespace leakhound
