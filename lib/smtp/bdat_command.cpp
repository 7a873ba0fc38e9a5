#include "smtp/bdat_command.h"

#include <charconv>

#include "core/text.h"

namespace postern::smtp {

std::optional<BdatCommand> parseBdat(std::string_view argument) {
  const std::size_t space = argument.find(' ');
  const std::string_view size = argument.substr(0, space);
  if (size.empty()) return std::nullopt;
  for (const char c : size)
    if (c < '0' || c > '9') return std::nullopt;  // from_chars alone would take a leading '-'
  BdatCommand out;
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), out.size);
  if (ec != std::errc() || end != size.data() + size.size()) return std::nullopt;  // beyond 64 bits
  if (space == std::string_view::npos) return out;
  if (!core::iequalsAscii(argument.substr(space + 1), "LAST")) return std::nullopt;
  out.last = true;
  return out;
}

}  // namespace postern::smtp
