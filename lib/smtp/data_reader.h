// smtp::DataReader — the message byte stream of DATA or of BDAT chunks: finds the end of data (DATA
// only), removes dot-stuffing (DATA only) and hands the message on in batches, while noting what makes
// the message unacceptable. The line rules are the same for both framings and hold across feeds, so a
// CRLF split between two BDAT chunks is one line end, and a bare CR or LF is caught wherever it falls.
//
// Implements: RFC 5321 §4.1.1.4 (end of data is CRLF "." CRLF, nothing else — "\n.\n", "\r.\r",
// "\r\n.\n" and friends are ordinary content: the SMTP smuggling class), §4.5.2 (transparency),
// §4.5.3.1.6 (text line limit), §2.3.8 (bare CR and LF); RFC 3030 §2 and §3 (BDAT: the chunks are the
// message octets as they are, no dot-stuffing; without BINARYMIME the content is still text with CRLF
// line ends). Must not know: the spool, headers, replies.
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace postern::smtp {

class DataReader {
 public:
  struct Limits {
    std::size_t maxMessageSize;  // octets after unstuffing; beyond this nothing more reaches the sink
    std::size_t maxTextLine;     // octets of a line as transmitted, CRLF included
  };
  // Receives message bytes (CRLF line ends, unstuffed) in batches of about batchSize.
  using Sink = std::function<void(std::string_view)>;
  static constexpr std::size_t kBatchSize = 64 * 1024;
  enum class Framing {
    DotTerminated,  // DATA: ends at CRLF "." CRLF, dot-stuffed
    Chunked,        // BDAT: the session hands over exactly the chunks' octets, then calls endOfChunks()
  };

  DataReader(Limits limits, Sink sink, std::size_t batchSize = kBatchSize);
  DataReader(Framing framing, Limits limits, Sink sink, std::size_t batchSize = kBatchSize);

  // DotTerminated: consumes bytes up to and including the end-of-data line and returns how many it
  // consumed; the rest belongs to the next command. Chunked: consumes every byte.
  std::size_t feed(std::string_view bytes);
  // Chunked: the last chunk has been fed. A last line without CRLF gets one (the message as stored and
  // relayed always ends with CRLF, as after DATA); a CR at the very end is a bare CR.
  void endOfChunks();
  bool finished() const { return state_ == State::Finished; }

  std::uint64_t size() const { return size_; }
  bool tooLarge() const { return size_ > limits_.maxMessageSize; }
  bool sawBareCrOrLf() const { return bareCrOrLf_; }
  bool sawLongLine() const { return longLine_; }

 private:
  enum class State {
    LineStart,  // at the beginning of a line (the first line starts right after the DATA line)
    Dot,        // a line began with "."
    DotCr,      // a line began with "." CR
    Text,       // inside a line
    Cr,         // CR inside a line; CRLF ends the line, anything else makes it a bare CR
    Finished,
  };
  void emit(std::string_view bytes);
  void emitText(std::string_view bytes);  // counts the bytes into the current line
  void endLine();
  void bareCr();
  void flush();

  Framing framing_ = Framing::DotTerminated;
  Limits limits_;
  Sink sink_;
  std::size_t batchSize_;
  std::string batch_;
  State state_ = State::LineStart;
  std::size_t lineLength_ = 0;  // octets of the current line as transmitted, without CRLF
  std::uint64_t size_ = 0;
  bool bareCrOrLf_ = false;
  bool longLine_ = false;
};

}  // namespace postern::smtp
