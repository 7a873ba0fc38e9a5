#include "smtp/command_parser.h"

#include <limits>
#include <vector>

#include "core/text.h"

namespace postern::smtp {

namespace {

using core::Reply;

bool isAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

struct Param {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

struct PathAndParams {
  std::string_view path;    // between the angle brackets
  std::string_view params;  // after the closing bracket
};

// Splits "<path> params" after the "FROM:"/"TO:" prefix. RFC 5321 allows no space after the colon;
// "MAIL FROM: <a@b>" is tolerated because widely deployed clients send it.
std::optional<PathAndParams> splitPath(std::string_view rest) {
  rest = core::trim(rest);
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  // The closing '>' is the first one outside a quoted local part.
  bool quoted = false;
  std::size_t close = std::string_view::npos;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    const char c = rest[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == '>' && !quoted) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view params = rest.substr(close + 1);
  if (!params.empty() && params.front() != ' ') return std::nullopt;
  return PathAndParams{rest.substr(1, close - 1), params};
}

// RFC 5321 §4.1.2: esmtp-param = esmtp-keyword ["=" esmtp-value], separated by SP;
// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); esmtp-value = 1*(%d33-60 / %d62-126), plus
// UTF-8 under SMTPUTF8 (RFC 6531 §3.3).
std::optional<std::vector<Param>> parseParams(std::string_view text) {
  std::vector<Param> out;
  while (true) {
    text = core::trim(text);
    if (text.empty()) return out;
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view token = text.substr(0, end);
    text.remove_prefix(end);
    Param p;
    const std::size_t eq = token.find('=');
    p.keyword = token.substr(0, eq);
    if (eq != std::string_view::npos) p.value = token.substr(eq + 1);
    if (p.keyword.empty() || !isAlnum(p.keyword.front())) return std::nullopt;
    for (const char c : p.keyword)
      if (!isAlnum(c) && c != '-') return std::nullopt;
    if (p.value) {
      if (p.value->empty()) return std::nullopt;
      for (const char c : *p.value)
        if (c == '=' || (static_cast<unsigned char>(c) < 33 && !isNonAscii(c)) || c == 127)
          return std::nullopt;
    }
    out.push_back(p);
  }
}

// RFC 5321 §4.1.2 / appendix C: a source route "@a,@b:" before the mailbox is accepted and ignored.
std::string_view stripSourceRoute(std::string_view path) {
  if (path.empty() || path.front() != '@') return path;
  const std::size_t colon = path.find(':');
  return colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
}

bool hasNonAscii(std::string_view s) {
  for (const char c : s)
    if (isNonAscii(c)) return true;
  return false;
}

std::optional<std::uint64_t> parseSize(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    // A number too large for 64 bits is certainly over any limit: saturate instead of refusing syntax.
    n = n > (std::numeric_limits<std::uint64_t>::max() - d) / 10 ? std::numeric_limits<std::uint64_t>::max()
                                                                 : n * 10 + d;
  }
  return n;
}

Reply badParameter() { return Reply(501, "5.5.4", "Bad parameter syntax"); }
// RFC 3461 parameters: the reply names the one refused, as Postfix's does.
Reply badParameter(std::string_view name) {
  return Reply(501, "5.5.4", "Bad " + std::string(name) + " parameter syntax");
}
Reply repeatedParameter(std::string_view name) {
  return Reply(501, "5.5.4", "Duplicate " + std::string(name) + " parameter");
}
Reply unsupportedParameter() { return Reply(555, "5.5.4", "Unsupported parameter"); }  // RFC 5321 §4.2.3
Reply nonAsciiAddress() {
  return Reply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
}  // RFC 6531 §3.6

}  // namespace

CommandText splitCommand(std::string_view line) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), core::trim(line.substr(space + 1))};
}

