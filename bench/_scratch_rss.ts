const rss = () => (process.memoryUsage().rss / 1e6).toFixed(1);
const m = process.argv[2];
const before = rss();
if (m) await import(m);
globalThis.gc?.();
const mu = process.memoryUsage();
console.log(m ?? '(nothing)', 'before', before, 'after', rss(), 'heapUsed', (mu.heapUsed/1e6).toFixed(1), 'external', (mu.external/1e6).toFixed(1));
