window.lab.runs.push('first');
