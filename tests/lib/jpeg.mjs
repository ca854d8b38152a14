// jpeg.mjs - JPEGs made in the test itself (no image files, no image library): a baseline encoder for
// flat 8x8 blocks, and the camera metadata a photo carries (an EXIF APP1 segment with the artist, the
// camera's serial number and a GPS position; an XMP packet; a comment) to check that it never reaches
// readers. See tests/unit/test_media.c for the same EXIF built in C.

/** What the camera metadata says, as the bytes a leak would show (Latin-1 strings). */
export const SECRET = {
  make: 'SecretCam',
  model: 'SecretCam Z9',
  artist: 'Jane Q. Photographer',
  serial: 'SN-4C0012345678',
  xmp: 'XmpSecretLocation',
  comment: 'CommentSecret',
};
const LAT = [[33, 1], [53, 1], [4512, 100]]; // 33°53'45.12" N
const LON = [[35, 1], [30, 1], [1234, 100]]; // 35°30'12.34" E

/** The GPS latitude as it sits in the EXIF block (three big-endian rationals): no output may hold it. */
export function gpsBytes() {
  const b = Buffer.alloc(24);
  LAT.forEach(([n, d], i) => { b.writeUInt32BE(n, 8 * i); b.writeUInt32BE(d, 8 * i + 4); });
  return b;
}

// TIFF field types: BYTE 1, ASCII 2, SHORT 3, LONG 4, RATIONAL 5
const ascii = (tag, s) => ({ tag, type: 2, count: s.length + 1, data: Buffer.from(`${s}\0`, 'latin1') });
const rationals = (tag, rs) => {
  const data = Buffer.alloc(8 * rs.length);
  rs.forEach(([n, d], i) => { data.writeUInt32BE(n, 8 * i); data.writeUInt32BE(d, 8 * i + 4); });
  return { tag, type: 5, count: rs.length, data };
};
const short = (tag, v) => { const data = Buffer.alloc(2); data.writeUInt16BE(v); return { tag, type: 3, count: 1, data }; };
const long = (tag, v) => { const data = Buffer.alloc(4); data.writeUInt32BE(v); return { tag, type: 4, count: 1, data }; };

/** Bytes an IFD with these entries takes, its out-of-line values included. */
function ifdSize(entries) {
  return 2 + 12 * entries.length + 4 + entries.reduce((s, e) => s + (e.data.length > 4 ? (e.data.length + 1) & ~1 : 0), 0);
}

/** One big-endian IFD placed at offset `at` of the TIFF block, its long values right after it. */
function ifd(entries, at) {
  const out = Buffer.alloc(ifdSize(entries));
  out.writeUInt16BE(entries.length, 0);
  let extra = 2 + 12 * entries.length + 4;
  entries.forEach((e, i) => {
    const p = 2 + 12 * i;
    out.writeUInt16BE(e.tag, p);
    out.writeUInt16BE(e.type, p + 2);
    out.writeUInt32BE(e.count, p + 4);
    if (e.data.length <= 4) {
      e.data.copy(out, p + 8);
    } else {
      out.writeUInt32BE(at + extra, p + 8);
      e.data.copy(out, extra);
      extra += (e.data.length + 1) & ~1;
    }
  });
  return out; // next-IFD offset stays 0
}

/**
 * The payload of a camera's EXIF APP1 segment ("Exif\0\0" and a big-endian TIFF block): make, model,
 * artist and orientation in IFD0, the body serial number in the Exif IFD, latitude and longitude in
 * the GPS IFD.
 */
export function exifBlock({ orientation = 1 } = {}) {
  const exif = [ascii(0xa431, SECRET.serial)]; // BodySerialNumber
  const gps = [
    { tag: 0x0000, type: 1, count: 4, data: Buffer.from([2, 3, 0, 0]) }, // GPSVersionID
    ascii(0x0001, 'N'), rationals(0x0002, LAT), ascii(0x0003, 'E'), rationals(0x0004, LON),
  ];
  const ifd0 = (exifAt, gpsAt) => [ascii(0x010f, SECRET.make), ascii(0x0110, SECRET.model), short(0x0112, orientation),
    ascii(0x013b, SECRET.artist), long(0x8769, exifAt), long(0x8825, gpsAt)];
  const exifAt = 8 + ifdSize(ifd0(0, 0));
  const gpsAt = exifAt + ifdSize(exif);
  const tiff = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), ifd(ifd0(exifAt, gpsAt), 8),
    ifd(exif, exifAt), ifd(gps, gpsAt)]);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** An XMP packet (the APP1 payload) that names the place and the photographer. */
export function xmpBlock() {
  return Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" ' +
    `exif:GPSLatitude="33,53.752N" exif:UserComment="${SECRET.xmp}"/></rdf:RDF></x:xmpmeta>`, 'latin1');
}

/** An XMP APP1 payload holding the given inner RDF (and an optional DOCTYPE before the packet). */
export const xmpApp1 = (rdf, doctype = '') => Buffer.from(`http://ns.adobe.com/xap/1.0/\0${doctype}<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF `
  + `xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" `
  + `xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">${rdf}</rdf:Description></rdf:RDF></x:xmpmeta>`, 'utf8');

