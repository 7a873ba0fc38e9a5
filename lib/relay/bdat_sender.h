// relay::sendChunked — the message content as BDAT chunks (RFC 3030), for a smarthost that offers
// CHUNKING. Internal to relay.
//
// Owns: cutting the spooled message (the prefix Postern adds, then the body file) into chunks of at most
// a bounded size, the last one marked LAST, each announced with its exact octet count and streamed from
// the file in pieces (no dot-stuffing, never the whole message in memory); with PIPELINING every chunk is
// sent before the replies are read (RFC 3030 §4), without it each chunk waits for its reply and a refused
// chunk ends the sending (RFC 3030 §2: no further chunks after a 4xx or 5xx).
// Must not know: sockets, recipients, the queue. Thread-safety: a function; one call per message.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "relay/server_reply.h"

namespace postern::relay {

class BodyFile;

inline constexpr std::size_t kBdatChunkSize = 1024 * 1024;  // a message up to 1 MiB goes in one BDAT LAST

// How the sender talks to the smarthost. Both may throw; write gets commands and content alike.
struct BdatLink {
  std::function<void(std::string_view bytes)> write;
  std::function<ServerReply(bool last)> readReply;  // last: the reply to BDAT ... LAST
};

// Sends prefix + body and returns the reply that decides the message: the first chunk's refusal, or the
// reply to the LAST chunk. Throws std::runtime_error when the body cannot be read or is shorter than its
// size (the connection is then out of step: the caller closes it), and whatever the link throws, except
// that once a chunk was refused a failure to read the later replies returns that refusal.
ServerReply sendChunked(std::string_view prefix, const BodyFile& body, const BdatLink& link, bool pipelining,
                        std::size_t chunkSize = kBdatChunkSize);

}  // namespace postern::relay
