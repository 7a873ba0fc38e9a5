#include "mail/address.h"

#include <cstdint>

#include "core/text.h"
#include "mail/address_grammar.h"

namespace postern::mail {

namespace {

using namespace grammar;

// ---- RFC 5322 §3.4 header address lists ---------------------------------------------------------------

struct Token {
  enum class Kind { Atom, Quoted, DomainLiteral, Special, End };
  Kind kind = Kind::End;
  std::string
      text;  // Atom: the atom; Quoted: the unescaped content; DomainLiteral: "[...]"; Special: one char
  bool spaceBefore = false;  // CFWS separated it from the token before (how a display name is shown)
  bool is(char c) const { return kind == Kind::Special && text.size() == 1 && text[0] == c; }
  bool word() const { return kind == Kind::Atom || kind == Kind::Quoted; }
};

// Splits a header field body into tokens, dropping CFWS (RFC 5322 §3.2.2), nested comments included.
// Non-ASCII bytes are atext or qtext when they form valid UTF-8 (RFC 6532 §3.2).
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // nullopt on a lexical error (unterminated quote, comment or literal; control characters).
  std::optional<std::vector<Token>> tokens() {
    std::vector<Token> out;
    while (true) {
      const std::size_t before = pos_;
      if (!skipCfws()) return std::nullopt;
      if (pos_ == s_.size()) break;
      const char c = s_[pos_];
      Token t;
      t.spaceBefore = pos_ != before;
      if (c == '"') {
        t.kind = Token::Kind::Quoted;
        if (!quoted(t.text)) return std::nullopt;
      } else if (c == '[') {
        t.kind = Token::Kind::DomainLiteral;
        if (!literal(t.text)) return std::nullopt;
      } else if (isAtextAscii(c) || isNonAscii(c)) {
        t.kind = Token::Kind::Atom;
        if (!atom(t.text)) return std::nullopt;
      } else if (c == '<' || c == '>' || c == ':' || c == ';' || c == '@' || c == ',' || c == '.') {
        t.kind = Token::Kind::Special;
        t.text = std::string(1, c);
        ++pos_;
      } else {
        return std::nullopt;  // ')' ']' '\' or a control character outside any construct
      }
      out.push_back(std::move(t));
    }
    out.push_back(Token{});
    return out;
  }

 private:
  static bool isWsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  // C0 controls but HTAB (NUL included), which a quoted string may hold neither as qtext nor escaped.
  static bool isControl(char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; }

  bool skipCfws() {
    while (pos_ < s_.size()) {
      if (isWsp(s_[pos_])) {
        ++pos_;
      } else if (s_[pos_] == '(') {
        if (!comment()) return false;
      } else {
        break;
      }
    }
    return true;
  }

  // RFC 5322 §3.2.2: comments nest and may hold quoted-pairs.
  bool comment() {
    int depth = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ == s_.size()) return false;
        ++pos_;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) return true;
      } else if (c == '\0') {
        return false;
      }
    }
    return false;
  }

  bool nonAscii(std::string& out) {
    const std::size_t n = utf8SequenceLength(s_, pos_);
    if (n == 0) return false;
    out.append(s_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  bool atom(std::string& out) {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (isAtextAscii(c)) {
        out += c;
        ++pos_;
      } else if (isNonAscii(c)) {
        if (!nonAscii(out)) return false;
      } else {
        break;
      }
    }
    return true;
  }

  // RFC 5322 §3.2.4 quoted-string; folding inside is unfolded (CR and LF dropped).
  bool quoted(std::string& out) {
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        // RFC 5322 §4.1 obs-qp may escape a control character; it is refused like an unescaped one, or the
        // stored local part would hold a control that no parser reads back (nor should show).
        if (pos_ + 1 == s_.size() || isNonAscii(s_[pos_ + 1]) || isControl(s_[pos_ + 1])) return false;
        out += s_[pos_ + 1];
        pos_ += 2;
      } else if (c == '\r' || c == '\n') {
        ++pos_;
      } else if (isNonAscii(c)) {
        if (!nonAscii(out)) return false;
      } else if (isControl(c)) {
        return false;
      } else {
        out += c;
        ++pos_;
      }
    }
    return false;
  }

  // RFC 5322 §3.4.1 domain-literal = "[" *dtext "]" (FWS dropped).
  bool literal(std::string& out) {
    out += '[';
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == ']') {
        out += ']';
        return true;
      }
      if (isWsp(c)) continue;
      if (c == '[' || c == '\\' || static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return false;
      out += c;
    }
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

