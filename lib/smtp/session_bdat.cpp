// Session::Impl — BDAT (RFC 3030 CHUNKING, without BINARYMIME): the message arrives in chunks of announced
// size. Each chunk's octets are read whatever happens to the command (a refused BDAT still has its octets
// in the stream, and reading them as commands would let message text act as commands), then answered.
// The chunks feed the same DataReader (Chunked framing: no dot-stuffing, the same line rules across chunk
// boundaries), header scanner, DKIM signature and spool file as DATA, and BDAT LAST ends in the same
// verdict and durable commit (session_data.cpp endOfData) before its 250.
// Client-chosen values in log lines go through core::logValue().
#include <algorithm>

#include "core/text.h"
#include "smtp/bdat_command.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

using core::Reply;

void Session::Impl::bdat(std::string_view argument, std::optional<Reply> refusal) {
  const auto parsed = parseBdat(argument);
  if (!parsed) {
    // How many octets follow is unknown, so the next bytes cannot be told from commands: stop here.
    out_.log(LogLevel::Warning, "bdat", "malformed BDAT " + core::logValue(std::string(argument)));
    return reply(Reply(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]; closing the connection", true));
  }
  Chunk chunk;
  chunk.size = chunk.remaining = parsed->size;
  chunk.last = parsed->last;
  if (refusal) {
    chunk.refusal = std::move(refusal);
  } else if (state_ == SessionState::Rcpt || state_ == SessionState::Bdat) {
    if (state_ == SessionState::Rcpt) {
      if (auto rejection = beginMessage(DataReader::Framing::Chunked)) {
        chunk.refusal = rejection->reply;
        chunk.reason = rejection->reason;
        chunk.endsTransaction = true;
      } else {
        enter(SessionState::Bdat);
      }
    }
    if (!chunk.refusal) {
      // RFC 1870 / RFC 3030 §2: the announced size is known before the octets arrive. The check counts
      // the octets already received, so no chunk can carry the message past the limit.
      const std::uint64_t received = dataReader_->size();
      if (received > config_.maxMessageSize || chunk.size > config_.maxMessageSize - received) {
        chunk.refusal = Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
        chunk.reason = Refusal::TooLarge;
        chunk.endsTransaction = true;
      } else {
        chunk.keep = true;
      }
    }
  } else if (state_ == SessionState::Mail) {
    chunk.refusal = Reply(554, "5.5.1", "No valid recipients");  // RFC 5321 §3.3, as for DATA
    chunk.endsTransaction = true;
  } else if (chunksFailed_) {
    // RFC 3030 §2: after a failed chunk the client sends no more, but those already in the pipeline come.
    chunk.refusal = Reply(554, "5.5.0", "Chunk discarded: the message was already refused");
  } else {
    chunk.refusal = Reply(503, "5.5.1", "Need MAIL command");
  }
  chunk_ = std::move(chunk);
  if (chunk_->remaining == 0) endOfChunk();  // "BDAT 0 LAST" ends a message; "BDAT 0" is allowed too
}

std::size_t Session::Impl::chunkBytes(std::string_view bytes) {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_->remaining, bytes.size()));
  if (chunk_->keep) dataReader_->feed(bytes.substr(0, take));
  chunk_->remaining -= take;
  if (chunk_->remaining == 0) endOfChunk();
  return take;
}

void Session::Impl::endOfChunk() {
  const Chunk chunk = std::move(*chunk_);
  chunk_.reset();
  if (chunk.refusal) {
    const Reply& r = *chunk.refusal;
    if (chunk.endsTransaction) {
      out_.log(LogLevel::Info, "rejected",
               "login=" + core::logValue(login_) +
                   " from=" + core::logValue("<" + envelope_.sender.str() + ">") + " BDAT " +
                   std::to_string(chunk.size) + (chunk.last ? " LAST " : " ") + std::to_string(r.code) + " " +
                   r.enhanced + " " + core::logValue(r.lines.front()));
      if (chunk.reason) countRefusal(*chunk.reason);
      resetTransaction();  // an uncommitted spool file is removed
      enter(idleState());
      chunksFailed_ = true;
    }
    return reply(r);
  }
  if (!chunk.last) return reply(Reply(250, "2.0.0", std::to_string(chunk.size) + " octets received"));
  dataReader_->endOfChunks();
  endOfData();  // the verdict, the signature and the durable commit, then 250 or the refusal
}

}  // namespace postern::smtp
