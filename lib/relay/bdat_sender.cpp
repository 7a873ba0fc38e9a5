#include "relay/bdat_sender.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "relay/body_file.h"

namespace postern::relay {

namespace {

constexpr std::size_t kPiece = 64 * 1024;  // one write; a stall timeout applies to each

class ChunkWriter {
 public:
  ChunkWriter(std::string_view prefix, const BodyFile& body, const BdatLink& link)
      : prefix_(prefix), body_(body), link_(link), total_(prefix.size() + body.size()) {}

  std::uint64_t total() const { return total_; }

  // "BDAT size [LAST]" and the chunk's octets, streamed.
  void send(std::uint64_t size, bool last) {
    std::string out = "BDAT " + std::to_string(size) + (last ? " LAST" : "") + "\r\n";
    std::uint64_t left = size;
    while (left > 0) {
      read(static_cast<std::size_t>(std::min<std::uint64_t>(left, kPiece)));
      if (piece_.empty())
        throw std::runtime_error("message body " + body_.path().string() + " is shorter than its size");
      out += piece_;
      left -= piece_.size();
      sent_ += piece_.size();
      if (out.size() >= kPiece) {
        link_.write(out);
        out.clear();
      }
    }
    if (!out.empty()) link_.write(out);
  }

 private:
  // The next bytes of prefix + body at sent_ into piece_ (at most capacity; empty at the end).
  void read(std::size_t capacity) {
    if (sent_ < prefix_.size()) {
      piece_.assign(prefix_.substr(static_cast<std::size_t>(sent_), capacity));
      return;
    }
    body_.read(sent_ - prefix_.size(), capacity, piece_);
  }

  std::string_view prefix_;
  const BodyFile& body_;
  const BdatLink& link_;
  std::uint64_t total_;
  std::uint64_t sent_ = 0;
  std::string piece_;
};

}  // namespace

ServerReply sendChunked(std::string_view prefix, const BodyFile& body, const BdatLink& link, bool pipelining,
                        std::size_t chunkSize) {
  ChunkWriter writer(prefix, body, link);
  const std::uint64_t total = writer.total();
  const std::uint64_t chunks = total == 0 ? 1 : (total + chunkSize - 1) / chunkSize;  // "BDAT 0 LAST"
  const auto sizeOf = [&](std::uint64_t i) {
    return std::min<std::uint64_t>(chunkSize, total - i * chunkSize);
  };

  if (!pipelining) {
    for (std::uint64_t i = 0; i < chunks; ++i) {
      const bool last = i + 1 == chunks;
      writer.send(sizeOf(i), last);
      ServerReply reply = link.readReply(last);
      if (last || !reply.positive()) return reply;  // always by the last chunk
    }
  }
  // RFC 3030 §4 with RFC 2920: the chunks go out back to back, then the replies are read in order. The
  // replies are a few dozen octets each, so the smarthost never blocks writing them while we write.
  for (std::uint64_t i = 0; i < chunks; ++i) writer.send(sizeOf(i), i + 1 == chunks);
  std::optional<ServerReply> refusal;
  for (std::uint64_t i = 0; i < chunks; ++i) {
    const bool last = i + 1 == chunks;
    ServerReply reply;
    try {
      reply = link.readReply(last);
    } catch (const std::exception&) {
      if (refusal) return *std::move(refusal);  // e.g. closed after a 421: the refusal says why
      throw;
    }
    if (refusal) continue;  // read only to stay in step
    if (last || !reply.positive()) refusal = std::move(reply);
  }
  return *std::move(refusal);
}

}  // namespace postern::relay
