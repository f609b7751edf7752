/**
 * The console page's only script (inline, under the response's CSP nonce):
 * - Reveal/Hide: shows a hidden value and hides its mask (`<id>-mask`), keeps aria-expanded and
 *   the button's accessible name ("Reveal AccessKeySecret" / "Hide AccessKeySecret") in step;
 * - Copy: the clipboard API, or a selection + execCommand where the page is not a secure context
 *   (plain http on a non-loopback host); the outcome is announced in the aria-live region;
 * - expiry: the <time datetime> in the viewer's local time and the time remaining, refreshed every
 *   15 s; once it has passed, the expired notice is shown.
 * Without the script the page still shows the expiry in UTC and every value stays selectable.
 */
export const CONSOLE_SCRIPT = `
var statusRegion = document.getElementById('copy-status');
function announce(message) {
  statusRegion.textContent = '';
  setTimeout(function () { statusRegion.textContent = message; }, 50);
}
document.querySelectorAll('[data-reveal]').forEach(function (button) {
  var id = button.getAttribute('data-reveal');
  var label = button.getAttribute('data-label');
  var target = document.getElementById(id);
  var mask = document.getElementById(id + '-mask');
  button.addEventListener('click', function () {
    var show = target.hasAttribute('hidden');
    target.hidden = !show;
    if (mask) mask.hidden = show;
    button.setAttribute('aria-expanded', String(show));
    button.textContent = show ? 'Hide' : 'Reveal';
    button.setAttribute('aria-label', (show ? 'Hide ' : 'Reveal ') + label);
  });
});
function copyBySelection(text) {
  var area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  area.select();
  var copied = false;
  try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
  document.body.removeChild(area);
  return copied ? Promise.resolve() : Promise.reject(new Error('copy refused'));
}
document.querySelectorAll('[data-copy]').forEach(function (button) {
  var label = button.getAttribute('data-label');
  button.addEventListener('click', function () {
    var text = document.getElementById(button.getAttribute('data-copy')).textContent.trim();
    var copy = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text)
      : copyBySelection(text);
    copy.then(function () {
      button.textContent = 'Copied';
      announce(label + ' copied to the clipboard.');
      setTimeout(function () { button.textContent = 'Copy'; }, 3000);
    }, function () {
      button.textContent = 'Copy failed';
      announce('Could not copy ' + label + ': reveal it and copy it by hand.');
    });
  });
});
(function () {
  var time = document.getElementById('expiration');
  var expires = Date.parse(time.getAttribute('datetime'));
  var local = document.getElementById('expiration-local');
  var left = document.getElementById('time-remaining');
  var notice = document.getElementById('expired-notice');
  if (isNaN(expires)) return;
  local.textContent = new Intl.DateTimeFormat(undefined, {
    weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
  }).format(new Date(expires));
  local.hidden = false;
  function remaining(ms) {
    var minutes = Math.floor(ms / 60000);
    if (minutes < 1) return 'less than a minute left';
    var hours = Math.floor(minutes / 60);
    return (hours ? hours + ' h ' : '') + (minutes % 60) + ' min left';
  }
  function tick() {
    var ms = expires - Date.now();
    if (ms <= 0) {
      left.textContent = 'expired';
      notice.hidden = false;
      clearInterval(timer);
      return;
    }
    left.textContent = remaining(ms);
  }
  var timer = setInterval(tick, 15000);
  tick();
})();
`;
