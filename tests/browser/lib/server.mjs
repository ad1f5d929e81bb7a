// A static server for a built site that answers like production: the
// `[[headers]]` of netlify.toml on every response, `index.html` for
// folders, and the site's own 404 page (per locale prefix) with status 404.
//
// It listens on 127.0.0.1 only, on a free port the system chooses.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

/** The `[[headers]]` rules of a netlify.toml: [{ pattern: RegExp, values }]. */
export async function readNetlifyHeaders(tomlPath) {
  const config = parseToml(await readFile(tomlPath, 'utf8'));
  return (config.headers ?? []).map((rule) => ({
    for: rule.for,
    pattern: netlifyPattern(rule.for),
    values: rule.values ?? {},
  }));
}

/** Netlify's path patterns: `*` matches anything, also across `/`. */
function netlifyPattern(pattern) {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/** The headers for a path: every matching rule, later rules win per name. */
export function headersFor(rules, urlPath) {
  const headers = {};
  for (const rule of rules) {
    if (rule.pattern.test(urlPath)) {
      for (const [name, value] of Object.entries(rule.values)) {
        headers[name.toLowerCase()] = { name, value: String(value) };
      }
    }
  }
  return Object.fromEntries(Object.values(headers).map(({ name, value }) => [name, value]));
}

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Starts a server for `root`. `locales` are the site's non-default locale
 * prefixes, whose 404 pages live at `/<locale>/404.html`.
 * Returns { url, port, close(), log } where log lists every request.
 */
export async function serve({ root, rules, locales = [] }) {
  const log = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let urlPath;
    try {
      urlPath = decodeURIComponent(url.pathname);
    } catch {
      urlPath = url.pathname;
    }
    let status = 200;
    let file = null;
    if (!urlPath.split('/').includes('..')) {
      const candidate = path.join(root, urlPath);
      if (urlPath.endsWith('/')) {
        if (await isFile(path.join(candidate, 'index.html'))) file = path.join(candidate, 'index.html');
      } else if (await isFile(candidate)) {
        file = candidate;
      } else if (await isFile(path.join(candidate, 'index.html'))) {
        // Netlify redirects /privacy to /privacy/ (pretty URLs).
        res.writeHead(301, { ...headersFor(rules, urlPath), Location: `${url.pathname}/${url.search}` });
        res.end();
        log.push({ method: req.method, path: req.url, status: 301 });
        return;
      }
    }
    if (!file) {
      status = 404;
      const first = urlPath.split('/')[1];
      const localized = locales.includes(first) ? path.join(root, first, '404.html') : null;
      file = localized && (await isFile(localized)) ? localized : path.join(root, '404.html');
    }
    log.push({ method: req.method, path: req.url, status });
    let body;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    // Netlify applies the rules to the path that was asked for.
    const headers = {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ...headersFor(rules, urlPath),
    };
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
