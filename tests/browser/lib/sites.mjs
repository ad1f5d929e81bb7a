// The sites under test: HexGen's portal and the multilingual (Arabic)
// fixture, built by legalsite for a fixed day, and every HTML page of
// them, each with its kind and locale.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUITE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO = path.resolve(SUITE_DIR, '..', '..');
/** Everything the suite writes: sites, screenshots, PDFs, reports. */
export const OUT = path.join(REPO, 'target', 'browser');
export const DATE = process.env.LEGALSITE_DATE ?? '2026-11-30';

/** The legalsite binary: $LEGALSITE_BIN, else the release build. */
export function legalsiteBin() {
  if (process.env.LEGALSITE_BIN) return process.env.LEGALSITE_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO, process.env.CARGO_TARGET_DIR)
    : path.join(REPO, 'target');
  return path.join(targetDir, 'release', 'legalsite');
}

export const SITES = [
  { name: 'hexgen', root: REPO, out: path.join(OUT, 'public') },
  { name: 'multilingual', root: path.join(REPO, 'tests', 'fixtures', 'multilingual'), out: path.join(OUT, 'multilingual') },
];

/** Builds a site; `baseUrl` overrides site.yaml's base_url. */
export function build(site, { out = site.out, baseUrl } = {}) {
  const bin = legalsiteBin();
  if (!existsSync(bin)) throw new Error(`legalsite not found at ${bin}: run cargo build --release first, or set LEGALSITE_BIN`);
  rmSync(out, { recursive: true, force: true });
  const args = ['build', '--root', site.root, '--date', DATE, '--out', out];
  if (baseUrl) args.push('--base-url', baseUrl);
  execFileSync(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return out;
}

function walk(dir, files = []) {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, files);
    else files.push(full);
  }
  return files;
}

/** Every file of a built site, as paths relative to its root. */
export function files(out) {
  return walk(out).map((f) => path.relative(out, f).split(path.sep).join('/'));
}

/**
 * Reads a built site: its settings (policies.json) and its pages.
 * Each page: { site, file, url, locale, kind, policy, version, old, new }.
 * Kinds: portal, site-changes, current, archived, upcoming, version
 * (a version page of the version in effect), changelog, compare, 404, notice.
 */
export function describeSite(site, out = site.out) {
  const policies = JSON.parse(readFileSync(path.join(out, 'policies.json'), 'utf8'));
  const status = {};
  for (const policy of policies.policies) {
    const versions = JSON.parse(readFileSync(path.join(out, policy.slug, 'versions.json'), 'utf8'));
    status[policy.slug] = Object.fromEntries(versions.versions.map((v) => [v.id, v.status]));
  }
  const locales = policies.locales;
  const prefixes = locales.filter((l) => l !== policies.default_locale);
  const pages = [];
  for (const file of files(out)) {
    if (!file.endsWith('.html')) continue;
    let parts = file.split('/');
    let locale = policies.default_locale;
    if (prefixes.includes(parts[0])) {
      locale = parts[0];
      parts = parts.slice(1);
    }
    const last = parts.pop();
    const url = '/' + file.replace(/(^|\/)index\.html$/, '$1');
    const page = { site: site.name, file, url, locale };
    if (last === '404.html') page.kind = '404';
    else if (last === 'notice.html') Object.assign(page, { kind: 'notice', policy: parts[0], version: parts[1] });
    else if (last !== 'index.html') page.kind = 'other';
    else if (parts.length === 0) page.kind = 'portal';
    else if (parts.length === 1 && parts[0] === 'changes') page.kind = 'site-changes';
    else if (parts.length === 1) Object.assign(page, { kind: 'current', policy: parts[0] });
    else if (parts.length === 2 && parts[1] === 'changes') Object.assign(page, { kind: 'changelog', policy: parts[0] });
    else if (parts.length === 2) {
      const s = status[parts[0]]?.[parts[1]];
      Object.assign(page, { kind: s === 'current' ? 'version' : s ?? 'unknown', policy: parts[0], version: parts[1] });
    } else if (parts.length === 3 && parts[1] === 'compare') {
      const [oldId, newId] = parts[2].split('...');
      Object.assign(page, { kind: 'compare', policy: parts[0], old: oldId, new: newId });
    } else page.kind = 'unknown';
    pages.push(page);
  }
  return { ...site, out, settings: policies, locales, prefixes, pages };
}

/** One page per (kind, locale) of a site: the first one in file order. */
export function onePerKindAndLocale(pages) {
  const seen = new Set();
  return pages.filter((p) => {
    const key = `${p.kind} ${p.locale}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
