// Protocol-buffers wire format, just the parts ONNX needs: varints, length-delimited fields and
// packed repeated numbers. Messages are built bottom-up: a child message is encoded to bytes first
// and then embedded in its parent as a length-delimited field, so no size pre-pass is needed.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Growable byte buffer with protobuf field writers. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: bigint | number): void {
    // Negative int64 values are written as their 64-bit two's complement (10 bytes), as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private smallVarint(value: number): void {
    // Fast path for the non-negative 32-bit values that make up most tags and lengths.
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.smallVarint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) this.smallVarint(value);
    else this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.smallVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, child: ProtoWriter): this {
    return this.bytes(field, child.finish());
  }

  /** Packed repeated varints (int64 / int32 lists). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** Packed repeated 32-bit floats. */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, data);
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
