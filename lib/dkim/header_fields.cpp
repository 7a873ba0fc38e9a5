#include "dkim/header_fields.h"

#include <array>

#include "core/text.h"

namespace postern::dkim {

std::vector<HeaderField> parseHeaderSection(std::string_view section) {
  std::vector<HeaderField> fields;
  std::size_t pos = 0;
  while (pos < section.size()) {
    std::size_t eol = section.find("\r\n", pos);
    const std::size_t next = eol == std::string_view::npos ? section.size() : eol + 2;
    const std::string_view line = section.substr(pos, next - pos);
    if (line == "\r\n") break;  // end of the header section
    const bool continuation = line.front() == ' ' || line.front() == '\t';
    if (continuation && !fields.empty()) {
      fields.back().raw += line;
    } else {
      HeaderField f;
      const auto colon = line.find(':');
      std::string_view name = colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      f.name = std::string(name);
      f.raw = std::string(line);
      fields.push_back(std::move(f));
    }
    pos = next;
  }
  // A section given without its final CRLF still yields complete fields.
  if (!fields.empty() && !fields.back().raw.ends_with("\r\n")) fields.back().raw += "\r\n";
  return fields;
}

std::vector<const HeaderField*> selectFieldsForSigning(const std::vector<HeaderField>& fields,
                                                       const std::vector<std::string>& names) {
  std::vector<bool> used(fields.size(), false);
  std::vector<const HeaderField*> selected;
  selected.reserve(names.size());
  for (const auto& name : names) {
    const HeaderField* found = nullptr;
    for (std::size_t i = fields.size(); i-- > 0;) {  // §5.4.2: bottom-up
      if (!used[i] && core::iequalsAscii(fields[i].name, name)) {
        used[i] = true;
        found = &fields[i];
        break;
      }
    }
    selected.push_back(found);
  }
  return selected;
}

std::vector<std::string> defaultSignedHeaderNames(const std::vector<HeaderField>& fields) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "From",        "To",        "Cc",           "Subject",      "Date",
      "Message-ID",  "Reply-To",  "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
      "In-Reply-To", "References"};
  std::vector<std::string> names;
  for (const auto wanted : kNames) {
    for (const auto& f : fields)
      if (core::iequalsAscii(f.name, wanted)) names.emplace_back(wanted);
  }
  for (const auto& f : fields)
    if (core::istartsWithAscii(f.name, "List-")) names.push_back(f.name);
  for (const auto overSigned : {"From", "To", "Subject"}) names.emplace_back(overSigned);
  return names;
}

}  // namespace postern::dkim
