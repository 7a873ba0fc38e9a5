#include "app/password_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace postern::app {

namespace {

std::optional<std::string> readLine(bool hidden, const char* prompt) {
  termios saved{};
  const bool tty = hidden && ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    std::cerr << prompt << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::optional<std::string> readNewPassword() {
  if (!::isatty(STDIN_FILENO)) {
    auto line = readLine(false, "");
    if (!line) std::cerr << "postern: no password on standard input\n";
    return line;
  }
  auto first = readLine(true, "New password: ");
  auto second = first ? readLine(true, "Repeat password: ") : std::nullopt;
  if (!first || !second) {
    std::cerr << "postern: no password given\n";
    return std::nullopt;
  }
  if (*first != *second) {
    std::cerr << "postern: the passwords differ\n";
    return std::nullopt;
  }
  return first;
}

std::optional<std::string> readSecret(const std::string& prompt) {
  auto line = readLine(true, (prompt + ": ").c_str());
  if (!line || line->empty()) {
    std::cerr << "postern: no " << prompt << " given (one line on standard input)\n";
    return std::nullopt;
  }
  return line;
}

}  // namespace postern::app
