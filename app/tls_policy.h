// The server TLS policy every listener shares (tls.ciphers, tls.min_protocol, session tickets while
// tls.ticket_key_rotation is not 0), with the certificate and key of one listener: SMTP's, the web
// admin's, the public site's. Wiring only: the policy's rules are in lib/tls.
#pragma once

#include <string>

#include "config/config.h"
#include "tls/server_context.h"

namespace postern::app {

tls::ServerPolicy serverTlsPolicy(const config::Config& cfg, const std::string& certificateFile,
                                  const std::string& privateKeyFile);

}  // namespace postern::app
