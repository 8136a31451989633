// The sample's "analytics": it may run only after the analytics category is accepted.
window.statsRan = true;
document.cookie = 'stats_id=1; Path=/; Max-Age=31536000';
