// web::JsonBody — a request body parsed as one JSON object (RFC 8259), with typed getters that name the
// field at fault, so every endpoint reports bad input the same way:
//   - the body is not JSON, not an object, nested too deeply or not UTF-8 → 400 bad_request;
//   - a field has the wrong type (a number where a string belongs) → 400 bad_request with "field";
//   - a required field is missing (or null) → 422 invalid_value with "field" (core::InvalidValue), the
//     same answer an admin service gives for a value it refuses.
// A null field counts as absent. Getters copy values out; nothing of Poco's Var escapes.
// Must not know: HTTP framing, admin. Thread-safety: a value; const getters may be called from any thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::web {

class JsonBody {
 public:
  // Nesting deeper than this is refused before Poco's recursive parser could exhaust a thread's stack.
  static constexpr std::size_t kMaxDepth = 32;

  // Throws HttpError 400 bad_request when text is not one JSON object.
  static JsonBody parse(std::string_view text);

  bool has(std::string_view field) const;  // present and not null

  std::string requiredString(std::string_view field) const;
  std::optional<std::string> optionalString(std::string_view field) const;
  bool requiredBool(std::string_view field) const;
  std::optional<bool> optionalBool(std::string_view field) const;
  // Whole numbers only (2048, not 2048.5 or "2048").
  std::int64_t requiredInteger(std::string_view field) const;
  std::optional<std::int64_t> optionalInteger(std::string_view field) const;
  std::vector<std::string> requiredStringList(std::string_view field) const;
  std::optional<std::vector<std::string>> optionalStringList(std::string_view field) const;

  // A nested object (field errors inside it name only the inner field); nullopt when absent or null.
  std::optional<JsonBody> optionalObject(std::string_view field) const;

  // Refuses (400 bad_request naming it) the first field not in the list: a misspelt optional field must not
  // be ignored silently.
  void allowOnly(std::initializer_list<std::string_view> fields) const;

 private:
  explicit JsonBody(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

  Poco::JSON::Object::Ptr object_;
};

}  // namespace postern::web
