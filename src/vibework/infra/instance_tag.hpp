#pragma once
// instance_tag(): "<host>:<pid>:<random>", unique per process and start, at most 51 ASCII
// characters. Names this process where several instances share work: the owner of a lease on an
// outbox row (mail, events) and the like.
#include <string>

namespace vibework::infra {

std::string instance_tag();

}  // namespace vibework::infra
