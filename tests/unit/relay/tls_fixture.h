// A throwaway PKI for the relay's TLS tests: a trusted CA, an unknown one, and server contexts with
// certificates from either, for the fake smarthost.
#pragma once

#include <Poco/Net/Context.h>

#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "tls/server_context.h"

namespace postern::test {

struct Pki {
  TempDir dir;
  TestCa ca = makeTestCa(dir.path().string(), "ca", "Postern Test CA");
  TestCa otherCa = makeTestCa(dir.path().string(), "other-ca", "Somebody Else's CA");

  Poco::Net::Context::Ptr serverContext(const std::vector<std::string>& names, const TestCa& issuer) {
    const TestServerCertificate cert =
        makeServerCertificate(dir.path().string(), "leaf" + std::to_string(next++), issuer, names);
    return tls::makeServerContext(tls::ServerPolicy{cert.certificateFile, cert.privateKeyFile});
  }
  Poco::Net::Context::Ptr serverContext(const std::vector<std::string>& names) {
    return serverContext(names, ca);
  }
  int next = 0;
};

}  // namespace postern::test
