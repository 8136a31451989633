// Records what the gating lab's scripts did and any Content-Security-Policy
// violation, so that a visitor (or a test) can see both.
window.lab = { runs: [], violations: [] };
document.addEventListener('securitypolicyviolation', (e) => {
  window.lab.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
