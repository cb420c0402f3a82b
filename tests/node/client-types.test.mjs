// The official client's TypeScript declarations compile against a usage file under
// tsc --strict (TypeScript from npm, a test dependency only), and the served file's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { startServer } from './lib/server.mjs';

test('ordercast.d.ts compiles a usage file with tsc --noEmit --strict, and rejects misuse', () => {
  const tsc = (file) => spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '--strict',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', file], { encoding: 'utf8' });
  const ok = tsc('types/client-usage.ts');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = tsc('types/client-misuse.ts');
  assert.notEqual(bad.status, 0, 'misuse must not compile');
  assert.match(bad.stdout, /newStatus|Argument of type|not assignable/);
});

test('clients/js packs as @ordercast/client with the module, its declarations and README', () => {
  const res = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: '../../clients/js', encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const [pack] = JSON.parse(res.stdout);
  assert.equal(pack.name, '@ordercast/client');
  assert.deepEqual(pack.files.map((f) => f.path).sort(), ['README.md', 'ordercast.d.ts', 'ordercast.js', 'package.json']);
});

test('GET /client.js serves the client as text/javascript with an ETag, at most 4 KB gzipped', async () => {
  const srv = await startServer();
  try {
    const res = await fetch(`${srv.base}/client.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    assert.match(res.headers.get('cache-control'), /max-age=\d+/);
    const body = Buffer.from(await res.arrayBuffer());
    const gzipped = zlib.gzipSync(body, { level: 9 }).length;
    console.log(`# /client.js: ${body.length} bytes, ${gzipped} gzipped`);
    assert.ok(gzipped <= 4096, `${gzipped} bytes gzipped`);
    const again = await fetch(`${srv.base}/client.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  } finally {
    await srv.stop();
  }
});
