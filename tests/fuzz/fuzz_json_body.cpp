// The admin API's JSON input (web::JsonBody): the input's first line names one extra field, the rest is the
// request body.
// Properties: parse() either returns an object or throws HttpError 400 bad_request (never a Poco exception
// or anything else); every typed getter on every field either returns or throws HttpError 400 naming that
// field (wrong type) or core::InvalidValue naming it (required and missing); an absent field reads as
// nullopt from every optional getter and as missing from every required one; required and optional getters
// agree; no string returned holds NUL; nested objects obey the same rules.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/error.h"
#include "fuzz_check.h"
#include "web/http_error.h"
#include "web/json_body.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

// Runs a getter and classifies how it ended: "ok", "wrong type" or "missing"; any other ending is a bug.
std::string outcome(const std::function<void()>& getter, const std::string& field) {
  try {
    getter();
    return "ok";
  } catch (const web::HttpError& e) {
    FUZZ_CHECK(e.status() == 400 && e.code() == "bad_request" && e.field() == field, field + ": " + e.what());
    return "wrong type";
  } catch (const core::InvalidValue& e) {
    FUZZ_CHECK(e.field() == field, field + ": " + e.what());
    return "missing";
  }
}

void checkField(const web::JsonBody& body, const std::string& field, int depth) {
  const bool present = body.has(field);
  const auto noNul = [&](const std::string& s) { FUZZ_CHECK(s.find('\0') == std::string::npos, escaped(s)); };

  std::optional<std::string> s;
  const auto os = outcome([&] { s = body.optionalString(field); }, field);
  const auto rs = outcome([&] { noNul(body.requiredString(field)); }, field);
  std::optional<bool> b;
  const auto ob = outcome([&] { b = body.optionalBool(field); }, field);
  const auto rb = outcome([&] { (void)body.requiredBool(field); }, field);
  std::optional<std::int64_t> n;
  const auto on = outcome([&] { n = body.optionalInteger(field); }, field);
  const auto rn = outcome([&] { (void)body.requiredInteger(field); }, field);
  std::optional<std::vector<std::string>> l;
  const auto ol = outcome([&] { l = body.optionalStringList(field); }, field);
  const auto rl = outcome([&] { (void)body.requiredStringList(field); }, field);
  std::optional<web::JsonBody> o;
  const auto oo = outcome([&] { o = body.optionalObject(field); }, field);

  for (const auto& optional : {os, ob, on, ol, oo}) FUZZ_CHECK(optional != "missing", field);
  if (!present) {
    FUZZ_CHECK(!s && !b && !n && !l && !o, field);
    for (const auto& required : {rs, rb, rn, rl}) FUZZ_CHECK(required == "missing", field);
    return;
  }
  FUZZ_CHECK(os == rs && ob == rb && on == rn && ol == rl, field);
  // A present value has exactly one JSON type, so at most one getter accepts it.
  const int accepted = (os == "ok") + (ob == "ok") + (on == "ok") + (ol == "ok") + (oo == "ok");
  FUZZ_CHECK(accepted <= 1, field);
  if (s) noNul(*s);
  if (l)
    for (const auto& item : *l) noNul(item);
  if (o && depth < 3)
    for (const char* inner : {"name", "enabled", "count", "list", "obj"}) checkField(*o, inner, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::string extra(in.until('\n'));
  const std::string_view text = in.rest();
  std::optional<web::JsonBody> body;
  try {
    body = web::JsonBody::parse(text);
  } catch (const web::HttpError& e) {
    FUZZ_CHECK(e.status() == 400 && e.code() == "bad_request", e.what());
    return 0;
  }
  for (const char* field : {"name", "enabled", "count", "list", "obj", "", "__proto__"})
    checkField(*body, field, 0);
  checkField(*body, extra, 0);
  try {
    body->allowOnly({"name", "enabled", "count", "list", "obj"});
  } catch (const web::HttpError& e) {
    FUZZ_CHECK(e.status() == 400 && e.code() == "bad_request", e.what());
  }
  return 0;
}
