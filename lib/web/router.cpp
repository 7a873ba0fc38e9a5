#include "web/router.h"

#include <array>
#include <cctype>
#include <stdexcept>

namespace postern::web {

namespace {

constexpr std::array<Method, 7> kMethods = {Method::Get,   Method::Head,   Method::Post,   Method::Put,
                                            Method::Patch, Method::Delete, Method::Options};

int hexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

bool isControl(unsigned char ch) { return ch < 0x20 || ch == 0x7f; }

bool validParameterName(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return true;
}

// The raw segments of a path that starts with '/': "/a/b%2Fc" → {"a", "b%2Fc"}.
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;
  for (;;) {
    const auto slash = path.find('/', start);
    segments.push_back(
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

}  // namespace

std::optional<Method> parseMethod(std::string_view token) {
  for (const Method method : kMethods)
    if (token == methodName(method)) return method;
  return std::nullopt;
}

const char* methodName(Method method) {
  switch (method) {
    case Method::Get:
      return "GET";
    case Method::Head:
      return "HEAD";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
    case Method::Patch:
      return "PATCH";
    case Method::Delete:
      return "DELETE";
    case Method::Options:
      return "OPTIONS";
  }
  return "?";
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '%') {
      if (text.size() - i < 3) return std::nullopt;
      const int high = hexValue(text[i + 1]);
      const int low = hexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      ch = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (ch == '+' && plusIsSpace) {
      ch = ' ';
    }
    if (isControl(static_cast<unsigned char>(ch))) return std::nullopt;
    out += ch;
  }
  return out;
}

const std::string& PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_)
    if (key == name) return value;
  throw std::logic_error("the route has no parameter {" + std::string(name) + "}");
}

std::string PathParams::joined() const {
  std::string out;
  for (const auto& [key, value] : values_) {
    if (!out.empty()) out += '/';
    out += value;
  }
  return out;
}

std::vector<std::string> Router::describe() const {
  std::vector<std::string> lines;
  for (const Route& route : routes_) {
    std::string path;
    for (const Segment& segment : route.segments)
      path += "/" + (segment.parameter ? "{" + segment.text + "}" : segment.text);
    lines.push_back(std::string(methodName(route.method)) + " " + (path.empty() ? "/" : path));
  }
  return lines;
}

void Router::add(Method method, std::string_view pathTemplate, Handler handler) {
  if (pathTemplate.empty() || pathTemplate[0] != '/')
    throw std::logic_error("route template must start with '/': " + std::string(pathTemplate));
  Route route{method, {}, std::move(handler)};
  for (const auto raw : splitPath(pathTemplate)) {
    if (!raw.empty() && raw.front() == '{' && raw.back() == '}' && raw.size() > 2) {
      const std::string_view name = raw.substr(1, raw.size() - 2);
      if (!validParameterName(name))
        throw std::logic_error("route parameter must be {name}: " + std::string(pathTemplate));
      for (const auto& existing : route.segments)
        if (existing.parameter && existing.text == name)
          throw std::logic_error("route parameter named twice: " + std::string(pathTemplate));
      route.segments.push_back(Segment{std::string(name), true});
    } else {
      if (raw.empty() || raw.find_first_of("{}%") != std::string_view::npos)
        throw std::logic_error("route segment must be a literal or {name}: " + std::string(pathTemplate));
      route.segments.push_back(Segment{std::string(raw), false});
    }
  }
  for (const auto& other : routes_) {
    if (other.method != method || other.segments.size() != route.segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; same && i < route.segments.size(); ++i) {
      const auto& a = other.segments[i];
      const auto& b = route.segments[i];
      same = a.parameter == b.parameter && (a.parameter || a.text == b.text);
    }
    if (same)
      throw std::logic_error(std::string("a second ") + methodName(method) + " route for " +
                             std::string(pathTemplate));
  }
  routes_.push_back(std::move(route));
}

bool Router::fits(const Route& route, const std::vector<std::string>& segments, PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& segment = route.segments[i];
    if (segment.parameter ? segments[i].empty() : segment.text != segments[i]) return false;
  }
  if (params)
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (route.segments[i].parameter) params->add(route.segments[i].text, segments[i]);
  return true;
}

bool Router::moreLiteral(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i)
    if (a.segments[i].parameter != b.segments[i].parameter) return !a.segments[i].parameter;
  return false;
}

RouteMatch Router::match(Method method, std::string_view rawPath) const {
  return match(std::string_view(methodName(method)), rawPath);
}

RouteMatch Router::match(std::string_view methodToken, std::string_view rawPath) const {
  RouteMatch result;
  if (rawPath.empty() || rawPath[0] != '/') {
    result.outcome = RouteMatch::Outcome::BadPath;
    result.problem = "the request target must be a path starting with '/'";
    return result;
  }
  std::vector<std::string> segments;
  for (const auto raw : splitPath(rawPath)) {
    auto decoded = percentDecode(raw);
    if (!decoded) {
      result.outcome = RouteMatch::Outcome::BadPath;
      result.problem = "the path holds a malformed %-escape or a control character";
      return result;
    }
    segments.push_back(std::move(*decoded));
  }
  return matchSegments(parseMethod(methodToken), segments);
}

RouteMatch Router::matchSegments(std::optional<Method> method,
                                 const std::vector<std::string>& segments) const {
  const Route* best = nullptr;
  std::array<bool, kMethods.size()> allowed{};
  bool any = false;
  // An unknown method token (nullopt) matches no route but still learns what the path allows.
  auto consider = [&](std::optional<Method> wanted) {
    for (const auto& route : routes_) {
      if (!fits(route, segments, nullptr)) continue;
      any = true;
      allowed[static_cast<std::size_t>(route.method)] = true;
      if (route.method == wanted && (!best || moreLiteral(route, *best))) best = &route;
    }
  };
  consider(method);
  if (!best && method == Method::Head) consider(Method::Get);
  RouteMatch result;
  if (best) {
    result.outcome = RouteMatch::Outcome::Found;
    result.handler = &best->handler;
    fits(*best, segments, &result.params);
    return result;
  }
  if (!any) return result;  // NotFound
  if (allowed[static_cast<std::size_t>(Method::Get)]) allowed[static_cast<std::size_t>(Method::Head)] = true;
  result.outcome = RouteMatch::Outcome::MethodNotAllowed;
  for (const Method m : kMethods) {
    if (!allowed[static_cast<std::size_t>(m)]) continue;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += methodName(m);
  }
  return result;
}

}  // namespace postern::web
