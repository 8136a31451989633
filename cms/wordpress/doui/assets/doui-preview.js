// The settings page's banner preview: always show the banner, whatever was
// chosen in an earlier preview.
window.doui?.ready.then(() => window.doui.show());
