#include "vibework/infra/instance_tag.hpp"

#include <unistd.h>

#include <random>

#include <fmt/format.h>

namespace vibework::infra {

std::string instance_tag() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string h(host);
  if (h.size() > 32) h.resize(32);
  for (auto& c : h) {
    if (static_cast<unsigned char>(c) > 0x7e || c < 0x21) c = '_';  // printable ASCII only: it goes into columns and logs
  }
  std::random_device random;
  return fmt::format("{}:{}:{:08x}", h, ::getpid(), random());
}

}  // namespace vibework::infra
