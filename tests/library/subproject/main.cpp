// Compiled with the consumer's flags only. vibework's -Wall -Wextra -Werror must stay private to
// its own targets: if they leaked, the unused parameter below would fail this build.
#include <iostream>

#include <vibework/infra/health.hpp>

int main(int argc, char** argv) {
  vibework::infra::HealthStatus status = vibework::infra::HealthStatus::ok();
  std::cout << "consumer: linked vibework, status " << (status.is_ok() ? "ok" : "error") << "\n";
  return status.is_ok() ? 0 : 1;
}
