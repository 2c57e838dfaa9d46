/**
 * The status page's one script, served from this server (`STATUS_SCRIPT_PATH`; the page's
 * Content-Security-Policy allows scripts from 'self' only, never inline). Every few seconds it
 * asks `GET /api/status/sections` (same origin, the browser's credentials) for the sections drawn
 * by the server, escaped as the page is, and puts each in place, except one the operator is using
 * (a focused button or field). While the tab is hidden it waits. It says when it last updated, or
 * that it could not.
 */
export const STATUS_LIVE_SCRIPT = `(function () {
  'use strict';
  var url = document.body.getAttribute('data-live');
  var line = document.getElementById('live');
  var every = 5000;
  if (!url || !line) { return; }
  function stamp(iso) { return String(iso).replace('T', ' ').replace(/\\.\\d+Z$/, 'Z'); }
  function draw(data) {
    var parts = document.querySelectorAll('[data-section]');
    for (var i = 0; i < parts.length; i++) {
      var el = parts[i];
      var html = data.sections[el.getAttribute('data-section')];
      if (typeof html === 'string' && !el.contains(document.activeElement)) { el.innerHTML = html; }
    }
    line.textContent = 'Live: updated ' + stamp(data.generatedAt) + ' (every ' + every / 1000 + ' s).';
    line.className = 'muted';
  }
  function tick() {
    if (document.hidden) { setTimeout(tick, every); return; }
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { if (!res.ok) { throw new Error('HTTP ' + res.status); } return res.json(); })
      .then(draw)
      .catch(function (err) { line.textContent = 'Could not update (' + err.message + '); trying again in ' + every / 1000 + ' s.'; line.className = 'stale'; })
      .then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
`;
