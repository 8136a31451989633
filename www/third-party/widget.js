// Stand-in for a third-party widget that a tag manager or CMS inserts after the
// page has loaded. It marks the page so that tests can see it ran.
(() => {
  const box = document.getElementById('late-widget');
  if (box) box.dataset.widgetRan = String(Number(box.dataset.widgetRan ?? 0) + 1);
  new Image().src = new URL(document.currentScript.src).origin + '/third-party/pixel.gif?collect=widget';
})();
