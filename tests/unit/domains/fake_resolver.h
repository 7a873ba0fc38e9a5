// A dns::Resolver that answers from a table the test fills in: records, names without TXT records,
// failures for one name or for every name (a resolver that times out). Not synchronised.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dns/resolver.h"

namespace postern::test {

class FakeResolver final : public dns::Resolver {
 public:
  // Adds one TXT record at name, cut into 255-octet strings as DNS stores a long value.
  void publish(const std::string& name, const std::string& text) {
    dns::TxtRecord record;
    for (std::size_t i = 0; i < text.size() || i == 0; i += 255)
      record.strings.push_back(text.substr(i, 255));
    txt_[name].push_back(record);
  }
  // Adds one TXT record made of exactly these strings.
  void publishStrings(const std::string& name, std::vector<std::string> strings) {
    txt_[name].push_back(dns::TxtRecord{std::move(strings)});
  }
  void publishAddress(const std::string& name, const std::string& address) {
    addresses_[name].push_back(address);
  }
  void publishMx(const std::string& name, const std::string& host, int preference = 10) {
    mx_[name].push_back(dns::MxRecord{preference, host});
  }
  void fail(const std::string& name, dns::FailureKind kind) { failures_[name] = kind; }
  void failEverything(dns::FailureKind kind) { failAll_ = kind; }

  dns::TxtAnswer txt(const std::string& name) override {
    asked.push_back(name);
    if (const auto f = failure(name)) return dns::TxtAnswer::failedWith(*f, dns::describe(*f));
    const auto it = txt_.find(name);
    if (it != txt_.end()) return dns::TxtAnswer::of(it->second);
    return addresses_.count(name) ? dns::TxtAnswer::noRecords() : dns::TxtAnswer::noSuchName();
  }
  dns::MxAnswer mx(const std::string& name) override {
    asked.push_back("MX " + name);
    if (const auto f = failure(name)) return dns::MxAnswer::failedWith(*f, dns::describe(*f));
    if (const auto it = mx_.find(name); it != mx_.end()) return dns::MxAnswer::of(it->second);
    return txt_.count(name) || addresses_.count(name) ? dns::MxAnswer::noRecords()
                                                      : dns::MxAnswer::noSuchName();
  }
  dns::AddressAnswer addresses(const std::string& name) override {
    asked.push_back("A " + name);
    if (const auto f = failure(name)) return dns::AddressAnswer::failedWith(*f, dns::describe(*f));
    const auto it = addresses_.find(name);
    if (it != addresses_.end()) return dns::AddressAnswer::of(it->second);
    return txt_.count(name) ? dns::AddressAnswer::noRecords() : dns::AddressAnswer::noSuchName();
  }

  std::vector<std::string> asked;  // every question, in order: "name", "MX name", "A name"

 private:
  std::optional<dns::FailureKind> failure(const std::string& name) const {
    if (failAll_) return failAll_;
    const auto it = failures_.find(name);
    if (it != failures_.end()) return it->second;
    return std::nullopt;
  }

  std::map<std::string, std::vector<dns::TxtRecord>> txt_;
  std::map<std::string, std::vector<std::string>> addresses_;
  std::map<std::string, std::vector<dns::MxRecord>> mx_;
  std::map<std::string, dns::FailureKind> failures_;
  std::optional<dns::FailureKind> failAll_;
};

}  // namespace postern::test
