// Whole conversations: every transcripts/NAME.in is played against a Session wired to the fakes, and the
// resulting transcript must equal transcripts/NAME.ref byte for byte. On a mismatch the actual transcript
// is written to NAME.actual in the working directory for review.
//
// .in syntax, one item per line:
//   # ...              a comment (only at the start of a line)
//   !option key=value  before anything else: implicitTls, maxRecipients, maxMessageSize, maxCommandLine,
//                      maxAuthFailures, maxProtocolErrors, receivedIncludesClientAddress (0/1)
//   !tls               the TLS handshake requested by STARTTLS succeeded
//   !raw TEXT          feeds TEXT exactly, after C escapes (\r \n \t \\ \xNN), with no CRLF added
//   !batch ... !end    the lines between are sent in one feed(), each with CRLF (pipelining)
//   !timeout, !shutdown
//   anything else      one feed() of the line plus CRLF
// .ref: "C: " client lines (escaped: \r \n \t \\, \xNN for other controls and 8-bit bytes), "S: " reply
// lines, "-- " connection actions, then every message the spool saw ("== ...", "| " content lines).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {

namespace fs = std::filesystem;

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'r')
      out += '\r';
    else if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else
      out += c;
  }
  return out;
}

std::string escape(std::string_view s) {
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\\')
      out += "\\\\";
    else if (u < 0x20 || u >= 0x7f)
      out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
    else
      out += c;
  }
  return out;
}

// Client bytes as "C:" lines: one per CRLF-ended line; anything else shown escaped.
void clientLines(std::ostream& out, std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t end = bytes.find("\r\n");
    if (end == std::string_view::npos) {
      out << "C: " << escape(bytes) << " (no CRLF)\n";
      return;
    }
    out << "C: " << escape(bytes.substr(0, end)) << "\n";
    bytes.remove_prefix(end + 2);
  }
}

class Player {
 public:
  std::string play(const fs::path& input) {
    std::ifstream in(input);
    std::string line;
    std::vector<std::string> batch;
    bool batching = false;
    bool opened = false;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty() && line[0] == '#') continue;
      if (line.rfind("!option ", 0) == 0) {
        BOOST_REQUIRE_MESSAGE(!opened, "!option after the session started");
        option(line.substr(8));
        continue;
      }
      if (!opened) {
        h_.open();
        opened = true;
        flushEvents();
      }
      if (batching && line != "!end") {
        batch.push_back(line);
      } else if (line == "!batch") {
        batching = true;
      } else if (line == "!end") {
        std::string bytes;
        for (const auto& l : batch) bytes += l + "\r\n";
        batch.clear();
        batching = false;
        feed(bytes);
      } else if (line == "!tls") {
        out_ << "-- tls handshake done\n";
        h_.session->tlsStarted(testTls());
        flushEvents();
      } else if (line == "!timeout") {
        out_ << "-- read timeout\n";
        h_.session->timedOut();
        flushEvents();
      } else if (line == "!shutdown") {
        out_ << "-- server shutdown\n";
        h_.session->shutdown();
        flushEvents();
      } else if (line.rfind("!raw ", 0) == 0) {
        feed(unescape(line.substr(5)));
      } else {
        feed(line + "\r\n");
      }
    }
    for (const auto& m : h_.spool.messages) {
      out_ << "== message " << m->queueId << (m->committed ? " committed" : " aborted") << ": from=<"
           << m->envelope.sender.str() << "> to=";
      for (std::size_t i = 0; i < m->envelope.recipients.size(); ++i)
        out_ << (i ? "," : "") << "<" << m->envelope.recipients[i].str() << ">";
      out_ << " login=" << m->envelope.login << "\n";
      const std::string all = m->prepended + m->data;
      std::string_view content = all;
      while (!content.empty()) {
        const std::size_t end = content.find("\r\n");
        out_ << "| " << escape(content.substr(0, end)) << "\n";
        if (end == std::string_view::npos) break;
        content.remove_prefix(end + 2);
      }
    }
    return out_.str();
  }

 private:
  void option(const std::string& setting) {
    const std::size_t eq = setting.find('=');
    const std::string key = setting.substr(0, eq);
    const std::string value = setting.substr(eq + 1);
    const auto n = static_cast<std::size_t>(std::stoull(value));
    if (key == "implicitTls") {
      h_.connection.implicitTls = n != 0;
      h_.connection.tls = testTls();
    } else if (key == "maxRecipients")
      h_.config.maxRecipients = n;
    else if (key == "maxMessageSize")
      h_.config.maxMessageSize = n;
    else if (key == "maxCommandLine")
      h_.config.maxCommandLine = n;
    else if (key == "maxAuthFailures")
      h_.config.maxAuthFailures = n;
    else if (key == "maxProtocolErrors")
      h_.config.maxProtocolErrors = n;
    else if (key == "receivedIncludesClientAddress")
      h_.config.receivedIncludesClientAddress = n != 0;
    else
      BOOST_FAIL("unknown option " + key);
  }
  void feed(const std::string& bytes) {
    clientLines(out_, bytes);
    h_.session->feed(bytes);
    flushEvents();
  }
  void flushEvents() {
    auto& events = h_.output.events;
    for (; seen_ < events.size(); ++seen_) {
      std::string_view e = events[seen_];
      if (e.rfind("-- ", 0) == 0) {
        out_ << e;
        continue;
      }
      while (!e.empty()) {
        const std::size_t end = e.find("\r\n");
        out_ << "S: " << escape(e.substr(0, end)) << "\n";
        e.remove_prefix(end + 2);
      }
    }
  }

  Harness h_;
  std::ostringstream out_;
  std::size_t seen_ = 0;
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(transcripts_match_their_reference) {
  const fs::path dir(POSTERN_TRANSCRIPT_DIR);
  std::size_t played = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".in") continue;
    const std::string name = entry.path().stem().string();
    BOOST_TEST_CONTEXT("transcript " << name) {
      const std::string actual = Player().play(entry.path());
      const fs::path ref = fs::path(entry.path()).replace_extension(".ref");
      BOOST_TEST(fs::exists(ref), "missing " << ref);
      const bool same = fs::exists(ref) && readFile(ref) == actual;
      if (!same) std::ofstream(name + ".actual", std::ios::binary) << actual;
      BOOST_TEST(same,
                 "differs from " << ref << "; actual output in " << fs::current_path() / (name + ".actual"));
    }
    ++played;
  }
  BOOST_TEST(played >= 8u);
}
