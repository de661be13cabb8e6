// Size and memory budgets of the release build. Prints the numbers; fails only past a budget.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SITE_ROOT, startServer } from '../support/server.mjs';

const WASM_BROTLI_BUDGET = 250 * 1024;

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function compressedSizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

test(`the release WASM stays within ${kb(WASM_BROTLI_BUDGET)} brotli`, () => {
  const pkg = path.join(SITE_ROOT, 'pkg');
  const files = readdirSync(pkg).filter((name) => /\.(wasm|js|css)$/.test(name));
  const wasm = files.filter((name) => name.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `exactly one .wasm in ${pkg}: ${files}`);
  for (const name of files) {
    const { raw, gzip, brotli } = compressedSizes(path.join(pkg, name));
    console.log(`budget: ${name}: raw ${kb(raw)}, gzip ${kb(gzip)}, brotli ${kb(brotli)}`);
  }
  const { brotli } = compressedSizes(path.join(pkg, wasm[0]));
  assert.ok(brotli <= WASM_BROTLI_BUDGET, `WASM is ${kb(brotli)} brotli, over the budget`);
});

test('the server idles in little memory after start', async () => {
  const server = await startServer();
  try {
    // One page view so the numbers include a warmed renderer and an open database connection.
    assert.equal((await fetch(server.baseUrl)).status, 200);
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const rssKb = Number(status.match(/VmRSS:\s+(\d+) kB/)[1]);
    console.log(`budget: server idle RSS ${(rssKb / 1024).toFixed(1)} MB`);
    // App Runner's smallest instance has 512 MB; stay far below it.
    assert.ok(rssKb < 128 * 1024, `server RSS ${rssKb} kB`);
  } finally {
    await server.stop();
  }
});
