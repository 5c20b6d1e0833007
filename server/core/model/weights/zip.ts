// A read-only zip reader, just enough for PyTorch checkpoints: torch.save writes a zip (usually
// "stored", i.e. uncompressed, with each entry's data aligned to 64 bytes) holding data.pkl and one
// entry per tensor storage. The central directory at the end of the file lists every entry; entries
// are read one at a time through a file descriptor, so a multi-GB checkpoint is never held whole.
// ZIP64 (archives or entries past 4 GiB) is understood; deflated entries go through node:zlib.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { WeightFileError } from './tensor';

export interface ZipEntry {
  name: string;
  method: number; // 0 stored, 8 deflated
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const U32_MAX = 0xffffffff;

// node:zlib has crc32 from Node 20.15 on; older runtimes (some VS Code builds) get the table version.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let crcTable: Uint32Array | undefined;

export function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private fd: number | undefined;

  private constructor(readonly file: string, fd: number, private readonly fileBytes: number) {
    this.fd = fd;
  }

  /** Opens `file` and reads its central directory. The caller must close() it. */
  static open(file: string): ZipArchive {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw new WeightFileError(file, `cannot read: ${(e as Error).message}`);
    }
    const archive = new ZipArchive(file, fd, fstatSync(fd).size);
    try {
      archive.readCentralDirectory();
    } catch (e) {
      archive.close();
      throw e;
    }
    return archive;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fail(detail: string): never {
    throw new WeightFileError(this.file, detail);
  }

  private readAt(position: number, length: number, into?: Uint8Array): Uint8Array {
    if (this.fd === undefined) this.fail('archive already closed');
    const out = into ?? new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, position + done);
      if (n === 0) this.fail(`truncated zip: unexpected end of file at byte ${position + done}`);
      done += n;
    }
    return out;
  }

  private readCentralDirectory(): void {
    // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
    const tailLength = Math.min(this.fileBytes, 22 + 0xffff);
    if (tailLength < 22) this.fail(`not a zip archive (${this.fileBytes} bytes)`);
    const tailStart = this.fileBytes - tailLength;
    const tail = this.readAt(tailStart, tailLength);
    const tv = new DataView(tail.buffer);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tv.getUint32(i, true) === EOCD_SIG) { eocd = i; break; }
    }
    if (eocd < 0) this.fail('not a zip archive or truncated (no end-of-central-directory record)');
    let count = tv.getUint16(eocd + 10, true);
    let cdSize = tv.getUint32(eocd + 12, true);
    let cdOffset = tv.getUint32(eocd + 16, true);
    if (eocd >= 20 && tv.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
      const z64Offset = Number(tv.getBigUint64(eocd - 20 + 8, true));
      const z64 = new DataView(this.readAt(z64Offset, 56).buffer);
      if (z64.getUint32(0, true) !== ZIP64_EOCD_SIG) this.fail('corrupt zip: bad ZIP64 end-of-central-directory record');
      count = Number(z64.getBigUint64(32, true));
      cdSize = Number(z64.getBigUint64(40, true));
      cdOffset = Number(z64.getBigUint64(48, true));
    }
    if (cdOffset + cdSize > this.fileBytes) this.fail(`truncated or corrupt zip: central directory at ${cdOffset}+${cdSize} lies past the end (${this.fileBytes} bytes)`);
    const cd = this.readAt(cdOffset, cdSize);
    const v = new DataView(cd.buffer);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdSize || v.getUint32(p, true) !== CENTRAL_SIG) this.fail(`corrupt zip: central directory entry ${i} is damaged`);
      const flags = v.getUint16(p + 8, true);
      const method = v.getUint16(p + 10, true);
      const crc = v.getUint32(p + 16, true);
      let compressedSize = v.getUint32(p + 20, true);
      let size = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      let localHeaderOffset = v.getUint32(p + 42, true);
      const name = Buffer.from(cd.buffer, p + 46, nameLen).toString('utf8');
      // ZIP64 extra field (id 1): the 64-bit values of whichever fields hold 0xFFFFFFFF, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = v.getUint16(e, true);
        const len = v.getUint16(e + 2, true);
        if (id === 1) {
          let q = e + 4;
          if (size === U32_MAX) { size = Number(v.getBigUint64(q, true)); q += 8; }
          if (compressedSize === U32_MAX) { compressedSize = Number(v.getBigUint64(q, true)); q += 8; }
          if (localHeaderOffset === U32_MAX) { localHeaderOffset = Number(v.getBigUint64(q, true)); }
        }
        e += 4 + len;
      }
      if (flags & 1) this.fail(`entry ${name} is encrypted`);
      this.entries.set(name, { name, method, compressedSize, size, crc32: crc, localHeaderOffset });
      p = extraEnd + commentLen;
    }
  }

  /** Where an entry's (possibly compressed) bytes start: after its local header, whose extra field may differ from the central one. */
  private dataOffset(entry: ZipEntry): number {
    const header = new DataView(this.readAt(entry.localHeaderOffset, 30).buffer);
    if (header.getUint32(0, true) !== LOCAL_SIG) this.fail(`corrupt zip: bad local header for entry ${entry.name}`);
    const start = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
    if (start + entry.compressedSize > this.fileBytes) {
      this.fail(`truncated zip: entry ${entry.name} ends at byte ${start + entry.compressedSize}, file has ${this.fileBytes}`);
    }
    return start;
  }

  /**
   * Reads a whole entry (inflating it if needed) and checks its CRC. With `into`, a stored entry is
   * read straight into that buffer, which must be exactly entry.size bytes.
   */
  read(entry: ZipEntry, into?: Uint8Array): Uint8Array {
    const start = this.dataOffset(entry);
    let data: Uint8Array;
    if (entry.method === 0) {
      if (into && into.byteLength !== entry.size) this.fail(`entry ${entry.name} holds ${entry.size} bytes, expected ${into.byteLength}`);
      data = this.readAt(start, entry.size, into);
    } else if (entry.method === 8) {
      const packed = this.readAt(start, entry.compressedSize);
      try {
        data = zlib.inflateRawSync(packed);
      } catch (e) {
        this.fail(`corrupt zip: entry ${entry.name} does not inflate (${(e as Error).message})`);
      }
      if (data.byteLength !== entry.size) this.fail(`corrupt zip: entry ${entry.name} inflates to ${data.byteLength} bytes, directory says ${entry.size}`);
      if (into) {
        if (into.byteLength !== entry.size) this.fail(`entry ${entry.name} holds ${entry.size} bytes, expected ${into.byteLength}`);
        into.set(data);
        data = into;
      }
    } else {
      this.fail(`entry ${entry.name} uses unsupported compression method ${entry.method}`);
    }
    if (crc32(data) !== entry.crc32) this.fail(`corrupt zip: CRC mismatch in entry ${entry.name}`);
    return data;
  }
}
