#include "vibework/infra/current_trace.hpp"

namespace vibework::infra {

namespace {
// Points at the cell of the innermost TraceScope on this thread (which owns a reference).
thread_local const SharedTraceCell* installed = nullptr;

using IoExecutor = asio::io_context::executor_type;
}  // namespace

const TraceContext* current_trace() noexcept {
  return installed == nullptr || *installed == nullptr ? nullptr : (*installed)->get();
}

SharedTraceCell current_trace_cell() noexcept { return installed == nullptr ? nullptr : *installed; }

SharedTraceCell pinned_current_trace() {
  const auto* trace = current_trace();
  return trace == nullptr ? nullptr : std::make_shared<TraceCell>(*trace);
}

TraceScope::TraceScope(SharedTraceCell cell) noexcept : cell_(std::move(cell)), previous_(installed) {
  installed = &cell_;
}

TraceScope::~TraceScope() { installed = previous_; }

asio::any_io_executor untraced(const asio::any_io_executor& ex) {
  if (const auto* t = ex.target<TracedExecutor<IoExecutor>>()) return t->inner();
  if (const auto* t = ex.target<TracedExecutor<asio::any_io_executor>>()) return t->inner();
  return ex;
}

asio::any_io_executor traced(const asio::any_io_executor& ex, SharedTraceCell cell) {
  auto inner = untraced(ex);
  if (!cell) return inner;
  if (const auto* io = inner.target<IoExecutor>()) return TracedExecutor<IoExecutor>(*io, std::move(cell));
  return TracedExecutor<asio::any_io_executor>(std::move(inner), std::move(cell));
}

asio::any_io_executor traced(const asio::any_io_executor& ex, const TraceContext& trace) {
  return traced(ex, std::make_shared<TraceCell>(trace));
}

}  // namespace vibework::infra
