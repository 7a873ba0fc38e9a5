#include "store/vault_meta_repository.h"

#include "store/transaction.h"

namespace postern::store {

std::optional<std::string> VaultMetaRepository::masterKeyCheck() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT master_key_check FROM vault_meta WHERE id = 1");
  if (!query.step() || query.columnIsNull(0)) return std::nullopt;
  return query.columnText(0);
}

std::string VaultMetaRepository::recordMasterKeyCheck(std::string_view check) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection->prepare("UPDATE vault_meta SET master_key_check = ?1 WHERE id = 1 AND master_key_check IS NULL")
      .bindText(1, check)
      .run();
  Statement query = connection->prepare("SELECT master_key_check FROM vault_meta WHERE id = 1");
  std::string recorded = query.step() ? query.columnText(0) : std::string(check);
  query.reset();
  transaction.commit();
  return recorded;
}

}  // namespace postern::store
