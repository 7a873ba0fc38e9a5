#include "core/reply.h"

#include <utility>

namespace postern::core {

Reply::Reply(int c, std::string enh, std::string text, bool closeAfter)
    : code(c), enhanced(std::move(enh)), lines{std::move(text)}, close(closeAfter) {}

Reply::Reply(int c, std::string enh, std::vector<std::string> textLines, bool closeAfter)
    : code(c), enhanced(std::move(enh)), lines(std::move(textLines)), close(closeAfter) {
  if (lines.empty()) lines.emplace_back();
}

std::string Reply::render() const {
  std::string out;
  const std::string codeText = std::to_string(code);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += codeText;
    out += (i + 1 < lines.size()) ? '-' : ' ';
    if (!enhanced.empty()) {
      out += enhanced;
      if (!lines[i].empty()) out += ' ';
    }
    out += lines[i];
    out += "\r\n";
  }
  return out;
}

}  // namespace postern::core
