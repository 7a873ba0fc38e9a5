#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

#include "app/cli.h"
#include "core/text.h"

namespace postern::app {

namespace {

// The last safety net before a line is written: whatever a call site forgot to escape, no control
// character, C1 control or Unicode line separator reaches the log raw, so one event stays one line and
// nothing a client sent can act on the terminal of whoever reads the log (core::printable(), which is
// idempotent: values a call site already escaped pass unchanged).
class PrintableChannel final : public Poco::Channel {
 public:
  explicit PrintableChannel(Poco::Channel::Ptr next) : next_(std::move(next)) {}
  void open() override { next_->open(); }
  void close() override { next_->close(); }
  void log(const Poco::Message& msg) override {
    Poco::Message line(msg);
    line.setText(core::printable(msg.getText()));
    next_->log(line);
  }

 private:
  Poco::Channel::Ptr next_;
};

}  // namespace

void setUpLogging(const std::string& level) {
  // One line per event on stderr (the container runtime or systemd collects it), UTC ISO 8601 time.
  Poco::AutoPtr<Poco::PatternFormatter> formatter(
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  formatter->setProperty("times", "UTC");
  Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
  Poco::AutoPtr<PrintableChannel> printable(new PrintableChannel(console));
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, printable));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::setLevel("", Poco::Message::PRIO_TRACE);  // reset existing loggers, then apply the level
  Poco::Logger::root().setLevel(level);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace postern::app
