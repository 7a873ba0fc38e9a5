#include "support/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "core/c_handle.h"
#include "tls/client_context.h"

namespace postern::test {

namespace {

using Key = core::CHandle<EVP_PKEY, EVP_PKEY_free>;
using Cert = core::CHandle<X509, X509_free>;
using Extension = core::CHandle<X509_EXTENSION, X509_EXTENSION_free>;
using File = core::CHandle<FILE, std::fclose>;

Key newKey() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("EC key generation failed");
  return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) throw std::runtime_error("X.509 extension " + value);
}

Cert newCertificate(EVP_PKEY* key, const std::string& commonName, long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
  return cert;
}

void writePem(const std::string& certFile, X509* cert, const std::string& keyFile, EVP_PKEY* key) {
  File c(std::fopen(certFile.c_str(), "w"));
  File k(std::fopen(keyFile.c_str(), "w"));
  if (!c || !k || PEM_write_X509(c.get(), cert) != 1 ||
      PEM_write_PrivateKey(k.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write " + certFile);
}

Key readKey(const std::string& file) {
  File f(std::fopen(file.c_str(), "r"));
  Key key(f ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) throw std::runtime_error("cannot read " + file);
  return key;
}

Cert readCert(const std::string& file) {
  File f(std::fopen(file.c_str(), "r"));
  Cert cert(f ? PEM_read_X509(f.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) throw std::runtime_error("cannot read " + file);
  return cert;
}

}  // namespace

TestCa makeTestCa(const std::string& dir, const std::string& stem, const std::string& commonName) {
  Key key = newKey();
  Cert cert = newCertificate(key.get(), commonName, 1);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("CA signing failed");
  TestCa ca{dir + "/" + stem + ".crt", dir + "/" + stem + ".key"};
  writePem(ca.certificateFile, cert.get(), ca.privateKeyFile, key.get());
  return ca;
}

TestServerCertificate makeServerCertificate(const std::string& dir, const std::string& stem, const TestCa& ca,
                                            const std::vector<std::string>& names) {
  Key caKey = readKey(ca.privateKeyFile);
  Cert caCert = readCert(ca.certificateFile);
  Key key = newKey();
  Cert cert = newCertificate(key.get(), names.empty() ? "server" : names.front(), 2);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert.get()));
  std::string san;
  for (const std::string& name : names)
    san += (san.empty() ? "" : ",") + std::string(tls::isIpLiteral(name) ? "IP:" : "DNS:") + name;
  if (!san.empty()) addExtension(cert.get(), caCert.get(), NID_subject_alt_name, san);
  addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "serverAuth");
  addExtension(cert.get(), caCert.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(cert.get(), caKey.get(), EVP_sha256()) <= 0) throw std::runtime_error("leaf signing failed");
  TestServerCertificate out{dir + "/" + stem + ".crt", dir + "/" + stem + ".key"};
  writePem(out.certificateFile, cert.get(), out.privateKeyFile, key.get());
  return out;
}

}  // namespace postern::test
