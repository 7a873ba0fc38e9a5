// The SMTP command parser fed arbitrary bytes: LineReader framing (the same lines however the bytes are
// chunked), then splitCommand and the MAIL / RCPT / AUTH argument parsers on every framed line.
// Properties: framing does not depend on chunking; a line never exceeds its limit; a parsed address
// re-serialises into an argument that parses to the same value; a refusal is a well-formed 5xx reply.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "smtp/command_parser.h"
#include "smtp/line_reader.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

constexpr std::size_t kLimit = 512;
constexpr std::size_t kAuthLimit = 12288;

struct Framed {
  std::vector<smtp::CommandLine> lines;
  bool partial = false;
};

Framed frame(std::string_view bytes, std::size_t chunk) {
  Framed out;
  smtp::LineReader reader;
  while (!bytes.empty()) {
    std::string_view piece = bytes.substr(0, chunk);
    bytes.remove_prefix(piece.size());
    while (!piece.empty()) {
      const std::size_t used = reader.consume(piece, kLimit, kAuthLimit);
      FUZZ_CHECK(used > 0 && used <= piece.size(), escaped(piece));
      piece.remove_prefix(used);
      if (auto line = reader.takeLine()) out.lines.push_back(std::move(*line));
    }
  }
  out.partial = reader.holdsPartialLine();
  return out;
}

void checkRefusal(const core::Reply& r, std::string_view line) {
  FUZZ_CHECK(r.code >= 500 && r.code < 600 && !r.lines.empty(), escaped(line));
  const std::string text = r.render();
  FUZZ_CHECK(text.size() >= 6 && text.compare(text.size() - 2, 2, "\r\n") == 0, escaped(text));
}

void checkMail(std::string_view argument) {
  const auto parsed = smtp::parseMailFrom(argument);
  if (!parsed.ok()) return checkRefusal(parsed.error(), argument);
  const auto& m = parsed.value();
  std::string again = "FROM:<" + (m.sender ? m.sender->str() : std::string()) + ">";
  if (m.smtputf8) again += " SMTPUTF8";
  if (m.size) again += " SIZE=" + std::to_string(*m.size);
  if (m.body == smtp::BodyType::SevenBit) again += " BODY=7BIT";
  if (m.body == smtp::BodyType::EightBitMime) again += " BODY=8BITMIME";
  const auto reparsed = smtp::parseMailFrom(again);
  FUZZ_CHECK(reparsed.ok(), escaped(argument) + " -> " + escaped(again));
  const auto& r = reparsed.value();
  FUZZ_CHECK(r.sender == m.sender && r.size == m.size && r.body == m.body && r.smtputf8 == m.smtputf8,
             escaped(argument) + " -> " + escaped(again));
}

void checkRcpt(std::string_view argument, bool smtputf8) {
  const auto parsed = smtp::parseRcptTo(argument, smtputf8);
  if (!parsed.ok()) return checkRefusal(parsed.error(), argument);
  const std::string again = "TO:<" + parsed.value().recipient.str() + ">";
  const auto reparsed = smtp::parseRcptTo(again, smtputf8);
  FUZZ_CHECK(reparsed.ok() && reparsed.value().recipient == parsed.value().recipient,
             escaped(argument) + " -> " + escaped(again));
}

void checkAuth(std::string_view argument) {
  const auto parsed = smtp::parseAuth(argument);
  if (!parsed.ok()) return checkRefusal(parsed.error(), argument);
  const auto& a = parsed.value();
  FUZZ_CHECK(!a.mechanism.empty() && a.mechanism.size() <= 20, escaped(argument));
  for (const char c : a.mechanism) FUZZ_CHECK(!(c >= 'a' && c <= 'z'), escaped(argument));
  if (a.initialResponse)
    FUZZ_CHECK(!a.initialResponse->empty() && a.initialResponse->find(' ') == std::string::npos,
               escaped(argument));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Framed whole = frame(bytes, bytes.size() + 1);
  const Framed chunked = frame(bytes, chunk);
  FUZZ_CHECK(whole.partial == chunked.partial && whole.lines.size() == chunked.lines.size(),
             "chunk " + std::to_string(chunk) + ": " + escaped(bytes));
  for (std::size_t i = 0; i < whole.lines.size(); ++i) {
    const auto& a = whole.lines[i];
    const auto& b = chunked.lines[i];
    FUZZ_CHECK(a.text == b.text && a.defect == b.defect,
               "chunk " + std::to_string(chunk) + ": " + escaped(a.text) + " vs " + escaped(b.text));
  }

  for (const auto& line : whole.lines) {
    const bool auth = line.text.size() >= 5 && (line.text[0] | 0x20) == 'a' && (line.text[1] | 0x20) == 'u' &&
                      (line.text[2] | 0x20) == 't' && (line.text[3] | 0x20) == 'h' && line.text[4] == ' ';
    FUZZ_CHECK(line.text.size() + 2 <= (auth ? kAuthLimit : kLimit), escaped(line.text));
    if (line.defect != smtp::CommandLine::Defect::None) continue;
    FUZZ_CHECK(line.text.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
               escaped(line.text));
    const smtp::CommandText command = smtp::splitCommand(line.text);
    FUZZ_CHECK(command.verb.find(' ') == std::string_view::npos, escaped(line.text));
    std::string verb(command.verb);
    for (auto& c : verb)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (verb == "MAIL") checkMail(command.argument);
    if (verb == "RCPT") {
      checkRcpt(command.argument, false);
      checkRcpt(command.argument, true);
    }
    if (verb == "AUTH") checkAuth(command.argument);
  }
  return 0;
}
