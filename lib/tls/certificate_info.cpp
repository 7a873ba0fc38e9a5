#include "tls/certificate_info.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace postern::tls {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::string subjectOf(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index >= 0) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length >= 0) {
      std::string cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
      OPENSSL_free(utf8);
      return cn;
    }
  }
  char buffer[512];
  X509_NAME_oneline(name, buffer, sizeof buffer);
  return buffer;
}

}  // namespace

std::optional<CertificateInfo> readCertificateInfo(const std::string& pemFile) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(pemFile.c_str(), "r"));
  if (!file) return std::nullopt;
  std::unique_ptr<X509, X509Free> cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  if (!cert) return std::nullopt;
  CertificateInfo info;
  info.subject = subjectOf(cert.get());
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return std::nullopt;
  info.notAfter = std::chrono::system_clock::from_time_t(timegm(&tm));
  // Not X509_check_issued(): it also demands keyCertSign, which a self-signed server certificate (ours)
  // does not carry.
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  info.selfSigned = X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(cert.get())) == 0 &&
                    key && X509_verify(cert.get(), key) == 1;
  return info;
}

}  // namespace postern::tls
