// A small QR code encoder (ISO/IEC 18004:2015), so that the second-factor setup can show its otpauth://
// URI as a code without sending the secret to any outside service. It does what that needs and no more:
// byte mode, error correction level M, versions 1 to 10 (up to 213 bytes), all eight masks tried and the
// one with the lowest penalty (§7.8.3) kept. encodeQr() returns the module matrix (testable without a
// browser); qrSvg() draws it as an SVG of one path, with the four-module quiet zone (§6.3.8).

// Level M, per version: [error correction codewords per block, [blocks, data codewords per block]...]
// (ISO/IEC 18004 Table 9).
const BLOCKS_M = [
  null,
  [10, [1, 16]],
  [16, [1, 28]],
  [26, [1, 44]],
  [18, [2, 32]],
  [24, [2, 43]],
  [16, [4, 27]],
  [18, [4, 31]],
  [22, [2, 38], [2, 39]],
  [22, [3, 36], [2, 37]],
  [26, [4, 43], [1, 44]],
];

// Centre rows/columns of the alignment patterns (Annex E).
const ALIGNMENT = [
  null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]
];

export const MAX_VERSION = 10;

function dataCapacity(version) {
  const [, ...groups] = BLOCKS_M[version];
  return groups.reduce((sum, [count, size]) => sum + count * size, 0);
}

// GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), §7.5.2.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
(() => {
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11D;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
})();

function gfMul(a, b) {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

// The generator polynomial of `degree` EC codewords, highest power first without the leading 1.
function generator(degree) {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= gfMul(poly[j], EXP[i]);
    }
    poly = next;
  }
  return poly.slice(1);
}

function reedSolomon(data, degree) {
  const gen = generator(degree);
  const remainder = new Array(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift();
    remainder.push(0);
    for (let i = 0; i < degree; i++) remainder[i] ^= gfMul(gen[i], factor);
  }
  return remainder;
}

function utf8(text) {
  return Array.from(new TextEncoder().encode(text));
}

// The data codewords: mode 0100 (byte), the count, the bytes, terminator, padding (§7.4).
function dataCodewords(bytes, version) {
  const bits = [];
  const put = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, version <= 9 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const capacityBits = dataCapacity(version) * 8;
  put(0, Math.min(4, capacityBits - bits.length));
  while (bits.length % 8) bits.push(0);
  const codewords = [];
  for (let i = 0; i < bits.length; i += 8) {
    codewords.push(bits.slice(i, i + 8).reduce((v, bit) => (v << 1) | bit, 0));
  }
  for (let pad = 0xEC; codewords.length < dataCapacity(version); pad ^= 0xEC ^ 0x11) codewords.push(pad);
  return codewords;
}

// Blocks, their error correction, interleaved (§7.6).
function finalCodewords(data, version) {
  const [ecPerBlock, ...groups] = BLOCKS_M[version];
  const blocks = [];
  let at = 0;
  for (const [count, size] of groups) {
    for (let i = 0; i < count; i++) {
      const block = data.slice(at, at + size);
      at += size;
      blocks.push({data: block, ec: reedSolomon(block, ecPerBlock)});
    }
  }
  const out = [];
  const longest = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < longest; i++) {
    for (const b of blocks)
      if (i < b.data.length) out.push(b.data[i]);
  }
  for (let i = 0; i < ecPerBlock; i++) {
    for (const b of blocks) out.push(b.ec[i]);
  }
  return out;
}

class Matrix {
  constructor(version) {
    this.version = version;
    this.size = 17 + 4 * version;
    this.dark = Array.from({length: this.size}, () => new Array(this.size).fill(false));
    this.fixed = Array.from({length: this.size}, () => new Array(this.size).fill(false));
  }

  set(row, col, dark) {
    this.dark[row][col] = dark;
    this.fixed[row][col] = true;
  }

