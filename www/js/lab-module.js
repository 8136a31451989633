window.lab.runs.push('module:' + typeof import.meta.url);
