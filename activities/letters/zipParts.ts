import zlib from 'node:zlib';

// A zip written in parts (A9): each letter batch writes its own entries (local header + single-page PDF, stored,
// since PDFs are compressed already) as soon as it is made, and the central directory is written once at the end
// from the entries' names, CRCs, sizes and positions. Nothing is copied or re-read to assemble the file. ZIP64
// records are added when the zip passes 65,535 entries or 4 GiB, so there is no limit on the number of candidates.

export interface ZipEntryInfo {
  name: string;
  crc: number;
  size: number;
  /** Position of the entry's local header: relative to its part until the part's place in the file is known. */
  offset: number;
}

const FLAG_UTF8 = 0x0800;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
const VERSION_MADE_BY = (3 << 8) | 45; // Unix, 4.5
const U32 = 0xffffffff;

/** Date and time in MS-DOS format (two-second resolution, local fields taken as UTC). */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** One stored entry: its local header followed by the data. */
export function zipEntry(name: string, data: Buffer, mtime: Date): { bytes: Buffer; crc: number; size: number } {
  const nameBytes = Buffer.from(name, 'utf8');
  if (data.length >= U32) throw new RangeError(`${name} is too large for a zip entry`);
  const crc = zlib.crc32(data);
  const { time, date } = dosDateTime(mtime);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(FLAG_UTF8, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(time, 10);
  h.writeUInt16LE(date, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(data.length, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  h.writeUInt16LE(0, 28);
  return { bytes: Buffer.concat([h, nameBytes, data]), crc, size: data.length };
}

/** The central directory and end records for entries at absolute offsets, the directory starting at `start`. */
export function zipDirectory(entries: ZipEntryInfo[], start: number, mtime: Date): Buffer {
  const { time, date } = dosDateTime(mtime);
  const records: Buffer[] = [];
  for (const e of entries) {
    const nameBytes = Buffer.from(e.name, 'utf8');
    const far = e.offset >= U32;
    const extra = far ? Buffer.alloc(12) : Buffer.alloc(0);
    if (far) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(e.offset), 4);
    }
    const r = Buffer.alloc(46);
    r.writeUInt32LE(0x02014b50, 0);
    r.writeUInt16LE(VERSION_MADE_BY, 4);
    r.writeUInt16LE(far ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 6);
    r.writeUInt16LE(FLAG_UTF8, 8);
    r.writeUInt16LE(0, 10);
    r.writeUInt16LE(time, 12);
    r.writeUInt16LE(date, 14);
    r.writeUInt32LE(e.crc >>> 0, 16);
    r.writeUInt32LE(e.size, 20);
    r.writeUInt32LE(e.size, 24);
    r.writeUInt16LE(nameBytes.length, 28);
    r.writeUInt16LE(extra.length, 30);
    r.writeUInt16LE(0, 32); // comment
    r.writeUInt16LE(0, 34); // disk
    r.writeUInt16LE(0, 36); // internal attributes
    r.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    r.writeUInt32LE(far ? U32 : e.offset, 42);
    records.push(r, nameBytes, extra);
  }
  const directory = Buffer.concat(records);
  const end: Buffer[] = [];
  const zip64 = entries.length >= 0xffff || start >= U32 || directory.length >= U32;
  if (zip64) {
    const at = start + directory.length;
    const e64 = Buffer.alloc(56);
    e64.writeUInt32LE(0x06064b50, 0);
    e64.writeBigUInt64LE(44n, 4);
    e64.writeUInt16LE(VERSION_MADE_BY, 12);
    e64.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    e64.writeUInt32LE(0, 16);
    e64.writeUInt32LE(0, 20);
    e64.writeBigUInt64LE(BigInt(entries.length), 24);
    e64.writeBigUInt64LE(BigInt(entries.length), 32);
    e64.writeBigUInt64LE(BigInt(directory.length), 40);
    e64.writeBigUInt64LE(BigInt(start), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(at), 8);
    locator.writeUInt32LE(1, 16);
    end.push(e64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0, 4);
  eocd.writeUInt16LE(0, 6);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(zip64 ? U32 : directory.length, 12);
  eocd.writeUInt32LE(zip64 ? U32 : start, 16);
  eocd.writeUInt16LE(0, 20);
  end.push(eocd);
  return Buffer.concat([directory, ...end]);
}
