#include "app/tls_policy.h"

namespace postern::app {

tls::ServerPolicy serverTlsPolicy(const config::Config& cfg, const std::string& certificateFile,
                                  const std::string& privateKeyFile) {
  tls::ServerPolicy policy;
  policy.ciphers = cfg.tls.ciphers;
  policy.minProtocol = cfg.tls.minProtocol;
  policy.certificateFile = certificateFile;
  policy.privateKeyFile = privateKeyFile;
  policy.sessionTickets = cfg.tls.ticketKeyRotation.count() > 0;
  return policy;
}

}  // namespace postern::app
