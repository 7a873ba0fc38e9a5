#include "smtp/data_reader.h"

#include <utility>

namespace postern::smtp {

namespace {
constexpr std::string_view kLineBreaks("\r\n", 2);
}

DataReader::DataReader(Limits limits, Sink sink, std::size_t batchSize)
    : DataReader(Framing::DotTerminated, limits, std::move(sink), batchSize) {}

DataReader::DataReader(Framing framing, Limits limits, Sink sink, std::size_t batchSize)
    : framing_(framing), limits_(limits), sink_(std::move(sink)), batchSize_(batchSize) {
  batch_.reserve(batchSize_);
}

void DataReader::endOfChunks() {
  if (framing_ != Framing::Chunked || state_ == State::Finished) return;
  if (state_ == State::Cr) bareCr();  // the message ends in CR: no LF will follow
  if (state_ == State::Text) endLine();
  flush();
  state_ = State::Finished;
}

void DataReader::flush() {
  if (!batch_.empty() && !tooLarge()) sink_(batch_);
  batch_.clear();
}

void DataReader::emit(std::string_view bytes) {
  size_ += bytes.size();
  // Past the size limit the message is refused anyway: stop storing it, keep scanning for its end.
  if (tooLarge()) {
    batch_.clear();
    return;
  }
  batch_.append(bytes);
  if (batch_.size() >= batchSize_) flush();
}

void DataReader::emitText(std::string_view bytes) {
  lineLength_ += bytes.size();
  // RFC 5321 §4.5.3.1.6: 1000 octets including CRLF.
  if (lineLength_ + 2 > limits_.maxTextLine) longLine_ = true;
  emit(bytes);
}

void DataReader::endLine() {
  emit("\r\n");
  lineLength_ = 0;
  state_ = State::LineStart;
}

void DataReader::bareCr() {
  bareCrOrLf_ = true;
  emitText("\r");
  state_ = State::Text;
}

std::size_t DataReader::feed(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && state_ != State::Finished) {
    const char c = bytes[i];
    switch (state_) {
      case State::LineStart:
        if (c == '.' && framing_ == Framing::DotTerminated) {
          lineLength_ = 0;  // RFC 5321 §4.5.3.1.6: the dot duplicated for transparency does not count
          state_ = State::Dot;
          ++i;
        } else {
          state_ = State::Text;
        }
        break;
      case State::Dot:
        // RFC 5321 §4.5.2: a leading dot followed by anything else was added by the client; drop it.
        if (c == '\r') {
          state_ = State::DotCr;
          ++i;
        } else {
          state_ = State::Text;
        }
        break;
      case State::DotCr:
        if (c == '\n') {
          ++i;
          flush();
          state_ = State::Finished;
        } else {
          bareCr();  // "." CR followed by something else: the dot was stuffing, the CR is bare
        }
        break;
      case State::Text: {
        if (c == '\r') {
          state_ = State::Cr;
          ++i;
        } else if (c == '\n') {
          // A bare LF does not end the line: otherwise "\n.\r\n" would end the data here while a
          // lenient next hop reads on (SMTP smuggling).
          bareCrOrLf_ = true;
          emitText("\n");
          ++i;
        } else {
          std::size_t end = bytes.find_first_of(kLineBreaks, i);
          if (end == std::string_view::npos) end = bytes.size();
          emitText(bytes.substr(i, end - i));
          i = end;
        }
        break;
      }
      case State::Cr:
        if (c == '\n') {
          ++i;
          endLine();
        } else {
          bareCr();
        }
        break;
      case State::Finished:
        break;
    }
  }
  return i;
}

}  // namespace postern::smtp
