#include "app/relay_options.h"

namespace postern::app {

relay::RelayOptions baseRelayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o;
  o.heloName = hostname;
  o.connectTimeout = cfg.relay.connectTimeout;
  o.commandTimeout = cfg.relay.commandTimeout;
  o.dataTimeout = cfg.relay.dataTimeout;
  o.idleTimeout = cfg.relay.idleTimeout;
  return o;
}

relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o = baseRelayOptions(cfg, hostname);
  for (const auto& host : cfg.relay.smarthosts) o.smarthosts.push_back(relay::Endpoint{host.host, host.port});
  switch (cfg.relay.tls) {
    case config::Config::RelayTls::StartTls:
      o.tls = relay::TlsMode::StartTls;
      break;
    case config::Config::RelayTls::Implicit:
      o.tls = relay::TlsMode::Implicit;
      break;
    case config::Config::RelayTls::None:
      o.tls = relay::TlsMode::None;
      break;
  }
  o.caFile = cfg.relay.caFile;
  if (!cfg.relay.username.empty()) {
    o.auth.mechanism = relay::AuthMechanism::Password;
    o.auth.username = cfg.relay.username;
    o.auth.password = cfg.relay.password;
  }
  o.maxConnections = cfg.relay.maxConnections;
  return o;
}

relay::RoutedTransportOptions routedTransportOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RoutedTransportOptions o;
  o.base = baseRelayOptions(cfg, hostname);
  if (!cfg.relay.smarthosts.empty()) o.smarthost = configRelayOptions(cfg, hostname);
  return o;
}

}  // namespace postern::app
