#pragma once
// GET /status (an HTML page people read) and GET /status.json (what its script refreshes
// from): each dependency's readiness check run now, with its latency and message, the pool
// and queue gauges from the metrics registry, and the recent failed checks. Mounted next to
// /metrics (app/metrics_wiring.cpp), on the metrics listener when METRICS_PORT is set.
#include "vibework/http/router.hpp"
#include "vibework/http/status_view.hpp"

namespace vibework::http {

// Everything `sources` points at must outlive the router.
void mount_status(Router& router, StatusSources sources);

}  // namespace vibework::http
