// smtp::DataReader — the DATA phase byte stream: finds the end of data, removes dot-stuffing and hands
// the message on in batches, while noting what makes the message unacceptable.
//
// Implements: RFC 5321 §4.1.1.4 (end of data is CRLF "." CRLF, nothing else — "\n.\n", "\r.\r",
// "\r\n.\n" and friends are ordinary content: the SMTP smuggling class), §4.5.2 (transparency),
// §4.5.3.1.6 (text line limit), §2.3.8 (bare CR and LF). Must not know: the spool, headers, replies.
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

  DataReader(Limits limits, Sink sink, std::size_t batchSize = kBatchSize);

  // Consumes bytes up to and including the end-of-data line and returns how many it consumed; the rest
  // belongs to the next command.
  std::size_t feed(std::string_view bytes);
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
