#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include "app/cli.h"

namespace postern::app {

void setUpLogging(const std::string& level) {
  // One line per event on stderr (the container runtime or systemd collects it), UTC ISO 8601 time.
  Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  formatter->setProperty("times", "UTC");
  Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::setLevel("", Poco::Message::PRIO_TRACE);  // reset existing loggers, then apply the level
  Poco::Logger::root().setLevel(level);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace postern::app
