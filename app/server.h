// runServer() — the whole server, built by hand in app/server.cpp (STYLE.md §13): the map of the running
// program. Runs until SIGTERM or SIGINT; returns the process exit code (app/cli.h).
#pragma once

#include "config/config.h"

namespace postern::app {

int runServer(const config::Config& config);

}  // namespace postern::app
