// Draws web/js/qr.js's matrix of a text as a PGM image (4 pixels a module, 4-module quiet zone), for
// test_qr_code.py to decode with zbarimg. Usage: node qr_to_pgm.mjs TEXT MASK|auto OUT.pgm; prints the
// version and mask chosen as JSON.
import {writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const {encodeQr} = await import(pathToFileURL(join(here, '..', '..', 'web', 'js', 'qr.js')).href);

const [text, maskArg, out] = process.argv.slice(2);
const forceMask = maskArg === 'auto' ? undefined : Number(maskArg);
const {size, modules, version, mask} = encodeQr(text, {forceMask});
const quiet = 4;
const scale = 4;
const full = (size + 2 * quiet) * scale;
const lines = [`P2`, `${full} ${full}`, `255`];
for (let y = 0; y < full; y++) {
  const row = [];
  for (let x = 0; x < full; x++) {
    const r = Math.floor(y / scale) - quiet;
    const c = Math.floor(x / scale) - quiet;
    row.push(r >= 0 && r < size && c >= 0 && c < size && modules[r][c] ? 0 : 255);
  }
  lines.push(row.join(' '));
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(JSON.stringify({version, mask, size}));
