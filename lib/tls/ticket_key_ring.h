// tls::TicketKeyRing — the keys that seal TLS session tickets (TLS 1.2 RFC 5077 tickets and TLS 1.3
// stateless PSK tickets, RFC 8446 §4.6.1), rotated on a schedule so that a stolen key exposes at most two
// rotation periods of resumed sessions (forward secrecy over long uptimes).
//
// Rules: a key seals new tickets for one period (tls.ticket_key_rotation); then a new key takes over and
// the old one still opens tickets for one more period (such a ticket is renewed: the client gets a new one
// sealed with the current key); after that it is erased (OPENSSL_cleanse) and its tickets no longer resume
// (a full handshake follows). Keys come from RAND_bytes and never leave the process or reach a log.
// Ticket layout (RFC 5077 §4, as OpenSSL frames it): 16-byte key name, IV, AES-256-CBC, HMAC-SHA256.
//
// Owns: the keys and the rotation schedule; the OpenSSL ticket callback (installTicketKeys). The ring is
// shared by every server context it is installed on, so a certificate reload keeps clients' tickets valid.
// Must not know: SMTP, HTTP, certificates. Thread-safety: all members are safe from any thread (one mutex;
// the handshakes of every connection call in).
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "core/clock.h"

namespace postern::tls {

class TicketKeyRing {
 public:
  using KeyName = std::array<unsigned char, 16>;
  enum class Standing { Unknown, Current, Previous };

  // rotation > 0; the clock decides when keys rotate (a fake one in tests).
  TicketKeyRing(const core::Clock& clock, std::chrono::seconds rotation);
  ~TicketKeyRing();
  TicketKeyRing(const TicketKeyRing&) = delete;
  TicketKeyRing& operator=(const TicketKeyRing&) = delete;

  std::chrono::seconds rotation() const { return rotation_; }

  // The name of the key that seals new tickets now (rotating first when a period has passed).
  KeyName currentName();
  // Whether a ticket sealed under `name` opens now: with the current key, with the previous one (to be
  // renewed), or not at all.
  Standing standing(const KeyName& name);
  // Keys held now (after dropping expired ones): 1 or 2 while in use, 0 before the first ticket.
  std::size_t size();

  // For the OpenSSL callback (SSL_CTX_set_tlsext_ticket_key_evp_cb): seal with the current key, or open
  // with the key named. Return OpenSSL's codes: 1 ok, 2 ok and renew the ticket, 0 unknown key (open) or
  // no ticket this time (seal: the handshake goes on without one), -1 error (fails the handshake).
  int seal(unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac);
  int open(const unsigned char name[16], const unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac);

 private:
  struct Key;
  Key& currentLocked(core::Clock::TimePoint now);
  void dropExpiredLocked(core::Clock::TimePoint now);

  const core::Clock& clock_;
  const std::chrono::seconds rotation_;
  std::mutex mutex_;
  std::deque<Key> keys_;  // newest first
};

// Makes the context seal and open session tickets with the ring (which it keeps alive), and bounds a
// session's lifetime to two rotation periods (at most a week, RFC 8446 §4.6.1).
void installTicketKeys(SSL_CTX* context, std::shared_ptr<TicketKeyRing> ring);

}  // namespace postern::tls
