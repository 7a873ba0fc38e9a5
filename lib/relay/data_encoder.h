// relay::DataEncoder — turns message content into the DATA stream (RFC 5321 §4.5.2 transparency).
//
// Owns: dot-stuffing (a line that starts with '.' gets one more), the CRLF added when the content does
// not end with one, and the terminating "." line. Works on chunks of any size, so a message is streamed
// and never held in memory whole. Must not know: sockets, files. Thread-safety: one encoder per message.
#pragma once

#include <string>
#include <string_view>

namespace postern::relay {

class DataEncoder {
 public:
  // Appends the encoded form of chunk to out.
  void encode(std::string_view chunk, std::string& out);
  // Appends the end of data: CRLF if the content did not end with one, then ".\r\n".
  void finish(std::string& out);

 private:
  bool atLineStart_ = true;  // the next byte starts a line (also true before any content)
  bool empty_ = true;
  char last_ = '\0';
  char beforeLast_ = '\0';
};

}  // namespace postern::relay
