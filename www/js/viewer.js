// Points the policy viewer at the document named in ?doc=; doui renders it.
// Runs before doui.js (module scripts run in order).
const doc = new URLSearchParams(location.search).get('doc') ?? '';
const viewer = document.getElementById('viewer');
if (/^[a-z0-9-]+(\.(ja|en))?$/.test(doc)) {
  viewer.dataset.douiPolicy = `/policies/${doc}.md`;
  viewer.addEventListener('doui:policy', () => {
    const h1 = viewer.querySelector('h1');
    if (h1) document.title = `${h1.textContent} | doui デモブログ`;
  });
} else {
  viewer.textContent = '表示する文書が指定されていません。';
}
