#include "dkim/canonicalization.h"

#include "core/error.h"
#include "core/text.h"

namespace postern::dkim {

namespace {

constexpr std::size_t kFlushThreshold = 16 * 1024;

bool isWsp(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view canonicalizationName(Canonicalization c) {
  return c == Canonicalization::Simple ? "simple" : "relaxed";
}

std::string canonicalizeHeaderField(Canonicalization c, std::string_view rawField) {
  if (c == Canonicalization::Simple) return std::string(rawField);  // §3.4.1: no change at all

  // §3.4.2 relaxed: lower-case the name, unfold, collapse WSP runs to one SP, drop WSP at the end of the
  // value and around the colon.
  const auto colon = rawField.find(':');
  std::string_view name = rawField.substr(0, colon == std::string_view::npos ? rawField.size() : colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : rawField.substr(colon + 1);
  while (!name.empty() && isWsp(name.back())) name.remove_suffix(1);

  std::string out = core::toLowerAscii(name);
  out += ':';
  bool pendingSpace = false;
  bool started = false;
  for (char ch : value) {
    if (ch == '\r' || ch == '\n') continue;  // unfolding: the CRLF goes, the WSP after it stays (§3.4.2)
    if (isWsp(ch)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && started) out += ' ';
    pendingSpace = false;
    started = true;
    out += ch;
  }
  out += "\r\n";
  return out;
}

BodyCanonicalizer::BodyCanonicalizer(Canonicalization c, Sink sink) : canon_(c), sink_(std::move(sink)) {
  out_.reserve(kFlushThreshold + 1024);
}

void BodyCanonicalizer::update(std::string_view bytes) {
  const bool relaxed = canon_ == Canonicalization::Relaxed;
  for (char ch : bytes) {
    if (pendingCr_) {
      pendingCr_ = false;
      if (ch == '\n') {
        endOfLine();
        continue;
      }
      contentByte('\r');  // a bare CR is ordinary content
    }
    if (ch == '\r') {
      pendingCr_ = true;
    } else if (relaxed && isWsp(ch)) {
      pendingWsp_ = true;  // §3.4.4: a WSP run becomes one SP, and vanishes at the end of a line
    } else {
      contentByte(ch);
    }
  }
  if (out_.size() >= kFlushThreshold) flush();
}

void BodyCanonicalizer::contentByte(char c) {
  if (!lineHasContent_) {
    // Empty lines held back are not trailing after all: they are part of the body.
    while (pendingEmptyLines_ > 0) {
      emit("\r\n");
      --pendingEmptyLines_;
      if (out_.size() >= kFlushThreshold) flush();
    }
    lineHasContent_ = true;
  }
  if (pendingWsp_) {
    out_ += ' ';
    pendingWsp_ = false;
  }
  out_ += c;
  emittedAnything_ = true;
}

void BodyCanonicalizer::endOfLine() {
  pendingWsp_ = false;  // §3.4.4: WSP at the end of a line is ignored
  if (lineHasContent_) {
    emit("\r\n");
    lineHasContent_ = false;
  } else {
    ++pendingEmptyLines_;  // §3.4.3/§3.4.4: dropped if nothing but empty lines follows
  }
}

void BodyCanonicalizer::emit(std::string_view s) {
  out_ += s;
  emittedAnything_ = true;
}

void BodyCanonicalizer::flush() {
  if (out_.empty()) return;
  sink_(out_);
  out_.clear();
}

void BodyCanonicalizer::finish() {
  if (finished_) throw core::Error::permanent("dkim: body canonicalizer finished twice");
  finished_ = true;
  if (pendingCr_) {
    pendingCr_ = false;
    contentByte('\r');
  }
  pendingWsp_ = false;               // relaxed: WSP at the end of the last line is ignored too
  if (lineHasContent_) endOfLine();  // a last line without CRLF is completed
  // §3.4.3: "If there is no body or no trailing CRLF on the message body, a CRLF is added."
  if (canon_ == Canonicalization::Simple && !emittedAnything_) emit("\r\n");
  flush();
}

BodyHasher::BodyHasher(Canonicalization c)
    : ctx_(EVP_MD_CTX_new()), canon_(c, [this](std::string_view s) {
        if (EVP_DigestUpdate(ctx_.get(), s.data(), s.size()) != 1)
          throw core::Error::temporary("dkim: EVP_DigestUpdate failed");
      }) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
    throw core::Error::temporary("dkim: cannot start SHA-256");
}

std::string BodyHasher::finish() {
  canon_.finish();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1)
    throw core::Error::temporary("dkim: EVP_DigestFinal_ex failed");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace postern::dkim
