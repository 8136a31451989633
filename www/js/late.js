// The demo's own script (necessary, not gated) standing in for a tag manager
// and a CMS widget: after load it inserts a marked script, and it fetches a
// fragment with a marked iframe, as an AJAX comment widget would. doui gates
// both like the markup that was there from the start.
const third = document.documentElement.dataset.thirdParty;
const box = document.getElementById('late-widget');
if (box && third) {
  setTimeout(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.dataset.consent = 'example-widget';
    s.dataset.src = `${third}/third-party/widget.js`;
    box.append(s);
  }, 300);
  fetch('/fragments/map.html')
    .then((r) => r.text())
    .then((html) => box.insertAdjacentHTML('beforeend', html));
}
