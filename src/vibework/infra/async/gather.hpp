#pragma once
// gather(n, task): runs task(0) .. task(n-1) concurrently on the calling coroutine's executor and
// resumes when all of them have finished. What one task throws is kept: after all are done, the
// first exception (by index) is rethrown. Cancelling the caller does not cancel the tasks; bound
// each task (with_timeout) when it waits on the outside world.
//
//   std::vector<HealthStatus> results(checks.size());
//   auto check = [&](std::size_t i) -> awaitable<void> {
//     results[i] = co_await run_check(checks[i]);
//   };
//   co_await infra::gather(checks.size(), std::move(check));   // GCC 12: name the lambda first
//
// The tasks may refer to the caller's locals: gather does not return before every task ended.
#include <cstddef>
#include <functional>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

awaitable<void> gather(std::size_t count, std::function<awaitable<void>(std::size_t)> task);

}  // namespace vibework::infra
