#pragma once
// Internal to status_html.cpp: the page's inline style and script (no external assets, no
// build step). The script re-renders the same markup status_html.cpp writes, from
// /status.json every 2 s, with textContent only (the data is never parsed as HTML).
#include <string_view>

namespace vibework::http::status_assets {

inline constexpr std::string_view css = R"css(
:root { --ok:#1a7f37; --ok-bg:#dafbe1; --err:#cf222e; --err-bg:#ffebe9; --warn:#9a6700; --warn-bg:#fff8c5;
  --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 14px 24px; }
h1 { margin: 0; font-size: 20px; display: flex; align-items: center; gap: 10px; }
h2 { font-size: 15px; margin: 22px 0 10px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h3 { margin: 0 0 6px; font-size: 16px; display: flex; justify-content: space-between; align-items: center; }
.meta { margin: 4px 0 0; color: var(--muted); }
.meta b { color: var(--fg); font-weight: 600; }
main { padding: 0 24px 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; padding: 10px 14px; }
.card.error { border-left-color: var(--err); }
.pill { font-size: 12px; font-weight: 600; padding: 1px 9px; border-radius: 999px; background: var(--ok-bg); color: var(--ok); }
.pill.error { background: var(--err-bg); color: var(--err); }
.pill.warn { background: var(--warn-bg); color: var(--warn); }
.address { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); word-break: break-all; }
.latency { margin: 2px 0 4px; }
.message { margin: 4px 0; color: var(--err); white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; width: 100%; background: #fff; }
.box { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin-bottom: 10px; }
.box h3 { font-size: 14px; margin: 4px 0; }
td, th { padding: 3px 6px; border-top: 1px solid #eef1f4; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; border-top: 0; }
.metric, .labels { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.labels { color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.none { color: var(--muted); margin: 4px 0; }
.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
footer { padding: 8px 24px 20px; color: var(--muted); }
#stale { color: var(--err); }
)css";

inline constexpr std::string_view js = R"js(
(function () {
  var REFRESH_MS = 2000;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function pill(status) { return status === 'ok' ? 'ok' : status === 'degraded' ? 'warn' : 'error'; }
  function when(iso) { return iso.replace('T', ' ').slice(0, 19); }
  function set(id, text) { document.getElementById(id).textContent = text; }
  function fill(id, nodes) { var box = document.getElementById(id); box.replaceChildren.apply(box, nodes); }
  function gauges(rows) {
    var t = el('table', 'gauges');
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.title = r.help;
      tr.appendChild(el('td', 'metric', r.metric));
      tr.appendChild(el('td', 'labels', r.labels));
      tr.appendChild(el('td', 'num', r.text));
      t.appendChild(tr);
    });
    return t;
  }
  function card(c) {
    var a = el('article', 'card ' + c.status), h = el('h3');
    a.dataset.check = c.name;
    h.appendChild(el('span', 'name', c.name));
    h.appendChild(el('span', 'pill ' + pill(c.status), c.status));
    a.appendChild(h);
    if (c.address) a.appendChild(el('p', 'address', c.address));
    a.appendChild(el('p', 'latency', 'latency ' + c.latencyMs + ' ms' + (c.critical ? '' : ' · not critical')));
    if (c.message) a.appendChild(el('p', 'message', c.message));
    if (c.gauges.length) a.appendChild(gauges(c.gauges));
    return a;
  }
  function group(g) {
    var d = el('div', 'box');
    d.appendChild(el('h3', '', g.name));
    d.appendChild(gauges(g.rows));
    return d;
  }
  function errors(list) {
    var t = el('table'), head = el('tr');
    ['last', 'check', 'times', 'message'].forEach(function (h) { head.appendChild(el('th', h === 'times' ? 'num' : '', h)); });
    t.appendChild(head);
    list.forEach(function (e) {
      var tr = el('tr');
      tr.title = 'first ' + when(e.first);
      tr.appendChild(el('td', 'when', when(e.last)));
      tr.appendChild(el('td', 'metric', e.check));
      tr.appendChild(el('td', 'num', e.count));
      tr.appendChild(el('td', 'message', e.message || '(hidden)'));
      t.appendChild(tr);
    });
    var d = el('div', 'box');
    d.appendChild(t);
    return d;
  }
  function render(s) {
    var o = document.getElementById('overall');
    o.textContent = s.status;
    o.className = 'pill ' + pill(s.status);
    set('version', s.version);
    set('commit', s.commit);
    set('uptime', s.uptime);
    set('generated', when(s.generatedAt) + ' UTC');
    fill('checks', s.checks.length ? s.checks.map(card) : [el('p', 'none', 'No readiness checks registered.')]);
    fill('queues', s.queues.length ? [el('div', 'box')] : [el('p', 'none', 'No queue gauges (*_backlog*, *_oldest*) registered.')]);
    if (s.queues.length) document.getElementById('queues').firstChild.appendChild(gauges(s.queues));
    fill('other', s.other.length ? s.other.map(group) : [el('p', 'none', 'No other gauges.')]);
    fill('errors', s.errors.length ? [errors(s.errors)] : [el('p', 'none', 'No failed checks since the start.')]);
  }
  function tick() {
    fetch('status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (s) {
        render(s);
        document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
        set('stale', '');
      })
      .catch(function (e) { set('stale', ' — refresh failed: ' + e.message); })
      .finally(function () { setTimeout(tick, REFRESH_MS); });
  }
  setTimeout(tick, REFRESH_MS);
})();
)js";

}  // namespace vibework::http::status_assets
