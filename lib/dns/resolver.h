// dns::Resolver — the port through which Postern asks DNS questions: TXT records (DKIM, SPF, DMARC,
// MTA-STS, TLS-RPT), and the MX and address lookups that SPF's a/mx mechanisms cost (RFC 7208 §4.6.4).
//
// Owns: the answer types, which keep apart what a record check must tell apart: the records found, a name
// that does not exist (NXDOMAIN, RFC 1035 §4.1.1 RCODE 3), a name without records of the type (NODATA,
// RFC 2308 §2.2), and a lookup that failed (timeout, SERVFAIL, refused...), which says nothing about what is
// published. Must not know: which records mean what (that is lib/domains), sockets or c-ares (that is the
// adapter, ares_resolver.h). Thread-safety: the answer types are plain values; an implementation states its
// own.
#pragma once

#include <string>
#include <vector>

namespace postern::dns {

enum class LookupStatus {
  Found,       // at least one record of the type
  NoSuchName,  // NXDOMAIN: the name does not exist at all
  NoRecords,   // NODATA: the name exists, but holds no record of the type asked for
  Failed,      // no answer that can be trusted: see failure()
};

enum class FailureKind { None, Timeout, ServerFailure, Refused, BadResponse, Other };

// One TXT record: its character-strings in order. RFC 7208 §3.3 and RFC 6376 §3.6.2.2 read a record as
// its strings joined without separators (text()); the strings themselves stay visible because how a
// record was split is evidence when it was entered wrongly (quotes typed into the value, a string cut
// inside a tag).
struct TxtRecord {
  std::vector<std::string> strings;
  std::string text() const;
};

struct MxRecord {
  int preference = 0;
  std::string host;
};

template <class Record>
struct Answer {
  LookupStatus status = LookupStatus::Failed;
  std::vector<Record> records;
  FailureKind failure = FailureKind::None;
  std::string reason;  // for Failed: "timed out", "server failure (SERVFAIL)"; empty otherwise

  bool found() const { return status == LookupStatus::Found; }
  // NXDOMAIN or NODATA: nothing is published (RFC 7208 §4.6.4 calls both a "void lookup").
  bool empty() const { return status == LookupStatus::NoSuchName || status == LookupStatus::NoRecords; }
  bool failed() const { return status == LookupStatus::Failed; }

  static Answer of(std::vector<Record> records) {
    Answer a;
    a.status = records.empty() ? LookupStatus::NoRecords : LookupStatus::Found;
    a.records = std::move(records);
    return a;
  }
  static Answer noSuchName() { return Answer{LookupStatus::NoSuchName, {}, FailureKind::None, {}}; }
  static Answer noRecords() { return Answer{LookupStatus::NoRecords, {}, FailureKind::None, {}}; }
  static Answer failedWith(FailureKind kind, std::string reason) {
    return Answer{LookupStatus::Failed, {}, kind, std::move(reason)};
  }
};

using TxtAnswer = Answer<TxtRecord>;
using MxAnswer = Answer<MxRecord>;
using AddressAnswer = Answer<std::string>;  // textual addresses, A and AAAA together

// Plain words for a failure kind, for messages: "timed out", "server failure (SERVFAIL)"...
std::string describe(FailureKind kind);

class Resolver {
 public:
  virtual ~Resolver() = default;
  // name is absolute, with or without the final dot ("_dmarc.example.org").
  virtual TxtAnswer txt(const std::string& name) = 0;
  virtual MxAnswer mx(const std::string& name) = 0;
  // A and AAAA: Found when either has records; Failed when either lookup failed.
  virtual AddressAnswer addresses(const std::string& name) = 0;
};

}  // namespace postern::dns