class ListParser {
 public:
  // names, when given, receives each mailbox's display name and each group's name as they are parsed.
  explicit ListParser(std::vector<Token> tokens, NamedAddressList* names = nullptr)
      : t_(std::move(tokens)), names_(names) {}

  // address-list, with obs-addr-list's empty elements (",,") tolerated (RFC 5322 §4.4).
  std::optional<std::vector<Address>> parse() {
    std::vector<Address> out;
    bool any = false;
    while (!atEnd()) {
      if (cur().is(',')) {
        ++i_;
        continue;
      }
      if (!address(out, true)) return std::nullopt;
      any = true;
      if (!atEnd() && !cur().is(',')) return std::nullopt;
    }
    if (!any) return std::nullopt;
    return out;
  }

 private:
  const Token& cur() const { return t_[i_]; }
  bool atEnd() const { return cur().kind == Token::Kind::End; }

  // address = mailbox / group; a mailbox is name-addr or addr-spec. Groups do not nest (§3.4).
  bool address(std::vector<Address>& out, bool groupAllowed) {
    // display-name = phrase; obs-phrase also allows "." after the first word (RFC 5322 §4.1), which
    // is common in "John Q. Public <jqp@example.org>".
    const std::size_t start = i_;
    std::size_t words = 0;
    while (cur().word() || (words > 0 && cur().is('.'))) {
      if (cur().word()) ++words;
      ++i_;
    }
    const std::size_t nameEnd = i_;
    if (cur().is('<')) {
      auto a = angleAddr();
      if (!a) return false;
      if (names_) names_->mailboxes.push_back({*a, phrase(start, nameEnd)});
      out.push_back(std::move(*a));
      return true;
    }
    if (cur().is(':') && words > 0 && groupAllowed) {
      if (names_) names_->groupNames.push_back(phrase(start, nameEnd));
      return group(out);
    }
    // Not a name-addr or group: re-read the same tokens as an addr-spec.
    i_ = start;
    auto a = addrSpec();
    if (!a) return false;
    if (names_) names_->mailboxes.push_back({*a, std::string()});
    out.push_back(std::move(*a));
    return true;
  }

  // The display name as a reader shows it: its tokens with one space where CFWS separated them
  // (quoted strings unescaped, comments dropped, obs-phrase dots kept).
  std::string phrase(std::size_t from, std::size_t to) const {
    std::string out;
    for (std::size_t k = from; k < to && k < t_.size(); ++k) {
      if (k > from && t_[k].spaceBefore) out += ' ';
      out += t_[k].text;
    }
    return out;
  }

  // group = display-name ":" [group-list] ";" — the members are mailboxes, never nested groups.
  bool group(std::vector<Address>& out) {
    ++i_;  // ':'
    while (!cur().is(';')) {
      if (atEnd()) return false;
      if (cur().is(',')) {
        ++i_;
        continue;
      }
      if (!address(out, false)) return false;
      if (!cur().is(',') && !cur().is(';')) return false;
    }
    ++i_;  // ';'
    return true;
  }

  // angle-addr = "<" addr-spec ">"; obs-angle-addr's source route ("<@a,@b:user@c>") is skipped.
  std::optional<Address> angleAddr() {
    ++i_;  // '<'
    if (cur().is('@')) {
      while (!cur().is(':')) {
        if (atEnd() || cur().is('>')) return std::nullopt;
        ++i_;
      }
      ++i_;
    }
    auto a = addrSpec();
    if (!a || !cur().is('>')) return std::nullopt;
    ++i_;
    return a;
  }

