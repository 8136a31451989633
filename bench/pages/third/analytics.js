// Stands in for an analytics tag: it only runs once the visitor agreed.
window.benchAnalyticsRan = (window.benchAnalyticsRan || 0) + 1;
