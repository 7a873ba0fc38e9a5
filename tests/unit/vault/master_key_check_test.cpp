// vault::requireMatchingMasterKey: one master key per database. The first seal records it, the same key
// passes, a different key is refused (sealing or opening) with a message naming the settings, and opening
// never records (a key that opened nothing proves nothing).
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "core/text.h"
#include "vault/master_key_check.h"

using namespace postern::vault;

namespace {

KeyVault vaultWith(char fill) {
  return KeyVault(MasterKey::fromBase64(postern::core::base64Encode(std::string(32, fill))));
}

// The store's side, as store::VaultMetaRepository keeps it.
struct RecordedCheck {
  std::optional<std::string> value;
  int writes = 0;
  std::optional<std::string> masterKeyCheck() { return value; }
  std::string recordMasterKeyCheck(std::string_view check) {
    ++writes;
    if (!value) value = std::string(check);
    return *value;
  }
};
static_assert(MasterKeyCheckStore<RecordedCheck>);

std::string refusal(const KeyVault& vault, RecordedCheck& store, SecretAccess access) {
  try {
    requireMatchingMasterKey(vault, store, access);
  } catch (const VaultError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(master_key_check)

BOOST_AUTO_TEST_CASE(the_first_seal_records_the_master_key) {
  RecordedCheck store;
  requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Seal);
  BOOST_TEST(store.value.value_or("") == vaultWith('a').checkValue());
}

BOOST_AUTO_TEST_CASE(the_same_master_key_passes_for_sealing_and_opening) {
  RecordedCheck store;
  requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Seal);
  BOOST_CHECK_NO_THROW(requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Seal));
  BOOST_CHECK_NO_THROW(requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Open));
}

BOOST_AUTO_TEST_CASE(a_different_master_key_is_refused_naming_the_settings) {
  RecordedCheck store;
  requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Seal);
  for (const auto access : {SecretAccess::Seal, SecretAccess::Open}) {
    const std::string what = refusal(vaultWith('b'), store, access);
    BOOST_TEST(what ==
               "the master key is not the one the stored secrets are sealed with (check secrets.master_key, "
               "POSTERN_SECRETS_MASTER_KEY and secrets.master_key_file)");
  }
  BOOST_TEST(store.value.value_or("") == vaultWith('a').checkValue());  // the first key stays recorded
}

BOOST_AUTO_TEST_CASE(opening_records_nothing) {
  RecordedCheck store;
  BOOST_CHECK_NO_THROW(requireMatchingMasterKey(vaultWith('b'), store, SecretAccess::Open));
  BOOST_TEST(!store.value.has_value());
  BOOST_TEST(store.writes == 0);
  // So the key that seals first is the one recorded.
  requireMatchingMasterKey(vaultWith('a'), store, SecretAccess::Seal);
  BOOST_TEST(store.value.value_or("") == vaultWith('a').checkValue());
}

BOOST_AUTO_TEST_SUITE_END()
