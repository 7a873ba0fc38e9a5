// tls::CertificateInfo — what an administrator needs to know about the certificate Postern presents: the
// name in it, when it expires, and whether it is self-signed (clients then warn, or refuse).
//
// Owns: reading the first certificate of a PEM file with OpenSSL. Must not know: where the file is
// configured, SMTP or HTTP. Thread-safety: a pure function.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace postern::tls {

struct CertificateInfo {
  std::string subject;  // the subject's common name, else the whole subject in OpenSSL's one-line form
  std::chrono::system_clock::time_point notAfter;
  bool selfSigned = false;  // issued by its own key (issuer = subject and the signature verifies)
};

// The first certificate in a PEM file; nullopt when the file cannot be read or holds none.
std::optional<CertificateInfo> readCertificateInfo(const std::string& pemFile);

}  // namespace postern::tls
