// The W3C Nu Html Checker (vnu.jar from the npm package vnu-jar, run on the
// machine's Java) over whole output folders at once.

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Path of vnu.jar as the npm package ships it. */
export const VNU_JAR = String(require('vnu-jar'));

/** A message of vnu's language detection ("appears to be written in ..."). */
export function isLanguageMessage(message) {
  return /appears to be written in/.test(message.message);
}

/**
 * Runs vnu over folders and files; resolves to its messages, each with the
 * file it is about. `--skip-non-html` keeps it to .html files in folders.
 */
export function vnu(inputs, { java = process.env.JAVA ?? 'java' } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      java,
      ['-Xss16m', '-jar', VNU_JAR, '--format', 'json', '--skip-non-html', '--also-check-svg', '--exit-zero-always', ...inputs],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`vnu failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stderr || stdout).messages);
        } catch (e) {
          reject(new Error(`vnu printed no JSON: ${e.message}\n${stderr.slice(0, 2000)}`));
        }
      },
    );
  });
}

/**
 * A page whose text is plainly English but says lang="de": vnu must flag
 * it, or its language detection is not running and a clean result would
 * prove nothing.
 */
export function writeLanguageCanary(dir) {
  mkdirSync(dir, { recursive: true });
  const paragraph =
    '<p>This policy explains what personal data the team collects when you use the service, how we use it, ' +
    'and the choices you have. We collect only what we need to run the service for you, we never sell your ' +
    'data, and you can ask us to delete it at any time. We will answer within thirty days, unless the law ' +
    'requires us to keep some of it for longer, in which case we tell you why and for how long.</p>\n';
  const file = path.join(dir, 'index.html');
  writeFileSync(
    file,
    `<!doctype html>\n<html lang="de">\n<head><meta charset="utf-8"><title>Canary</title></head>\n` +
      `<body><main><h1>Privacy Policy</h1>\n${paragraph.repeat(5)}</main></body></html>\n`,
  );
  return file;
}
