// Small network helpers for scripts/e2e/run.sh.
//   node scripts/e2e/net.mjs free-port          prints a free TCP port on 127.0.0.1
//   node scripts/e2e/net.mjs wait URL [ms]      waits until URL answers 2xx (default 60000 ms), exit 1 if not
import { get } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves to the HTTP status of GET url, or 0 when nothing answers. */
const status = (url) =>
  new Promise((resolve) => {
    get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });

const [cmd, arg, ms] = process.argv.slice(2);
if (cmd === 'free-port') {
  const s = createServer().listen(0, '127.0.0.1', () => {
    console.log(s.address().port);
    s.close();
  });
} else if (cmd === 'wait' && arg) {
  const end = Date.now() + Number(ms ?? 60_000);
  for (;;) {
    const code = await status(arg);
    if (code >= 200 && code < 300) break;
    if (Date.now() > end) {
      console.error(`no answer from ${arg}`);
      process.exit(1);
    }
    await sleep(100);
  }
} else {
  console.error('usage: net.mjs free-port | wait URL [ms]');
  process.exit(2);
}
