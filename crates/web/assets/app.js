// safegrid's few conveniences; every page works without them.
// Sort a table by a column when its heading is clicked (numbers as numbers, text by Chinese collation).
document.addEventListener('click', function (ev) {
  var th = ev.target.closest('th[data-sort]');
  if (th) {
    var table = th.closest('table'), body = table.tBodies[0];
    var i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('data-dir') !== 'asc';
    th.parentNode.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); });
    th.setAttribute('data-dir', asc ? 'asc' : 'desc');
    var coll = new Intl.Collator('zh-CN', { numeric: true });
    Array.prototype.slice.call(body.rows)
      .sort(function (a, b) {
        var x = a.cells[i].textContent.trim(), y = b.cells[i].textContent.trim();
        return (asc ? 1 : -1) * coll.compare(x, y);
      })
      .forEach(function (r) { body.appendChild(r); });
  }
  var p = ev.target.closest('[data-print]');
  if (p) { window.print(); }
});

// A live board: on every change the server pushes (an alarm, an answer), fetch the board again
// and swap it in.
(function () {
  var board = document.querySelector('[data-live]');
  if (!board || !window.EventSource) { return; }
  var source = new EventSource(board.getAttribute('data-live'));
  var live = document.getElementById('live');
  source.addEventListener('open', function () { if (live) { live.hidden = false; } });
  source.addEventListener('error', function () { if (live) { live.hidden = true; } });
  source.addEventListener(board.getAttribute('data-event') || 'alarm', function () {
    fetch(board.getAttribute('data-refresh'), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { board.innerHTML = html; board.setAttribute('data-updated', Date.now()); } });
  });
})();

// The patrol form's "use my position" button fills latitude and longitude from the phone.
document.addEventListener('click', function (ev) {
  var b = ev.target.closest('[data-locate]');
  if (!b || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById('f-latitude').value = pos.coords.latitude.toFixed(6);
    document.getElementById('f-longitude').value = pos.coords.longitude.toFixed(6);
  });
});
