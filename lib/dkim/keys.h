// dkim keys: generation (rsa 2048/3072/4096, Ed25519), PKCS#8 PEM export and import, and the public key
// as published in DNS: the p= value (RFC 6376 §3.6.1; Ed25519 per RFC 8463 §4) and the TXT record split
// into strings of at most 255 octets (RFC 1035 §3.3.14, RFC 6376 §3.6.2.2).
//
// Owns: every EVP_PKEY a signature is made with. Must not know: where keys are stored (the store module
// encrypts them at rest), the queue, the network, configuration files.
// Thread-safety: pure functions; an EVP_PKEY may be shared by threads for signing once loaded.
#pragma once

#include <openssl/evp.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/c_handle.h"

namespace postern::dkim {

using PrivateKey = core::CHandle<EVP_PKEY, EVP_PKEY_free>;

enum class KeyAlgorithm { Rsa, Ed25519 };

// "rsa" / "ed25519": the k= tag of the key record.
std::string_view keyTypeName(KeyAlgorithm a);
// "rsa-sha256" / "ed25519-sha256": the a= tag of the signature.
std::string_view signatureAlgorithmName(KeyAlgorithm a);

// Throws core::Error (permanent) for any key that is neither RSA nor Ed25519.
KeyAlgorithm algorithmOf(const EVP_PKEY* key);

// RFC 8301 §3.2 sets 1024 as the floor for verifiers; Postern refuses anything under 2048 for a key it
// makes or accepts for signing (issue 4). Allowed sizes: 2048, 3072, 4096.
PrivateKey generateRsaKey(int bits = 2048);
PrivateKey generateEd25519Key();
// The checks a key must pass before it is stored for signing: RSA >= 2048 bits, or Ed25519.
void requireAcceptableNewKey(const EVP_PKEY* key);

// PKCS#8 "BEGIN PRIVATE KEY". The string is secret: never log it.
std::string privateKeyToPem(const EVP_PKEY* key);
// Reads PKCS#8 or the traditional "BEGIN RSA PRIVATE KEY" form; throws core::Error (permanent) when the
// text holds no usable RSA or Ed25519 key. Does not apply the size policy (see requireAcceptableNewKey).
PrivateKey privateKeyFromPem(std::string_view pem);
// An Ed25519 key from its 32-byte seed (RFC 8032 §5.1.5), the form RFC 8463 Appendix A publishes.
PrivateKey ed25519FromSeed(std::string_view seed);

// The p= value: RSA: base64 of the SubjectPublicKeyInfo DER; Ed25519: base64 of the raw 32-byte key.
std::string dnsPublicKey(const EVP_PKEY* key);
// "v=DKIM1; k=rsa; p=..." as one string: what a verifier reads after joining the TXT strings.
std::string dnsRecordValue(const EVP_PKEY* key);
// The value cut into character-strings of at most 255 octets, in order.
std::vector<std::string> splitTxtStrings(std::string_view value);
// The same from a stored p= value, for listing and publishing keys without decrypting them.
std::string dnsRecordValue(KeyAlgorithm algorithm, std::string_view publicKey);
// "rsa" / "ed25519" back to the algorithm; nullopt for anything else.
std::optional<KeyAlgorithm> keyAlgorithmFromName(std::string_view name);
// Key size in bits (2048, 3072, 4096 for RSA; 256 for Ed25519).
int keyBits(const EVP_PKEY* key);
// "SELECTOR._domainkey.DOMAIN."
std::string dnsRecordName(std::string_view selector, std::string_view domain);
// A zone-file line: `sel._domainkey.example.org. IN TXT "v=DKIM1; k=rsa; p=MIIB..." "...rest"`.
std::string zoneFileRecord(std::string_view selector, std::string_view domain, const EVP_PKEY* key);
std::string zoneFileRecord(std::string_view selector, std::string_view domain, KeyAlgorithm algorithm,
                           std::string_view publicKey);

}  // namespace postern::dkim
