// Internal to lib/config: the builders of the key table's entries (number, span, text, listeners...) and
// the checks its text keys share, used by the table's parts (keys.cpp, keys_sites.cpp).
#pragma once

#include <cctype>
#include <charconv>
#include <limits>

#include "config/keys.h"
#include "core/text.h"

namespace postern::config::keydefs {

template <typename T>
std::optional<T> parseUnsigned(const std::string& text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// The value when text is a whole number within [min, max]; otherwise the error text.
template <typename T>
std::optional<T> parseInRange(const std::string& text, T min, T max, std::optional<std::string>& error) {
  const auto n = parseUnsigned<T>(text);
  if (n && *n >= min && *n <= max) return n;
  error = "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  return std::nullopt;
}

template <typename T, typename Access>
inline KeyDef number(std::string name, std::string comment, Access access, T min, T max) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access, min, max](Config& c, const std::string& v) -> std::optional<std::string> {
                  std::optional<std::string> error;
                  if (const auto n = parseInRange<T>(v, min, max, error)) access(c) = *n;
                  return error;
                },
                [access](const Config& c) { return std::to_string(access(const_cast<Config&>(c))); }};
}

template <typename Duration, typename Access>
inline KeyDef duration(std::string name, std::string comment, Access access, long min, long max) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access, min, max](Config& c, const std::string& v) -> std::optional<std::string> {
                  std::optional<std::string> error;
                  if (const auto n = parseInRange<long>(v, min, max, error)) access(c) = Duration(*n);
                  return error;
                },
                [access](const Config& c) { return std::to_string(access(const_cast<Config&>(c)).count()); }};
}

template <typename Access>
inline KeyDef boolean(std::string name, std::string comment, Access access) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access](Config& c, const std::string& v) -> std::optional<std::string> {
                  const std::string s = core::toLowerAscii(v);
                  if (s == "true" || s == "yes" || s == "on" || s == "1")
                    access(c) = true;
                  else if (s == "false" || s == "no" || s == "off" || s == "0")
                    access(c) = false;
                  else
                    return "must be true or false";
                  return std::nullopt;
                },
                [access](const Config& c) { return access(const_cast<Config&>(c)) ? "true" : "false"; }};
}

template <typename Access, typename Check>
inline KeyDef text(std::string name, std::string comment, Access access, Check check, bool secret = false) {
  return KeyDef{std::move(name), std::move(comment), secret,
                [access, check](Config& c, const std::string& v) -> std::optional<std::string> {
                  if (auto error = check(v)) return error;
                  access(c) = v;
                  return std::nullopt;
                },
                [access](const Config& c) { return access(const_cast<Config&>(c)); }};
}

template <typename Access>
inline KeyDef listeners(std::string name, std::string comment, Access access) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access](Config& c, const std::string& v) -> std::optional<std::string> {
                  std::vector<ListenAddress> list;
                  std::string_view rest = v;
                  while (!core::trim(rest).empty()) {
                    const auto comma = rest.find(',');
                    const std::string item(core::trim(rest.substr(0, comma)));
                    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
                    const auto address = parseListenAddress(item);
                    if (!address) return "'" + item + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)";
                    list.push_back(*address);
                  }
                  access(c) = std::move(list);
                  return std::nullopt;
                },
                [access](const Config& c) {
                  std::string out;
                  for (const auto& a : access(const_cast<Config&>(c)))
                    out += (out.empty() ? "" : ", ") + a.str();
                  return out;
                }};
}

// A comma-separated list of CIDR networks (core::IpNetwork); each bad entry is named in the error. Empty
// only where allowEmpty says that "none" is a meaning of its own (a list of exceptions).
template <typename Access>
inline KeyDef networks(std::string name, std::string comment, Access access, bool allowEmpty = false) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access, allowEmpty](Config& c, const std::string& v) -> std::optional<std::string> {
                  std::vector<core::IpNetwork> list;
                  std::string bad;
                  for (const auto& item : core::splitList(v)) {
                    if (const auto network = core::IpNetwork::parse(item))
                      list.push_back(*network);
                    else
                      bad += (bad.empty() ? "'" : ", '") + item + "'";
                  }
                  if (!bad.empty())
                    return bad + (bad.find(',') == std::string::npos ? " is" : " are") +
                           " not ADDRESS/PREFIX (e.g. 192.168.0.0/16, fd00::/8; no bits set past the prefix)";
                  if (list.empty() && !allowEmpty)
                    return "must list at least one network (0.0.0.0/0, ::/0 allows every client)";
                  access(c) = std::move(list);
                  return std::nullopt;
                },
                [access](const Config& c) {
                  std::string out;
                  for (const auto& n : access(const_cast<Config&>(c)))
                    out += (out.empty() ? "" : ", ") + n.str();
                  return out;
                }};
}

// A duration with a unit ("5m", "4h", "5d"; plain digits are seconds) within [min, max].
template <typename Access>
inline KeyDef span(std::string name, std::string comment, Access access, std::chrono::seconds min,
                   std::chrono::seconds max) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access, min, max](Config& c, const std::string& v) -> std::optional<std::string> {
                  const auto d = parseDuration(std::string(core::trim(v)));
                  if (!d || *d < min || *d > max)
                    return "must be a duration from " + formatDuration(min) + " to " + formatDuration(max) +
                           " (e.g. 90s, 15m, 4h, 5d)";
                  access(c) = *d;
                  return std::nullopt;
                },
                [access](const Config& c) { return formatDuration(access(const_cast<Config&>(c))); }};
}

// One of a fixed set of words, each standing for an enum value.
template <typename E, typename Access>
inline KeyDef choice(std::string name, std::string comment, Access access,
                     std::vector<std::pair<std::string, E>> words) {
  return KeyDef{std::move(name), std::move(comment), false,
                [access, words](Config& c, const std::string& v) -> std::optional<std::string> {
                  std::string list;
                  for (const auto& [word, value] : words) {
                    if (v == word) {
                      access(c) = value;
                      return std::nullopt;
                    }
                    list += (list.empty() ? "" : ", ") + word;
                  }
                  return "must be one of " + list;
                },
                [access, words](const Config& c) {
                  for (const auto& [word, value] : words)
                    if (access(const_cast<Config&>(c)) == value) return word;
                  return std::string();
                }};
}

inline std::optional<std::string> hostnameText(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v.size() > 253) return "must be at most 253 characters";
  for (char ch : v)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.'))
      return "must be a host name (letters, digits, '-' and '.')";
  return std::nullopt;
}

inline std::optional<std::string> absolutePath(const std::string& v) {
  if (v.empty() || v[0] != '/') return "must be an absolute path";
  return std::nullopt;
}

inline std::optional<std::string> optionalPath(const std::string& v) {
  if (!v.empty() && v[0] != '/') return "must be empty or an absolute path";
  return std::nullopt;
}

inline std::optional<std::string> anyText(const std::string&) { return std::nullopt; }

inline std::optional<std::string> printableText(const std::string& v) {
  for (char ch : v)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) return "must not contain control characters";
  return std::nullopt;
}

}  // namespace postern::config::keydefs
