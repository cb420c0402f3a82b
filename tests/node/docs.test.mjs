// The docs a newcomer walks stay walkable: every relative link in README.md, docs/ and
// clients/js/ points at a file that exists (and, with #anchor, at a heading in it), and every
// `docs/protocol.md §N` (or §N.M) cited in the code, tests and docs names a section of the
// contract that exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const markdown = ['README.md', 'clients/js/README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

// GitHub's anchors: the heading in lower case, punctuation dropped, spaces to dashes.
function anchors(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, h]) =>
    h.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(cpp|hpp|mjs|js|ts|sh|md|cmake|txt)$/.test(entry.name)) out.push(full);
  }
  return out;
}

test('every relative link in the README and docs points at a file and heading that exist', () => {
  const broken = [];
  let checked = 0;
  for (const doc of markdown) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;  // http:, https:, mailto:
      checked++;
      const [file, anchor] = target.split('#');
      const resolved = file ? path.resolve(path.dirname(path.join(root, doc)), file) : path.join(root, doc);
      if (!fs.existsSync(resolved)) broken.push(`${doc}: ${target} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${doc}: ${target} (no such heading)`);
    }
  }
  assert.ok(checked > 30, `only ${checked} links found`);
  assert.deepEqual(broken, []);
});

test('every metric of src/metrics/catalog.hpp is described for operators in docs/operations.md', () => {
  const catalog = fs.readFileSync(path.join(root, 'src/metrics/catalog.hpp'), 'utf8');
  const names = [...catalog.matchAll(/"(ordercast_[a-z_]+)"/g)].map(([, n]) => n);
  assert.ok(names.length > 25, `only ${names.length} metrics in the catalog`);
  const operations = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
  assert.deepEqual(names.filter((n) => !operations.includes(`\`${n}`)), []);
});

test('every docs/protocol.md §N cited in code, tests and docs is a section of the contract', () => {
  const contract = fs.readFileSync(path.join(root, 'docs/protocol.md'), 'utf8');
  const sections = new Set([...contract.matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map(([, n]) => n));
  assert.ok(sections.has('10') && sections.has('12.1'), 'the contract is numbered');
  const wrong = [];
  let cited = 0;
  for (const file of ['src', 'tests', 'clients', 'docs', 'bench', 'scripts', 'fuzz', 'web'].flatMap((d) => sourceFiles(path.join(root, d)))) {
    const text = fs.readFileSync(file, 'utf8');
    // "docs/protocol.md §10", "protocol.md §7, §12.2" — every § after a mention of the file.
    for (const [mention] of text.matchAll(/protocol\.md( §\d+(?:\.\d+)?(?:,? (?:and )?§\d+(?:\.\d+)?)*)/g)) {
      for (const [, n] of mention.matchAll(/§(\d+(?:\.\d+)?)/g)) {
        cited++;
        if (!sections.has(n)) wrong.push(`${path.relative(root, file)}: §${n}`);
      }
    }
  }
  assert.ok(cited > 40, `only ${cited} citations found`);
  assert.deepEqual(wrong, []);
  assert.equal([...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/\n/g)].length <= 200, true, 'the README is a front page (200 lines at most)');
});
