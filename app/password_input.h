// Reading a new password for the CLI: from the terminal without echo (asked twice), or one line from
// standard input when it is not a terminal (scripts: `printf '%s\n' "$PW" | postern user add x`).
// Passwords never come from the command line, where `ps` and shell history would show them.
#pragma once

#include <optional>
#include <string>

namespace postern::app {

// nullopt after printing why (mismatch, end of input).
std::optional<std::string> readNewPassword();

// One secret (a smarthost password, an OAuth client secret or refresh token): asked once without echo on a
// terminal, else one line of standard input. nullopt after printing why (empty, end of input).
std::optional<std::string> readSecret(const std::string& prompt);

}  // namespace postern::app
