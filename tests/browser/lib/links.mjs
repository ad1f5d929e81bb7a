// Links: lychee, offline, over a built site. Links to the site's own
// base URL (canonical, hreflang, sitemap, feeds, email notices) are mapped
// to the files of the output, so they are checked like any other link;
// `--include-fragments` checks every #anchor against the ids of its page.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { files } from './sites.mjs';

/** lychee: $LYCHEE, else ~/.cargo/bin/lychee, else on PATH. */
export function lycheeBin() {
  if (process.env.LYCHEE) return process.env.LYCHEE;
  const cargoBin = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'bin', 'lychee');
  return existsSync(cargoBin) ? cargoBin : 'lychee';
}

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Checks every link of a site's output. Resolves to
 * { total, fragments, absolute, errors: [ "file: url (status)" ] }.
 */
export function checkLinks(site, outputFile, extraInputs = []) {
  const out = site.out;
  const base = site.settings.base_url.replace(/\/$/, '');
  // HTML pages, the sitemap, robots.txt, the JSON files and the email
  // notices' text. Not the Atom feeds: lychee reads them as plain text and
  // takes the escaped HTML of their entries for part of the URLs.
  const inputs = files(out)
    .filter((f) => /\.(html|xml|txt|json)$/.test(f) && !f.startsWith('_'))
    .map((f) => path.join(out, f));
  const args = [
    '--offline',
    '--include-fragments',
    '--no-progress',
    '--format', 'json',
    '--output', outputFile,
    '--root-dir', out,
    '--index-files', 'index.html',
    // https://hexgen.app/privacy/ -> the output's privacy/ (index.html).
    '--remap', `^${escapeRegex(base)}(/[^?#]*)?(.*)$ file://${out}$1$2`,
    // --verbose: the report lists the links that work too (counted below).
    '--verbose',
    ...inputs,
    ...extraInputs,
  ];
  return new Promise((resolve, reject) => {
    execFile(lycheeBin(), args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && error.code !== 2) return reject(new Error(`lychee failed (${error.code}): ${stderr}`));
      let result;
      try {
        result = JSON.parse(readFileSync(outputFile, 'utf8'));
      } catch (e) {
        return reject(new Error(`lychee wrote no report: ${e.message}\n${stderr}`));
      }
      const errors = [];
      for (const [input, list] of Object.entries(result.error_map ?? result.fail_map ?? {})) {
        for (const entry of list) errors.push(`${path.relative(out, input)}: ${entry.url} (${entry.status?.text ?? JSON.stringify(entry.status)})`);
      }
      const successes = Object.values(result.success_map ?? {}).flat();
      resolve({
        total: result.total,
        fragments: successes.filter((e) => e.url.includes('#')).length,
        absolute: successes.filter((e) => e.url.startsWith('file://') && !e.url.includes('#')).length,
        excluded: result.excludes,
        errors,
        stdout,
      });
    });
  });
}