  finder(row, col) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const y = row + r;
        const x = col + c;
        if (y < 0 || y >= this.size || x < 0 || x >= this.size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        this.set(y, x, ring !== 2 && ring !== 4);  // 7×7 dark ring, light ring, 3×3 core; light separator
      }
    }
  }

  alignment(row, col) {
    for (let r = -2; r <= 2; r++) {
      for (let c = -2; c <= 2; c++) this.set(row + r, col + c, Math.max(Math.abs(r), Math.abs(c)) !== 1);
    }
  }

  functionPatterns() {
    const n = this.size;
    this.finder(0, 0);
    this.finder(0, n - 7);
    this.finder(n - 7, 0);
    for (let i = 8; i < n - 8; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    const centres = ALIGNMENT[this.version];
    for (const r of centres) {
      for (const c of centres) {
        const nearFinder = (r === 6 && c === 6) || (r === 6 && c === centres[centres.length - 1]) ||
            (r === centres[centres.length - 1] && c === 6);
        if (!nearFinder) this.alignment(r, c);
      }
    }
    this.format(0);  // reserves the format areas; drawn again with the chosen mask
    if (this.version >= 7) this.versionInfo();
  }

  // 15 bits: level M (00) and the mask, BCH(15,5) with 0x537, XOR 0x5412 (§7.9).
  format(mask) {
    const data = (0b00 << 3) | mask;
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) === 1;
    const n = this.size;
    for (let i = 0; i <= 5; i++) this.set(i, 8, bit(i));
    this.set(7, 8, bit(6));
    this.set(8, 8, bit(7));
    this.set(8, 7, bit(8));
    for (let i = 9; i < 15; i++) this.set(8, 14 - i, bit(i));
    for (let i = 0; i < 8; i++) this.set(8, n - 1 - i, bit(i));
    for (let i = 8; i < 15; i++) this.set(n - 15 + i, 8, bit(i));
    this.set(n - 8, 8, true);  // the dark module
  }

  // 18 bits: the version and BCH(18,6) with 0x1F25 (§7.10), versions 7 and up.
  versionInfo() {
    let rem = this.version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1F25);
    const bits = (this.version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.set(b, a, dark);
      this.set(a, b, dark);
    }
  }

  // Two-column zigzag from the bottom right, skipping the vertical timing column (§7.7.3).
  place(codewords) {
    const n = this.size;
    const total = codewords.length * 8;
    let i = 0;
    for (let right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      const upward = ((right + 1) & 2) === 0;
      for (let v = 0; v < n; v++) {
        const row = upward ? n - 1 - v : v;
        for (let j = 0; j < 2; j++) {
          const col = right - j;
          if (this.fixed[row][col]) continue;
          // Remainder bits past the last codeword stay light.
          this.dark[row][col] = i < total && ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  applyMask(mask) {
    const test = MASKS[mask];
    for (let r = 0; r < this.size; r++) {
      for (let c = 0; c < this.size; c++) {
        if (!this.fixed[r][c] && test(r, c)) this.dark[r][c] = !this.dark[r][c];
      }
    }
  }
}

// §7.8.2 Table 10: i is the row, j the column.
const MASKS = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

// §7.8.3: N1 runs of five or more, N2 2×2 blocks, N3 finder-like 1:1:3:1:1 with four light modules on
// one side, N4 the balance of dark and light.
export function penalty(dark) {
  const n = dark.length;
  let score = 0;
  const lines = [];
  for (let r = 0; r < n; r++) lines.push(dark[r]);
  for (let c = 0; c < n; c++) lines.push(dark.map((row) => row[c]));
  const finderA = [true, false, true, true, true, false, true, false, false, false, false];
  const finderB = [false, false, false, false, true, false, true, true, true, false, true];
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    for (let i = 0; i + 11 <= n; i++) {
      if (finderA.every((v, k) => line[i + k] === v) || finderB.every((v, k) => line[i + k] === v))
        score += 40;
    }
  }
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      const v = dark[r][c];
      if (dark[r][c + 1] === v && dark[r + 1][c] === v && dark[r + 1][c + 1] === v) score += 3;
    }
  }
  const darkCount = dark.reduce((sum, row) => sum + row.filter(Boolean).length, 0);
  const percent = (darkCount * 100) / (n * n);
  score += 10 * Math.floor(Math.abs(percent - 50) / 5);
  return score;
}

// The QR code of `text` (UTF-8 bytes): {version, mask, size, modules}, modules[row][col] true for dark.
// forceMask (0-7) skips the choice, for tests. Throws RangeError when the text needs more than version 10.
export function encodeQr(text, {forceMask} = {}) {
  const bytes = utf8(text);
  let version = 1;
  // 4 bits of mode, the count (8 or 16 bits), the bytes.
  while (version <= MAX_VERSION &&
         4 + (version <= 9 ? 8 : 16) + 8 * bytes.length > 8 * dataCapacity(version)) {
    version++;
  }
  if (version > MAX_VERSION) throw new RangeError(`text too long for a QR code here (${bytes.length} bytes)`);
  const codewords = finalCodewords(dataCodewords(bytes, version), version);
  let best = null;
  const masks = forceMask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [forceMask];
  for (const mask of masks) {
    const m = new Matrix(version);
    m.functionPatterns();
    m.place(codewords);
    m.applyMask(mask);
    m.format(mask);
    const score = penalty(m.dark);
    if (!best || score < best.score) best = {score, mask, matrix: m};
  }
  return {version, mask: best.mask, size: best.matrix.size, modules: best.matrix.dark};
}

// An <svg> of the code: one path of unit squares, a white background with the quiet zone, scaled by CSS
// (width/height attributes give its natural size: `scale` pixels a module).
export function qrSvg(text, {scale = 4, title = 'QR code'} = {}) {
  const {size, modules} = encodeQr(text);
  const quiet = 4;
  const full = size + 2 * quiet;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${full} ${full}`);
  svg.setAttribute('width', String(full * scale));
  svg.setAttribute('height', String(full * scale));
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('class', 'qr-code');
  const label = document.createElementNS(ns, 'title');
  label.textContent = title;
  svg.append(label);
  const background = document.createElementNS(ns, 'rect');
  background.setAttribute('width', String(full));
  background.setAttribute('height', String(full));
  background.setAttribute('fill', '#fff');
  svg.append(background);
  let d = '';
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (modules[r][c]) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    }
  }
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  return svg;
}
