// ensureSelfSigned(): the first-start certificate, so that a fresh install speaks TLS at once. Admins
// replace it with a real certificate through tls.certificate / tls.private_key.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include "core/c_handle.h"
#include "core/error.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "tls/server_context.h"

namespace postern::tls {

namespace {

using Key = core::CHandle<EVP_PKEY, EVP_PKEY_free>;
using Cert = core::CHandle<X509, X509_free>;
using Bio = core::CHandle<BIO, BIO_free>;
using Extension = core::CHandle<X509_EXTENSION, X509_EXTENSION_free>;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    throw core::Error::permanent("cannot add X.509 extension " + std::string(value));
}

}  // namespace

GeneratedCertificate ensureSelfSigned(const std::string& dir, const std::string& hostname) {
  GeneratedCertificate out{dir + "/selfsigned.crt", dir + "/selfsigned.key", false};
  if (exists(out.certificateFile) && exists(out.privateKeyFile)) return out;

  fs::ensureDirectory(dir, 0700);
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  if (!key) throw core::Error::permanent("cannot generate an RSA key for the self-signed certificate");

  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) throw core::Error::permanent("RAND_bytes failed");
  serial[0] &= 0x7f;  // positive
  core::CHandle<BIGNUM, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = hostname.substr(0, 64);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Postern"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  addExtension(cert.get(), NID_subject_alt_name, ("DNS:" + hostname).c_str());
  addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  addExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
    throw core::Error::permanent("cannot sign the self-signed certificate");

  Bio keyPem(BIO_new(BIO_s_mem()));
  Bio certPem(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(certPem.get(), cert.get()) != 1)
    throw core::Error::permanent("cannot encode the self-signed certificate");
  // Key first: a crash between the two leaves no certificate without its key.
  fs::writeFileDurably(out.privateKeyFile, bioText(keyPem.get()), 0600);
  fs::writeFileDurably(out.certificateFile, bioText(certPem.get()), 0644);
  out.created = true;
  return out;
}

}  // namespace postern::tls
