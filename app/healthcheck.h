// `postern healthcheck`: asks the running server on this machine whether it is healthy, for a container's
// HEALTHCHECK (the slim image has no curl) or a monitoring script. Reads the same configuration as the
// server, so it finds the listener the server uses.
//
// With admin.listen set: GET /healthz on the first admin listener (admin::Health decides). Without it: the
// first SMTP listener must accept a connection and greet with 220. Exit 0 when healthy, 1 otherwise with
// one line saying why. Every network step is bounded (kHealthcheckTimeout), so a hung server fails the
// check instead of hanging it.
#pragma once

#include <chrono>

#include "config/config.h"

namespace postern::app {

constexpr std::chrono::seconds kHealthcheckTimeout{4};

int runHealthcheck(const config::Config& cfg);

}  // namespace postern::app
