// Small pieces every endpoint of the JSON API uses the same way: times as ISO 8601 UTC text, the paging
// query (?offset=&limit=) and the list envelope {"items", "total", "offset", "limit"} of the API contract.
//
// Must not know: the services. Thread-safety: pure functions.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "web/request_context.h"

namespace postern::web {

// "2026-12-07T10:15:00Z" (whole seconds).
std::string isoTime(std::chrono::system_clock::time_point time);
// The time, or JSON null.
Poco::Dynamic::Var isoTimeOrNull(const std::optional<std::chrono::system_clock::time_point>& time);

struct PageQuery {
  std::size_t offset = 0;
  std::size_t limit = 50;
};
inline constexpr std::size_t kDefaultPageLimit = 50;
inline constexpr std::size_t kMaxPageLimit = 500;

// ?offset= (default 0) and ?limit= (default 50, at most 500): whole numbers, else 400 naming the parameter.
PageQuery pageQuery(const RequestContext& context);

// {"items": items, "total": total, "offset": …, "limit": …}
Poco::JSON::Object listAnswer(const Poco::JSON::Array& items, std::size_t total, const PageQuery& page);
// {"items": items}
Poco::JSON::Object itemsAnswer(const Poco::JSON::Array& items);

}  // namespace postern::web
