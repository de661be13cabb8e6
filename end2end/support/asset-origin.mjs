// A second origin serving the built site's pkg/ folder, standing in for CloudFront in front of the
// asset bucket: the same paths (`/pkg/<file>`), the Content-Types publish-assets uploads, and the
// CORS header that CloudFront's response-headers policy adds (docs/architecture.md, decision 6).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { SITE_ROOT } from './server.mjs';

const CONTENT_TYPES = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/**
 * @param {{ cors?: boolean }} [options] `cors: false` leaves out Access-Control-Allow-Origin, as a
 *   misconfigured CDN would
 * @returns {Promise<{ origin: string, requests: string[], stop: () => Promise<void> }>}
 *   `requests`: every path asked for, in order
 */
export async function startAssetOrigin({ cors = true } = {}) {
  const pkgDir = path.join(SITE_ROOT, 'pkg');
  const requests = [];
  const server = createServer((request, response) => {
    const urlPath = new URL(request.url, 'http://localhost').pathname;
    requests.push(urlPath);
    const file = fileFor(pkgDir, urlPath);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    const headers = {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
    };
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    response.writeHead(200, headers);
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    async stop() {
      // Browsers keep connections alive; close() alone would wait for them.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `/pkg/<name>` → the file in pkgDir, or null when it is outside pkg/ or not a file. */
function fileFor(pkgDir, urlPath) {
  if (!urlPath.startsWith('/pkg/')) return null;
  const file = path.join(pkgDir, decodeURIComponent(urlPath.slice('/pkg/'.length)));
  if (!file.startsWith(pkgDir + path.sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}
