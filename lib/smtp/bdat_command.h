// smtp BDAT command argument — "BDAT" SP chunk-size [ SP end-marker ] (RFC 3030 §3).
//
// Owns: the argument's grammar: chunk-size is 1*DIGIT (no sign, no spaces inside, at most what fits in 64
// bits), end-marker is "LAST" in any case. Must not know: replies, session state.
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace postern::smtp {

struct BdatCommand {
  std::uint64_t size = 0;  // octets of the chunk that follow the command line
  bool last = false;       // the chunk ends the message
};

// The parsed argument, or nullopt when it does not follow the grammar. A caller cannot know how many
// octets follow a malformed BDAT, so nothing after it can be read as a command.
std::optional<BdatCommand> parseBdat(std::string_view argument);

}  // namespace postern::smtp
