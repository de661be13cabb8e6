// Starts the release-built server the way production runs it, on a free port and a fresh SQLite
// file, and stops it afterwards. Readiness is the server's own "listening on" log line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TARGET_DIR = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
export const SERVER_BIN = process.env.MEALVOTE_BIN ?? path.join(TARGET_DIR, 'release', 'mealvote');
export const SITE_ROOT = process.env.MEALVOTE_SITE_ROOT ?? path.join(ROOT, 'target', 'site');

const STARTUP_DEADLINE_MS = 30_000;

/**
 * @param {{ env?: Record<string, string> }} [options] extra environment for the server
 * @returns {Promise<{ baseUrl: string, pid: number, logs: () => string, stop: () => Promise<void> }>}
 */
export async function startServer({ env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mealvote-e2e-'));
  const child = spawn(SERVER_BIN, ['serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite://${dataDir}/mealvote.db`,
      LEPTOS_SITE_ROOT: SITE_ROOT,
      LEPTOS_HASH_FILES: 'true',
      LEPTOS_ENV: 'PROD',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not report listening within ${STARTUP_DEADLINE_MS} ms:\n${output}`)),
      STARTUP_DEADLINE_MS,
    );
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${SERVER_BIN}: ${error.message} (build it with cargo leptos build --release)`));
    });
  });

  return {
    baseUrl,
    pid: child.pid,
    logs: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
