window.lab.runs.push('integrity');
