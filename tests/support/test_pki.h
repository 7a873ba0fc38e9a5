// TestPki — throwaway certificate authorities and server certificates for TLS tests (the relay's smarthost
// connections, the OAuth token endpoint), so that "trusted CA, right name", "unknown CA" and "wrong name"
// can each be set up in a temporary directory.
#pragma once

#include <string>
#include <vector>

namespace postern::test {

struct TestCa {
  std::string certificateFile;  // PEM; what a client trusts (RelayOptions::caFile)
  std::string privateKeyFile;
};

struct TestServerCertificate {
  std::string certificateFile;  // PEM leaf certificate
  std::string privateKeyFile;
};

// A self-signed CA (CA:TRUE, keyCertSign) named commonName, written as <dir>/<stem>.crt / .key.
TestCa makeTestCa(const std::string& dir, const std::string& stem, const std::string& commonName);

// A server certificate signed by ca, with subjectAltName entries: names that parse as IP addresses become
// IP entries, the rest DNS entries.
TestServerCertificate makeServerCertificate(const std::string& dir, const std::string& stem, const TestCa& ca,
                                            const std::vector<std::string>& names);

}  // namespace postern::test
