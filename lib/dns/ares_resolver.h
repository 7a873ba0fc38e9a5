// dns::AresResolver — dns::Resolver over c-ares (Debian's libc-ares, 1.18), with the servers an
// administrator names in dns.resolvers or the system's (/etc/resolv.conf), and a hard bound on how long
// any lookup may take, so that a dead resolver costs a check seconds and never hangs it.
//
// Owns: every ares_channel; the mapping of c-ares status codes to dns::LookupStatus / FailureKind.
// Must not know: what the records mean (lib/domains), the SMTP path (no lookup ever runs there).
// Thread-safety: thread-safe; every lookup opens its own channel, so lookups from several threads run in
// parallel without sharing state. Each call blocks its thread until an answer or the deadline.
// RFCs: RFC 1035 (messages, TXT character-strings §3.3.14), RFC 2308 §2 (NXDOMAIN vs NODATA).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.h"

namespace postern::dns {

struct ServerAddress {
  std::string host;  // an IPv4 or IPv6 address, never a name: a resolver cannot resolve its own address
  std::uint16_t port = 53;
  // "192.0.2.1:53", "[2001:db8::1]:53": the form ares_set_servers_ports_csv reads.
  std::string str() const;
};

// The dns.resolvers value: comma-separated HOST[:PORT], IPv6 as "[2001:db8::1]:5353" or a bare
// "2001:db8::1" (port 53). Throws core::InvalidValue("dns.resolvers", ...) naming the bad item; an empty
// list is an error too (the caller leaves servers empty to mean the system's).
std::vector<ServerAddress> parseServerList(std::string_view text);

struct ResolverSettings {
  std::vector<ServerAddress> servers;       // empty: the system's resolvers (/etc/resolv.conf)
  std::chrono::milliseconds timeout{2000};  // per try, per server
  int tries = 2;                            // rounds over the servers
};

class AresResolver final : public Resolver {
 public:
  // Throws core::InvalidValue for a timeout outside 1 ms..60 s or tries outside 1..5.
  explicit AresResolver(ResolverSettings settings);

  TxtAnswer txt(const std::string& name) override;
  MxAnswer mx(const std::string& name) override;
  AddressAnswer addresses(const std::string& name) override;

 private:
  struct Reply;
  std::vector<Reply> ask(const std::string& name, const std::vector<int>& types);

  ResolverSettings settings_;
  std::string serversCsv_;
};

}  // namespace postern::dns
