// What an operator's Prometheus scrapes (docs/operations.md, "Metrics"): the text passes
// `promtool check metrics` on a live server that has done some work; the process figures,
// the build, and the histograms (HTTP by route, database jobs, event delivery, replay pages)
// move with what happened; closes are counted by code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, api, startServer, token } from './lib/server.mjs';

// Runs promtool with `args` (and `input` on its standard input); a missing promtool fails.
function promtool(args, input = '') {
  const run = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (run.error) throw new Error('promtool is not installed (scripts/bootstrap.sh installs the prometheus package)');
  return run;
}

// name{labels} value, for the series of one scrape.
function parse(text) {
  const series = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

const scrape = async (srv) => parse(await (await fetch(`${srv.base}/metrics`)).text());

test('a live server\'s /metrics passes promtool check metrics, with process figures, build info and histograms that move', async () => {
  const srv = await startServer();
  try {
    const admin = token(1, 'admin');
    const customer = token(10, 'user');
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Omsk' })).body.id;
    const item = (await api(srv, 'POST', '/api/menu', admin, { name: 'Soup', price: 100 })).body.id;
    // A socket that resumes, so a replay page is served; one that is refused (4001).
    const first = new Client(srv.wsUrl(admin));
    const hello = await first.next();
    first.close();
    await api(srv, 'POST', '/api/orders', customer, { city_id: city, items: [{ menuItemId: item, quantity: 1 }] });
    const resumed = new Client(`${srv.wsUrl(admin)}&since=${hello.data.lastEventId}&epoch=${hello.data.epoch}`);
    assert.equal((await resumed.next()).data.recovered, true);
    await resumed.next(); // the new-order replayed
    resumed.close();
    const refused = new Client(srv.wsUrl('not-a-token'));
    assert.equal((await refused.closed).code, 4001);
    await fetch(`${srv.base}/nowhere`);

    const text = await (await fetch(`${srv.base}/metrics`)).text();
    const checked = promtool(['check', 'metrics'], text);
    assert.equal(checked.status, 0, `promtool: ${checked.stdout}${checked.stderr}`);
    assert.equal(`${checked.stdout}${checked.stderr}`.trim(), '', 'no warnings either');
    const m = parse(text);
    const version = spawnSync(process.env.ORDERCAST_BIN, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[1];
    assert.equal(m.get(`ordercast_build_info{version="${version}"}`), 1);
    assert.ok(m.get('process_resident_memory_bytes') > 1e6);
    assert.ok(m.get('process_open_fds') > 3 && m.get('process_open_fds') < m.get('process_max_fds'));
    assert.ok(Math.abs(m.get('process_start_time_seconds') - Date.now() / 1000) < 120);
    assert.ok(m.get('process_cpu_seconds_total') >= 0);
    assert.equal(m.get('ordercast_http_request_duration_seconds_count{method="POST",route="/api/orders",code="2xx"}'), 1);
    assert.equal(m.get('ordercast_http_request_duration_seconds_count{route="unmatched",code="4xx"}'), 1);
    assert.ok(m.get('ordercast_db_job_run_seconds_count') >= 3);
    assert.ok(m.get('ordercast_db_job_wait_seconds_count') >= 3);
    assert.equal(m.get('ordercast_db_queue_depth'), 0);
    assert.ok(m.get('ordercast_event_delivery_seconds_count') >= 2, 'new-order and order-created were delivered');
    assert.equal(m.get('ordercast_replay_page_events_count'), 1);
    assert.equal(m.get('ordercast_replay_page_events_bucket{le="1"}'), 1, [...m].filter(([k]) => k.includes('replay_page')).join(' '));
    assert.equal(m.get('ordercast_closes_total{code="4001"}'), 1);
    assert.equal(m.get('ordercast_closes_total{code="1013"}'), 0);

    // Counters only grow; the HTTP histogram counts the next scrape's request too.
    const again = await scrape(srv);
    assert.ok(again.get('ordercast_http_request_duration_seconds_count{method="GET",route="/metrics",code="2xx"}') >= 1);
    assert.ok(again.get('process_cpu_seconds_total') >= m.get('process_cpu_seconds_total'));
  } finally {
    await srv.stop();
  }
});

test('deploy/grafana-dashboard.json: valid JSON whose every query parses (promtool) and names only metrics a live server exposes', async () => {
  const dashboard = JSON.parse(fs.readFileSync(new URL('../../deploy/grafana-dashboard.json', import.meta.url)));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  assert.ok(dashboard.panels.length >= 10 && exprs.length >= 20);
  // Grafana's $__rate_interval is not PromQL: a fixed range stands in for promtool.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-dashboard-'));
  try {
    const rules = exprs.map((e, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(e.replaceAll('$__rate_interval', '5m'))}`);
    fs.writeFileSync(path.join(dir, 'rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const checked = promtool(['check', 'rules', path.join(dir, 'rules.yml')]);
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const srv = await startServer([], { GULYASH_URL: 'http://127.0.0.1:9' });
  try {
    const text = await (await fetch(`${srv.base}/metrics`)).text();
    const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:ordercast|process)_[a-z_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''))));
    assert.deepEqual([...named].filter((n) => !families.has(n)), []);
  } finally {
    await srv.stop();
  }
});
