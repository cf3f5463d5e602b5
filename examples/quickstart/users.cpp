// MySQL: the original's Drizzle examples on the typed query API.
#include "examples.hpp"
#include "schema.hpp"

namespace quickstart {

awaitable<void> users_example(mysql::Database& db, std::string run_id) {
  co_await db.execute(
      "CREATE TABLE IF NOT EXISTS quickstart_user (id VARCHAR(64) NOT NULL PRIMARY KEY, "
      "email VARCHAR(255) NOT NULL UNIQUE, password VARCHAR(255) NOT NULL, name VARCHAR(255) NULL, "
      "created_at DATETIME(3) NOT NULL)");
  const std::string id = "user-" + run_id;
  const std::string email = run_id + "@example.com";
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());

  // snippet:users
  UserTable users(db.naming());

  // Create user
  User user{.id = id, .email = email, .password = "hashed_password", .name = std::nullopt, .created_at = now};
  co_await db.insert(users).values(user).execute();

  // Query user
  std::optional<User> found = co_await db.select(users).where(users.email == email).first();
  expect(found && found->id == id, "to find the new user by email");

  // Update user
  co_await db.update(users).set(users.name = "John").where(users.id == id).execute();
  std::optional<User> renamed = co_await db.select(users).where(users.id == id).first();
  expect(renamed && renamed->name == "John", "the update to set the name");

  // Delete user
  const auto deleted = co_await db.remove(users).where(users.id == id).execute();
  expect(deleted == 1, "to delete the user");
  // snippet-end
}

}  // namespace quickstart
