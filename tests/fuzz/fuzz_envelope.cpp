// The spool's envelope file (queue/envelope_format.h), read and written.
// Reading: arbitrary bytes go to decodeEnvelope; it either throws MalformedEnvelope or returns a message
// that the writer encodes into a file which decodes to the same message and re-encodes to the same bytes.
// Writing: a message built from the input (any bytes in every text field, both kinds of mailbox, every
// delivery state) is encoded; the file is lines of one token per value and decodes to the same message.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "queue/envelope_format.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

bool same(const queue::QueuedMessage& a, const queue::QueuedMessage& b) {
  return a.id == b.id && a.envelope == b.envelope && a.bodySize == b.bodySize &&
         a.prependedHeaders == b.prependedHeaders && a.progress == b.progress;
}

void checkRoundTrip(const queue::QueuedMessage& m, std::string_view origin) {
  const std::string file = queue::encodeEnvelope(m);
  queue::QueuedMessage back;
  try {
    back = queue::decodeEnvelope(file);
  } catch (const queue::MalformedEnvelope& e) {
    FUZZ_CHECK(false, std::string(e.what()) + " in " + escaped(file) + " from " + escaped(origin));
  }
  FUZZ_CHECK(same(m, back), escaped(file) + " from " + escaped(origin));
  FUZZ_CHECK(queue::encodeEnvelope(back) == file, escaped(file));
}

queue::Mailbox mailbox(fuzz::Input& in) {
  queue::Mailbox m{std::string(in.until('\x01')), std::string(in.until('\x01'))};
  return m;
}

std::chrono::system_clock::time_point time(fuzz::Input& in) {
  std::int64_t seconds = 0;
  for (int i = 0; i < 4; ++i) seconds = seconds * 256 + in.byte();
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds * 2));
}

// A message from the input: text fields separated by 0x01, choices from single bytes.
queue::QueuedMessage build(fuzz::Input& in) {
  queue::QueuedMessage m;
  m.id = "Q" + std::string(in.until('\x01'));
  m.envelope.sender = mailbox(in);
  m.envelope.login = std::string(in.until('\x01'));
  m.envelope.clientAddress = std::string(in.until('\x01'));
  m.envelope.heloName = std::string(in.until('\x01'));
  const std::uint8_t flags = in.byte();
  m.envelope.smtputf8 = flags & 1;
  m.envelope.eightBitMime = flags & 2;
  m.progress.delayWarned = flags & 4;
  m.envelope.arrival = time(in);
  m.progress.lastAttempt = time(in);
  m.progress.nextAttempt = time(in);
  m.progress.attempts = in.byte();
  m.bodySize = static_cast<std::uint64_t>(in.byte()) << (in.byte() % 57);
  m.prependedHeaders = std::string(in.until('\x01'));
  m.progress.remote = std::string(in.until('\x01'));
  const std::size_t recipients = 1 + in.byte() % 4;
  for (std::size_t i = 0; i < recipients; ++i) {
    queue::Recipient r = queue::Recipient::pending(mailbox(in));
    if (r.address.isNull()) r.address.domain = "example.org";  // a recipient is never the null path
    const std::uint8_t state = in.byte();
    r.state = static_cast<queue::DeliveryState>(state % 3);
    r.notified = state & 4;
    r.reply = std::string(in.until('\x01'));
    m.envelope.recipients.push_back(std::move(r));
  }
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.front() == '\x02') {
    fuzz::Input in(data + 1, size - 1);
    checkRoundTrip(build(in), text);
    return 0;
  }
  queue::QueuedMessage m;
  try {
    m = queue::decodeEnvelope(text);
  } catch (const queue::MalformedEnvelope&) {
    return 0;
  }
  FUZZ_CHECK(!m.id.empty() && !m.envelope.recipients.empty(), escaped(text));
  for (const auto& r : m.envelope.recipients) FUZZ_CHECK(!r.address.isNull(), escaped(text));
  checkRoundTrip(m, text);
  return 0;
}
