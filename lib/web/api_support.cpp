#include "web/api_support.h"

#include <charconv>
#include <ctime>

#include "web/http_error.h"

namespace postern::web {

std::string isoTime(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Poco::Dynamic::Var isoTimeOrNull(const std::optional<std::chrono::system_clock::time_point>& time) {
  if (!time) return Poco::Dynamic::Var();
  return isoTime(*time);
}

namespace {

std::size_t wholeNumber(const RequestContext& context, const char* name, std::size_t fallback,
                        std::size_t max) {
  const auto text = context.query(name);
  if (!text) return fallback;
  std::size_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end)
    throw HttpError::badRequest(std::string(name) + " must be a whole number", name);
  return std::min(value, max);
}

}  // namespace

PageQuery pageQuery(const RequestContext& context) {
  PageQuery page;
  page.offset = wholeNumber(context, "offset", 0, static_cast<std::size_t>(1) << 40);
  page.limit = wholeNumber(context, "limit", kDefaultPageLimit, kMaxPageLimit);
  return page;
}

Poco::JSON::Object listAnswer(const Poco::JSON::Array& items, std::size_t total, const PageQuery& page) {
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("items", items);
  answer.set("total", total);
  answer.set("offset", page.offset);
  answer.set("limit", page.limit);
  return answer;
}

Poco::JSON::Object itemsAnswer(const Poco::JSON::Array& items) {
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("items", items);
  return answer;
}

}  // namespace postern::web
