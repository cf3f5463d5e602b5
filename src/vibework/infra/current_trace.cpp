#include "vibework/infra/current_trace.hpp"

namespace vibework::infra {

namespace {
// Points at the SharedTrace of the innermost TraceScope on this thread (which owns it).
thread_local const SharedTrace* installed = nullptr;

using IoExecutor = asio::io_context::executor_type;
}  // namespace

const TraceContext* current_trace() noexcept { return installed == nullptr ? nullptr : installed->get(); }

SharedTrace current_trace_shared() noexcept { return installed == nullptr ? nullptr : *installed; }

TraceScope::TraceScope(SharedTrace trace) noexcept : trace_(std::move(trace)), previous_(installed) {
  installed = &trace_;
}

TraceScope::~TraceScope() { installed = previous_; }

asio::any_io_executor untraced(const asio::any_io_executor& ex) {
  if (const auto* t = ex.target<TracedExecutor<IoExecutor>>()) return t->inner();
  if (const auto* t = ex.target<TracedExecutor<asio::any_io_executor>>()) return t->inner();
  return ex;
}

asio::any_io_executor traced(const asio::any_io_executor& ex, SharedTrace trace) {
  auto inner = untraced(ex);
  if (!trace) return inner;
  if (const auto* io = inner.target<IoExecutor>()) return TracedExecutor<IoExecutor>(*io, std::move(trace));
  return TracedExecutor<asio::any_io_executor>(std::move(inner), std::move(trace));
}

asio::any_io_executor traced(const asio::any_io_executor& ex, TraceContext trace) {
  return traced(ex, std::make_shared<const TraceContext>(trace));
}

}  // namespace vibework::infra
