// dkim canonicalization (RFC 6376 §3.4): header fields "simple" (§3.4.1) and "relaxed" (§3.4.2), and a
// streaming body canonicalizer for "simple" (§3.4.3) and "relaxed" (§3.4.4) with the SHA-256 body hash
// (§3.7) computed as the bytes arrive.
//
// Owns: the byte-exact canonical forms every signature in Postern is computed over.
// Must not know: the queue, the network, configuration files, where the bytes come from.
// Thread-safety: the free functions are pure; one BodyCanonicalizer / BodyHasher per message and thread.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/c_handle.h"

namespace postern::dkim {

enum class Canonicalization { Simple, Relaxed };

// "simple" or "relaxed", as written in the c= tag.
std::string_view canonicalizationName(Canonicalization c);

// One header field as it appears in the message: "Name: value\r\n" including any folded continuation
// lines and the final CRLF. Returns the canonical form including its final CRLF.
std::string canonicalizeHeaderField(Canonicalization c, std::string_view rawField);

// Feeds message body bytes (CRLF line ends; split anywhere, a CRLF split across two calls included) and
// hands canonical bytes to `sink`. Only a run of empty lines is held back (they count only if content
// follows, §3.4.3/§3.4.4), so memory stays bounded by the sink's buffer, never by the body.
class BodyCanonicalizer {
 public:
  using Sink = std::function<void(std::string_view)>;
  BodyCanonicalizer(Canonicalization c, Sink sink);

  void update(std::string_view bytes);
  // Ends the body: a last line without CRLF gets one; simple turns an empty body into a single CRLF
  // (§3.4.3), relaxed leaves it empty (§3.4.4). Call once.
  void finish();

 private:
  void contentByte(char c);
  void endOfLine();
  void emit(std::string_view s);
  void flush();

  Canonicalization canon_;
  Sink sink_;
  std::string out_;  // canonical bytes not yet handed to the sink
  std::size_t pendingEmptyLines_ = 0;
  bool lineHasContent_ = false;  // the current line has emitted at least one byte
  bool pendingWsp_ = false;      // relaxed: a run of WSP waiting for the next non-WSP byte
  bool pendingCr_ = false;       // a CR whose meaning depends on the next byte
  bool emittedAnything_ = false;
  bool finished_ = false;
};

// The bh= value (§3.7): SHA-256 over the canonical body, computed incrementally with EVP_MD_CTX.
class BodyHasher {
 public:
  explicit BodyHasher(Canonicalization c);
  // The canonicalizer's sink points at this object: it stays where it was made.
  BodyHasher(const BodyHasher&) = delete;
  BodyHasher& operator=(const BodyHasher&) = delete;
  void update(std::string_view bytes) { canon_.update(bytes); }
  // The raw 32-byte digest. Call once.
  std::string finish();

 private:
  core::CHandle<EVP_MD_CTX, EVP_MD_CTX_free> ctx_;
  BodyCanonicalizer canon_;
};

}  // namespace postern::dkim
