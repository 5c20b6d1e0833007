// A restricted unpickler. Python's pickle is a small stack machine whose GLOBAL + REDUCE opcodes
// import and call any function named in the file, which is how a malicious checkpoint runs code.
// This one never runs anything: it implements only the opcodes a PyTorch state dict uses, and a
// GLOBAL is looked up through the caller's `resolveGlobal`, which answers with a plain TypeScript
// function for the few names it allows and throws UnsafePickleError for every other name.

/** A pickled tuple: a frozen array, so it can be told apart from a (mutable) list. */
export type PickleTuple = readonly unknown[];

/** What GLOBAL resolves to: a named TypeScript stand-in for a Python callable. */
export interface PickleCallable {
  readonly qualifiedName: string;
  call(args: PickleTuple): unknown;
}

export interface UnpickleOptions {
  /** Returns the stand-in for `module.name`, or throws UnsafePickleError. */
  resolveGlobal(module: string, name: string): PickleCallable;
  /** Handles BINPERSID (PyTorch's storage references). */
  persistentLoad?(pid: unknown): unknown;
  /** Handles BUILD (setting an object's state after REDUCE); without it BUILD is an error. */
  build?(target: unknown, state: unknown): void;
}

export class UnsafePickleError extends Error {
  constructor(readonly global: string, reason: string) {
    super(`refusing to load the Python global '${global}': ${reason}`);
    this.name = 'UnsafePickleError';
  }
}

export class PickleFormatError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'PickleFormatError';
  }
}

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const fail = (detail: string): never => {
    throw new PickleFormatError(`${detail} (pickle byte ${pos})`);
  };
  const need = (n: number): number => {
    if (n < 0 || pos + n > bytes.byteLength) fail('truncated pickle');
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => view.getUint8(need(1));
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const u64 = () => {
    const n = view.getBigUint64(need(8), true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) fail('length too large');
    return Number(n);
  };
  const raw = (n: number) => bytes.subarray(need(n), pos);
  const utf8 = (n: number) => Buffer.from(raw(n)).toString('utf8');
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('truncated pickle (unterminated line)');
    const text = Buffer.from(bytes.subarray(pos, end)).toString('utf8');
    pos = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = marks.pop();
    if (at === undefined) fail('no MARK on the stack');
    return stack.splice(at as number);
  };
  const tuple = (items: unknown[]): PickleTuple => Object.freeze(items);
  const signedLittleEndian = (b: Uint8Array): bigint => {
    let n = 0n;
    for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) n -= 1n << BigInt(8 * b.length);
    return n;
  };
  const asNumber = (n: bigint): number | bigint => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const appendItems = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list) || Object.isFrozen(list)) fail('APPEND(S) on something that is not a list');
    (list as unknown[]).push(...items);
  };
  const global = (module: string, name: string) => stack.push(options.resolveGlobal(module, name));

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const version = u8();
        if (version > 5) fail(`unsupported pickle protocol ${version}`);
        break;
      }
      case 0x95: u64(); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        if (stack.length !== 1) fail(`pickle ended with ${stack.length} values on the stack`);
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(asNumber(signedLittleEndian(raw(u8())))); break; // LONG1
      case 0x8b: { // LONG4
        const n = view.getInt32(need(4), true);
        stack.push(asNumber(signedLittleEndian(raw(n))));
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(u64())); break; // BINUNICODE8
      case 0x54: stack.push(Buffer.from(raw(view.getInt32(need(4), true))).toString('latin1')); break; // BINSTRING
      case 0x55: stack.push(Buffer.from(raw(u8())).toString('latin1')); break; // SHORT_BINSTRING
      case 0x42: stack.push(new Uint8Array(raw(u32()))); break; // BINBYTES (a copy)
      case 0x43: stack.push(new Uint8Array(raw(u8()))); break; // SHORT_BINBYTES
      case 0x8e: stack.push(new Uint8Array(raw(u64()))); break; // BINBYTES8
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x74: stack.push(tuple(popMark())); break; // TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const item = pop(); appendItems(top(), [item]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const items = popMark(); const d = new Map(); setItems(d, items); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`memo entry ${key} is missing`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: { const module = line(); global(module, line()); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        global(module as string, name as string);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop() as PickleCallable;
        if (!Array.isArray(args) || !Object.isFrozen(args)) fail('REDUCE needs an argument tuple');
        if (typeof callable !== 'object' || callable === null || typeof callable.call !== 'function' || !callable.qualifiedName) {
          fail('REDUCE on something that is not an allowed global');
        }
        stack.push(callable.call(args as PickleTuple));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        if (!options.build) fail('BUILD is not allowed here');
        options.build!(top(), state);
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) fail('persistent ids are not allowed here');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}` +
          (op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : '') +
          ' — a PyTorch state dict does not use it');
    }
  }
}