/** An IPTC APP13 payload (Photoshop 3.0, resource 0x0404) with IIM records [[dataset, bytes]] of record 2. */
export function iptcApp13(records) {
  const iim = Buffer.concat(records.map(([ds, v]) => {
    const b = Buffer.from(v);
    return Buffer.concat([Buffer.from([0x1c, 2, ds, b.length >> 8, b.length & 255]), b]);
  }));
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iim.length);
  return Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), Buffer.from('8BIM', 'latin1'), Buffer.from([4, 4, 0, 0]), size, iim,
    Buffer.alloc(iim.length & 1)]);
}

/** A marker segment: FF, marker, 2-byte length, payload. */
function segment(marker, payload) {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Huffman codes {symbol: [code, length]} of a table given as counts per length 1..16 and symbols. */
function huffCodes(bits, symbols) {
  const codes = {};
  let code = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < bits[len - 1]; i++) codes[symbols[k++]] = [code++, len];
    code <<= 1;
  }
  return codes;
}

const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]; // the standard luminance DC table
const DC_SYMS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS = [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // only EOB and ZRL: every AC is zero
const AC_SYMS = [0x00, 0xf0];

/** Collects bits MSB first into bytes, stuffing 0x00 after every 0xFF. */
class BitWriter {
  constructor() { this.bytes = []; this.acc = 0; this.n = 0; }
  put(value, len) {
    for (let i = len - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  flushByte() {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.n = 0;
  }
  end() {
    while (this.n) this.put(1, 1); // pad with ones
    return Buffer.from(this.bytes);
  }
}

/**
 * A baseline colour JPEG (4:4:4, one quantisation table of 8s) w x h pixels, each 8x8 block flat: red
 * grows across, green down, blue fixed, as in png.mjs. `segments` are [marker, payload] pairs written
 * right after SOI, e.g. [[0xe1, exifBlock()], [0xe1, xmpBlock()], [0xfe, Buffer.from('comment')]].
 */
export function jpeg(w, h, { blue = 128, segments = [] } = {}) {
  const dc = huffCodes(DC_BITS, DC_SYMS), ac = huffCodes(AC_BITS, AC_SYMS);
  const sof = Buffer.from([8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
  const dht = Buffer.concat([Buffer.from([0x00, ...DC_BITS, ...DC_SYMS]), Buffer.from([0x10, ...AC_BITS, ...AC_SYMS])]);
  const sos = Buffer.from([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);
  const bw = new BitWriter();
  const pred = [0, 0, 0];
  for (let by = 0; by < Math.ceil(h / 8); by++) {
    for (let bx = 0; bx < Math.ceil(w / 8); bx++) {
      const r = Math.min(255, (bx * 8 * 255) / w), g = Math.min(255, (by * 8 * 255) / h), b = blue;
      const ycc = [0.299 * r + 0.587 * g + 0.114 * b, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b];
      for (let c = 0; c < 3; c++) {
        // the DC coefficient of a flat block is 8 (v - 128); quantised by 8 it is v - 128
        const v = Math.max(-128, Math.min(127, Math.round(ycc[c] - 128)));
        const diff = v - pred[c];
        pred[c] = v;
        const mag = Math.abs(diff), cat = mag === 0 ? 0 : 32 - Math.clz32(mag);
        bw.put(...dc[cat]);
        if (cat) bw.put(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
        bw.put(...ac[0x00]); // EOB
      }
    }
  }
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments.map(([m, p]) => segment(m, p)),
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 8)])), segment(0xc0, sof), segment(0xc4, dht),
    segment(0xda, sos), bw.end(), Buffer.from([0xff, 0xd9])]);
}

/** A photo as a camera writes it: jpeg(w, h) with the EXIF (GPS, artist, serial), XMP and a comment. */
export function cameraJpeg(w, h, { orientation = 1, blue = 128 } = {}) {
  return jpeg(w, h, { blue, segments: [[0xe1, exifBlock({ orientation })], [0xe1, xmpBlock()],
    [0xfe, Buffer.from(`${SECRET.comment} <script>alert(1)</script>`, 'latin1')]] });
}

/**
 * What a served image must not hold: each secret string, the GPS rationals, and the headers of EXIF,
 * XMP and ICC data in any of the three formats. Returns the names of the leaks found ([] when clean).
 */
export function metadataLeaks(bytes) {
  const b = Buffer.from(bytes);
  const found = [];
  for (const [name, s] of Object.entries(SECRET)) if (b.includes(Buffer.from(s, 'latin1'))) found.push(name);
  if (b.includes(gpsBytes())) found.push('gps');
  for (const h of ['Exif\0\0', 'http://ns.adobe.com/xap/1.0/', '<x:xmpmeta', 'ICC_PROFILE', 'iCCP', 'eXIf', 'iTXt',
    'tEXt', 'zTXt', 'EXIF', 'XMP ', 'ICCP']) {
    if (b.includes(Buffer.from(h, 'latin1'))) found.push(JSON.stringify(h));
  }
  return found;
}