Parsed<MailFrom> parseMailFrom(std::string_view argument) {
  const Reply syntax(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  if (!core::istartsWithAscii(argument, "FROM:")) return syntax;
  const auto split = splitPath(argument.substr(5));
  if (!split) return syntax;
  const auto params = parseParams(split->params);
  if (!params) return badParameter();

  MailFrom out;
  bool seenSize = false, seenBody = false, seenAuth = false, seenRet = false;
  for (const auto& p : *params) {
    if (core::iequalsAscii(p.keyword, "SIZE")) {  // RFC 1870 §6
      const auto n = p.value ? parseSize(*p.value) : std::nullopt;
      if (!n || seenSize) return badParameter();
      out.size = n;
      seenSize = true;
    } else if (core::iequalsAscii(p.keyword, "BODY")) {  // RFC 6152 §2
      if (!p.value || seenBody) return badParameter();
      if (core::iequalsAscii(*p.value, "7BIT"))
        out.body = BodyType::SevenBit;
      else if (core::iequalsAscii(*p.value, "8BITMIME"))
        out.body = BodyType::EightBitMime;
      else
        return badParameter();
      seenBody = true;
    } else if (core::iequalsAscii(p.keyword, "SMTPUTF8")) {  // RFC 6531 §3.4: no value
      if (p.value || out.smtputf8) return badParameter();
      out.smtputf8 = true;
    } else if (core::iequalsAscii(p.keyword, "AUTH")) {
      // RFC 4954 §5: the submitter's claimed identity; the login decides what we trust, so it is ignored.
      if (!p.value || seenAuth) return badParameter();
      seenAuth = true;
    } else if (core::iequalsAscii(p.keyword, "RET")) {  // RFC 3461 §4.3
      if (seenRet) return repeatedParameter("RET");
      const auto ret = p.value ? parseDsnReturn(*p.value) : std::nullopt;
      if (!ret) return badParameter("RET");
      out.ret = *ret;
      seenRet = true;
    } else if (core::iequalsAscii(p.keyword, "ENVID")) {  // RFC 3461 §4.4
      if (out.envid) return repeatedParameter("ENVID");
      out.envid = p.value ? parseEnvelopeId(*p.value) : std::nullopt;
      if (!out.envid) return badParameter("ENVID");
    } else {
      return unsupportedParameter();
    }
  }
  if (!out.smtputf8)
    for (const auto& p : *params)
      if (p.value && hasNonAscii(*p.value)) return badParameter();

  const std::string_view path = stripSourceRoute(split->path);
  if (split->path.empty()) return out;  // RFC 5321 §4.5.5 null reverse-path
  if (hasNonAscii(path) && !out.smtputf8) return nonAsciiAddress();
  auto sender = mail::parseMailbox(path, out.smtputf8);
  if (!sender) return Reply(501, "5.1.7", "Bad sender address syntax");
  out.sender = std::move(*sender);
  return out;
}

Parsed<RcptTo> parseRcptTo(std::string_view argument, bool smtputf8) {
  const Reply syntax(501, "5.1.3", "Bad recipient address syntax");
  if (!core::istartsWithAscii(argument, "TO:")) return syntax;
  const auto split = splitPath(argument.substr(3));
  if (!split) return syntax;
  const auto params = parseParams(split->params);
  if (!params) return badParameter();
  RecipientDsn dsn;
  bool seenNotify = false;
  for (const auto& p : *params) {
    if (core::iequalsAscii(p.keyword, "NOTIFY")) {  // RFC 3461 §4.1
      if (seenNotify) return repeatedParameter("NOTIFY");
      const auto bits = p.value ? parseNotify(*p.value) : std::nullopt;
      if (!bits) return badParameter("NOTIFY");
      dsn.notify = *bits;
      seenNotify = true;
    } else if (core::iequalsAscii(p.keyword, "ORCPT")) {  // RFC 3461 §4.2
      if (dsn.orcpt) return repeatedParameter("ORCPT");
      dsn.orcpt = p.value ? parseOriginalRecipient(*p.value, smtputf8) : std::nullopt;
      if (!dsn.orcpt) return badParameter("ORCPT");
    } else {
      return unsupportedParameter();
    }
  }
  const std::string_view path = stripSourceRoute(split->path);
  if (hasNonAscii(path) && !smtputf8) return nonAsciiAddress();
  auto recipient = mail::parseMailbox(path, smtputf8);
  if (!recipient) return syntax;
  return RcptTo{std::move(*recipient), std::move(dsn)};
}

Parsed<AuthRequest> parseAuth(std::string_view argument) {
  const Reply syntax(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  const CommandText parts = splitCommand(argument);
  // RFC 4422 §3.1 sasl-mech: 1 to 20 of upper-case letters, digits, "-" and "_".
  if (parts.verb.empty() || parts.verb.size() > 20) return syntax;
  for (const char c : parts.verb)
    if (!isAlnum(c) && c != '-' && c != '_') return syntax;
  if (parts.argument.find(' ') != std::string_view::npos) return syntax;
  AuthRequest out;
  out.mechanism = parts.verb;
  for (auto& c : out.mechanism)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (!parts.argument.empty()) out.initialResponse = std::string(parts.argument);
  return out;
}

}  // namespace postern::smtp
