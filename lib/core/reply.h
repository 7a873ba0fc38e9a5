// core::Reply — an SMTP reply as a value: code, enhanced status, text, and whether the connection ends.
//
// Owns: rendering of single- and multi-line replies (RFC 5321 §4.2, enhanced codes RFC 2034/3463).
// Must not know: any I/O. Thread-safety: a plain value type.
#pragma once

#include <string>
#include <vector>

namespace postern::core {

struct Reply {
  int code = 0;
  std::string enhanced;            // "5.7.0"; empty for replies that carry none (220 greeting, EHLO lines)
  std::vector<std::string> lines;  // at least one; each rendered as its own reply line
  bool close = false;              // the server closes the connection after sending this reply

  Reply() = default;
  Reply(int c, std::string enh, std::string text, bool closeAfter = false);
  Reply(int c, std::string enh, std::vector<std::string> textLines, bool closeAfter = false);

  // RFC 5321 §4.2.1: "250-first\r\n250-second\r\n250 last\r\n"; the enhanced code prefixes each line.
  std::string render() const;
  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
};

}  // namespace postern::core
