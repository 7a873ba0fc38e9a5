#include "web/request_body.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <array>
#include <istream>

#include "core/text.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

std::size_t countFields(const Poco::Net::HTTPRequest& request, std::string_view name) {
  std::size_t count = 0;
  for (const auto& [field, value] : request)
    if (core::iequalsAscii(field, name)) ++count;
  return count;
}

bool chunked(const Poco::Net::HTTPRequest& request) { return countFields(request, "Transfer-Encoding") > 0; }

}  // namespace

void checkBodyFraming(const Poco::Net::HTTPRequest& request, std::size_t limit) {
  const std::size_t lengths = countFields(request, "Content-Length");
  const std::size_t codings = countFields(request, "Transfer-Encoding");
  if (codings > 0) {
    if (lengths > 0)
      throw HttpError::badRequest("a request may not have both Content-Length and Transfer-Encoding");
    if (codings > 1 || !core::iequalsAscii(core::trim(request.get("Transfer-Encoding")), "chunked"))
      throw HttpError::badRequest("the only transfer coding accepted is chunked");
    return;
  }
  if (lengths == 0) return;
  if (lengths > 1) throw HttpError::badRequest("a request may have only one Content-Length");
  const std::string text(core::trim(request.get("Content-Length")));
  Poco::UInt64 length = 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      !Poco::NumberParser::tryParseUnsigned64(text, length))
    throw HttpError::badRequest("Content-Length must be a whole number");
  if (length > limit) throw HttpError::payloadTooLarge(limit);
}

std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
  checkBodyFraming(request, limit);
  const bool isChunked = chunked(request);
  if (!isChunked && !request.hasContentLength()) return {};
  const std::size_t declared = isChunked ? 0 : static_cast<std::size_t>(request.getContentLength64());
  std::istream& in = request.stream();
  in.exceptions(std::ios::badbit);  // a failed read reports its Poco exception instead of a quiet end
  std::string body;
  std::array<char, 16 * 1024> buffer;
  for (;;) {
    const std::size_t want = isChunked ? buffer.size() : std::min(buffer.size(), declared - body.size());
    if (want == 0) break;
    in.read(buffer.data(), static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    if (body.size() + got > limit) throw HttpError::payloadTooLarge(limit);
    body.append(buffer.data(), got);
  }
  if (!isChunked && body.size() != declared)
    throw HttpError::badRequest("the request body ended before its Content-Length");
  return body;
}

}  // namespace postern::web
