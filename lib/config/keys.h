// config key table — one entry per configuration key: name, comment, how to parse and print it.
// Internal to the config module (config.cpp and the sample generator use it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace postern::config {

struct KeyDef {
  std::string name;
  std::string comment;  // one or more lines, without '#'
  bool secret = false;
  // Parses value into config; returns an error text (without the key name) when the value is invalid.
  std::function<std::optional<std::string>(Config&, const std::string&)> parse;
  std::function<std::string(const Config&)> print;
};

const std::vector<KeyDef>& keyTable();
// The table's tail: admin.*, public.*, dns.* (keys_sites.cpp).
std::vector<KeyDef> siteAndDnsKeys();
// limits.*: per-user sending limits (keys_limits.cpp).
std::vector<KeyDef> sendingLimitKeys();

}  // namespace postern::config
