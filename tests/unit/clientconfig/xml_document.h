// Reads a generated document back with Poco's DOM parser, so the tests check what a client's parser sees
// (well-formedness, the text of each element after unescaping), not the bytes the builder wrote.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/InputSource.h>

#include <sstream>
#include <string>
#include <vector>

namespace postern::test {

class XmlDocument {
 public:
  // Throws Poco::XML::SAXParseException when the text is not well-formed. The plist DTD is never fetched.
  explicit XmlDocument(const std::string& text) {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
    document_ = parser.parseString(text);
  }

  Poco::XML::Element* root() const { return document_->documentElement(); }

  // The child elements of an element with a local name, in order.
  static std::vector<Poco::XML::Element*> children(const Poco::XML::Node* parent, const std::string& name) {
    std::vector<Poco::XML::Element*> out;
    for (Poco::XML::Node* n = parent->firstChild(); n; n = n->nextSibling())
      if (n->nodeType() == Poco::XML::Node::ELEMENT_NODE && n->localName() == name)
        out.push_back(static_cast<Poco::XML::Element*>(n));
    return out;
  }
  static Poco::XML::Element* child(const Poco::XML::Node* parent, const std::string& name) {
    const auto all = children(parent, name);
    return all.empty() ? nullptr : all.front();
  }
  static std::string text(const Poco::XML::Node* parent, const std::string& name) {
    const auto* element = child(parent, name);
    return element ? element->innerText() : std::string("<absent>");
  }

 private:
  Poco::AutoPtr<Poco::XML::Document> document_;
};

}  // namespace postern::test
