// web::Router — the one table of the web API: (method, path template) → handler. Templates are literal
// segments and named parameters: "/api/v1/users/{login}/addresses/{pattern}".
//
// Matching splits the raw path (as sent, without the query) on '/', then percent-decodes each segment
// (RFC 3986 §2.1), so "%2F" inside a segment is data and never a separator: DELETE
// /api/v1/users/a/addresses/%40example.org gives pattern "@example.org". A malformed escape, an encoded or
// raw NUL or a control character makes the path unusable (400), never a guess. The outcome is a handler
// with its parameters, "no such resource" (404) or "no such method here" (405) with the methods the path
// has, for the Allow header. HEAD follows GET (RFC 9110 §9.3.2). When several templates match, the one
// with the method wins, and among those the more literal (at the first segment where they differ, a literal
// beats a parameter), so GET /routes/presets can sit beside GET /routes/{name}.
//
// Must not know: sockets, what the handlers do. Thread-safety: add() while wiring, on one thread; match()
// is const and may then run on every connection thread at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::web {

struct RequestContext;
using Handler = std::function<void(RequestContext&)>;

enum class Method { Get, Head, Post, Put, Patch, Delete, Options };
// The exact (case-sensitive, RFC 9110 §9.1) method token; nullopt for any other.
std::optional<Method> parseMethod(std::string_view token);
const char* methodName(Method method);

// Percent-decodes text (RFC 3986 §2.1); with plusIsSpace, '+' is a space (query strings,
// application/x-www-form-urlencoded). nullopt for a malformed escape, for a NUL (raw or %00) and for
// other control characters (raw or encoded), none of which any name in Postern may hold.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace = false);

// The named parameters of a matched template, decoded.
class PathParams {
 public:
  void add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
  // The value of a parameter of the template. A name the template does not have is a wiring mistake:
  // std::logic_error.
  const std::string& get(std::string_view name) const;
  bool empty() const { return values_.empty(); }
  // The values in template order joined by '/' ("alice@example.org/@example.org"): what a request acts on,
  // named before a handler has looked at it.
  std::string joined() const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

struct RouteMatch {
  enum class Outcome { Found, NotFound, MethodNotAllowed, BadPath };
  Outcome outcome = Outcome::NotFound;
  const Handler* handler = nullptr;  // Found only; points into the router
  PathParams params;                 // Found only
  std::string allow;                 // MethodNotAllowed only: "GET, HEAD, PATCH, DELETE"
  std::string problem;               // BadPath only: what is wrong with the path
};

class Router {
 public:
  // Throws std::logic_error for a malformed template (not starting with '/', a parameter that is not
  // {name}, braces or '%' in a literal) or for a second handler of the same method and template shape.
  void add(Method method, std::string_view pathTemplate, Handler handler);

  RouteMatch match(Method method, std::string_view rawPath) const;
  // Every route as "METHOD /template" in the order added (HEAD not listed: it follows GET): what the
  // server answers, for the log and for the check that web/openapi.json describes exactly these.
  std::vector<std::string> describe() const;
  // For a method token outside Method: the path's methods as 405, or 404.
  RouteMatch match(std::string_view methodToken, std::string_view rawPath) const;

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool parameter = false;
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };

  // Matches the decoded segments against a route; fills params when given.
  static bool fits(const Route& route, const std::vector<std::string>& segments, PathParams* params);
  // True when a is more literal than b at the first segment where they differ.
  static bool moreLiteral(const Route& a, const Route& b);
  RouteMatch matchSegments(std::optional<Method> method, const std::vector<std::string>& segments) const;

  std::vector<Route> routes_;
};

}  // namespace postern::web
