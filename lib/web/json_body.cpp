#include "web/json_body.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "core/error.h"
#include "core/text.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

// Deepest nesting of arrays and objects, strings skipped; stops counting once past the limit.
std::size_t nestingDepth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size() && deepest <= JsonBody::kMaxDepth; ++i) {
    const char ch = text[i];
    if (inString) {
      if (ch == '\\')
        ++i;
      else if (ch == '"')
        inString = false;
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool wellFormedUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t codePoint = 0;
    const std::size_t length = core::decodeUtf8(text, i, codePoint);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

HttpError wrongType(std::string_view field, const char* what) {
  return HttpError::badRequest(std::string(field) + " must be " + what, std::string(field));
}

core::InvalidValue missing(std::string_view field) {
  return core::InvalidValue(std::string(field), std::string(field) + " is required");
}

std::string stringOf(const Poco::Dynamic::Var& value, std::string_view field, const char* what) {
  if (!value.isString()) throw wrongType(field, what);
  std::string text = value.extract<std::string>();
  if (text.find('\0') != std::string::npos)
    throw HttpError::badRequest(std::string(field) + " must not contain NUL", std::string(field));
  return text;
}

}  // namespace

JsonBody JsonBody::parse(std::string_view text) {
  if (!wellFormedUtf8(text)) throw HttpError::badRequest("the request body is not UTF-8");
  if (nestingDepth(text) > kMaxDepth) throw HttpError::badRequest("the request body is nested too deeply");
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(kMaxDepth + 1);
    parsed = parser.parse(std::string(text));
  } catch (const Poco::Exception&) {
    throw HttpError::badRequest("the request body is not valid JSON");
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw HttpError::badRequest("the request body must be a JSON object");
  return JsonBody(parsed.extract<Poco::JSON::Object::Ptr>());
}

bool JsonBody::has(std::string_view field) const {
  const std::string key(field);
  return object_->has(key) && !object_->isNull(key);
}

std::optional<std::string> JsonBody::optionalString(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  return stringOf(object_->get(std::string(field)), field, "a string");
}

std::string JsonBody::requiredString(std::string_view field) const {
  if (auto value = optionalString(field)) return std::move(*value);
  throw missing(field);
}

std::optional<bool> JsonBody::optionalBool(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  const auto value = object_->get(std::string(field));
  if (!value.isBoolean()) throw wrongType(field, "true or false");
  return value.extract<bool>();
}

bool JsonBody::requiredBool(std::string_view field) const {
  if (const auto value = optionalBool(field)) return *value;
  throw missing(field);
}

std::optional<std::int64_t> JsonBody::optionalInteger(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  const auto value = object_->get(std::string(field));
  // Poco counts a bool as an integer type; JSON does not.
  if (!value.isInteger() || value.isBoolean()) throw wrongType(field, "a whole number");
  try {
    return value.convert<Poco::Int64>();
  } catch (const Poco::Exception&) {
    throw wrongType(field, "a whole number within range");
  }
}

std::int64_t JsonBody::requiredInteger(std::string_view field) const {
  if (const auto value = optionalInteger(field)) return *value;
  throw missing(field);
}

std::optional<std::vector<std::string>> JsonBody::optionalStringList(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  const auto value = object_->get(std::string(field));
  if (value.type() != typeid(Poco::JSON::Array::Ptr)) throw wrongType(field, "a list of strings");
  const auto array = value.extract<Poco::JSON::Array::Ptr>();
  std::vector<std::string> items;
  for (std::size_t i = 0; i < array->size(); ++i)
    items.push_back(stringOf(array->get(i), field, "a list of strings"));
  return items;
}

std::vector<std::string> JsonBody::requiredStringList(std::string_view field) const {
  if (auto value = optionalStringList(field)) return std::move(*value);
  throw missing(field);
}

std::optional<JsonBody> JsonBody::optionalObject(std::string_view field) const {
  if (!has(field)) return std::nullopt;
  const auto value = object_->get(std::string(field));
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw wrongType(field, "an object");
  return JsonBody(value.extract<Poco::JSON::Object::Ptr>());
}

void JsonBody::allowOnly(std::initializer_list<std::string_view> fields) const {
  std::vector<std::string> names;
  object_->getNames(names);
  for (const auto& name : names) {
    bool known = false;
    for (const auto field : fields) known = known || name == field;
    if (!known) throw HttpError::badRequest("unknown field " + name, name);
  }
}

}  // namespace postern::web