  // addr-spec = local-part "@" domain. obs-local-part (word *("." word)) is accepted; the joined result
  // becomes the local part.
  std::optional<Address> addrSpec() {
    std::string local;
    while (true) {
      if (!cur().word()) return std::nullopt;
      local += cur().text;
      ++i_;
      if (!cur().is('.')) break;
      local += '.';
      ++i_;
    }
    if (!cur().is('@')) return std::nullopt;
    ++i_;
    std::string domain;
    if (cur().kind == Token::Kind::DomainLiteral) {
      domain = cur().text;
      ++i_;
    } else {
      while (true) {
        if (cur().kind != Token::Kind::Atom) return std::nullopt;
        domain += cur().text;
        ++i_;
        if (!cur().is('.')) break;
        domain += '.';
        ++i_;
      }
    }
    return Address{canonicalLocal(local), std::move(domain)};
  }

  std::vector<Token> t_;
  NamedAddressList* names_ = nullptr;
  std::size_t i_ = 0;
};

}  // namespace

std::string Address::key() const { return core::toLowerAscii(str()); }

std::optional<Address> parseMailbox(std::string_view text, bool smtputf8) {
  if (text.size() > kMaxMailbox) return std::nullopt;
  // RFC 6531 §3.3: UTF-8 only with SMTPUTF8, and then only well-formed UTF-8.
  for (const char c : text) {
    if (isNonAscii(c) && !smtputf8) return std::nullopt;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  if (!validUtf8(text)) return std::nullopt;

  std::string local;
  std::size_t at = 0;
  if (!text.empty() && text.front() == '"') {
    // RFC 5321 Quoted-string = DQUOTE *QcontentSMTP DQUOTE; quoted-pairSMTP = "\" %d32-126.
    std::size_t i = 1;
    bool closed = false;
    while (i < text.size()) {
      const char c = text[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c == '\\') {
        if (i + 1 == text.size() || isNonAscii(text[i + 1])) return std::nullopt;
        local += text[i + 1];
        i += 2;
        continue;
      }
      local += c;
      ++i;
    }
    if (!closed || i >= text.size() || text[i] != '@') return std::nullopt;
    at = i;
    if (at > kMaxLocal) return std::nullopt;
    local = canonicalLocal(local);
  } else {
    at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > kMaxLocal) return std::nullopt;
    local = std::string(text.substr(0, at));
    if (!isDotString(local)) return std::nullopt;
  }

  const std::string_view domain = text.substr(at + 1);
  if (domain.empty()) return std::nullopt;
  if (domain.front() == '[') {
    if (!isAddressLiteral(domain)) return std::nullopt;
  } else if (!isDomain(domain)) {
    return std::nullopt;
  }
  return Address{std::move(local), std::string(domain)};
}

std::optional<std::vector<Address>> parseAddressList(std::string_view headerValue) {
  auto tokens = Lexer(headerValue).tokens();
  if (!tokens) return std::nullopt;
  return ListParser(std::move(*tokens)).parse();
}

std::optional<NamedAddressList> parseNamedAddressList(std::string_view headerValue) {
  auto tokens = Lexer(headerValue).tokens();
  if (!tokens) return std::nullopt;
  NamedAddressList names;
  if (!ListParser(std::move(*tokens), &names).parse()) return std::nullopt;
  return names;
}

bool isPlainAddress(const Address& address) {
  // isDomain() refuses an address literal ('[' is no letter); isDotString() a quoted local part.
  if (!isDotString(address.local) || !isDomain(address.domain)) return false;
  const std::string text = address.str();
  return validUtf8(text) && core::printable(text) == text;
}

bool isHeloName(std::string_view name) {
  if (isAddressLiteral(name)) return true;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // one trailing dot: a rooted name
  if (name.empty() || name.size() > kMaxDomain) return false;
  // RFC 6531 §3.7.1 allows U-labels; malformed UTF-8 and invisible code points are no part of any.
  if (!validUtf8(name) || core::printable(name) != name) return false;
  bool numeric = true;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!isHeloLabel(label)) return false;
    for (const char c : label)
      if (!isDigit(c)) numeric = false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // Postfix's valid_hostname: a name of digits and dots is an IPv4 address or nothing ("1.2.3", "999.1.1.1").
  return !numeric || isIpv4(name);
}

}  // namespace postern::mail
