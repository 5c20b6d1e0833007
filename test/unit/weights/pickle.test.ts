import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpickle, UnsafePickleError, PickleFormatError, type PickleCallable } from '../../../server/core/model/weights/pickle';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const allowNothing = {
  resolveGlobal(module: string, name: string): PickleCallable {
    throw new UnsafePickleError(`${module}.${name}`, 'not allowed');
  },
};

test('plain data: dicts, lists, tuples, ints of every width, floats, strings, bytes, memo', () => {
  const pickle = bytes(
    [0x80, 0x02], '}q\x00(', // EMPTY_DICT, BINPUT 0, MARK
    'X\x01\x00\x00\x00a', ']q\x01(K\x01M\x00\x01J\xff\xff\xff\xffe', // 'a': [1, 256, -1]
    [0x8c, 1], 'b', 'K\x02K\x03', [0x86], // 'b': (2, 3)
    [0x8c, 1], 'c', [0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x01], // 'c': 2**56 (LONG1), past 2**53 so a bigint
    [0x8c, 1], 'd', 'G', [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], // 'd': 1.5 (big-endian double)
    [0x8c, 1], 'e', 'C\x02hi', // 'e': b'hi'
    [0x8c, 1], 'f', 'h\x01', // 'f': the memoized list
    [0x8c, 1], 'g', [0x88, 0x89], 'N', [0x87], // 'g': (True, False, None)
    'u.', // SETITEMS, STOP
  );
  const out = unpickle(pickle, allowNothing) as Map<string, unknown>;
  assert.deepEqual(out.get('a'), [1, 256, -1]);
  assert.deepEqual(out.get('b'), [2, 3]);
  assert.ok(Object.isFrozen(out.get('b')), 'tuples are frozen');
  assert.equal(out.get('c'), 2n ** 56n);
  assert.equal(out.get('d'), 1.5);
  assert.deepEqual(out.get('e'), new Uint8Array([0x68, 0x69]));
  assert.equal(out.get('f'), out.get('a'), 'BINGET returns the same object');
  assert.deepEqual(out.get('g'), [true, false, null]);
});

test('GLOBAL and STACK_GLOBAL both go through the allow-list; REDUCE calls only the stand-in', () => {
  const calls: unknown[] = [];
  const options = {
    resolveGlobal(module: string, name: string): PickleCallable {
      if (module === 'ok' && name === 'fn') return { qualifiedName: 'ok.fn', call: (args) => { calls.push(args); return 'done'; } };
      throw new UnsafePickleError(`${module}.${name}`, 'not allowed');
    },
  };
  assert.equal(unpickle(bytes([0x80, 2], 'cok\nfn\nK\x07\x85R.'), options), 'done');
  assert.deepEqual(calls, [[7]]);
  assert.throws(() => unpickle(bytes([0x80, 2], 'cos\nsystem\nX\x02\x00\x00\x00ls\x85R.'), options),
    (e: unknown) => e instanceof UnsafePickleError && /'os\.system'/.test(e.message));
  assert.throws(() => unpickle(bytes([0x80, 4, 0x8c, 8], 'builtins', [0x8c, 4], 'exec', [0x93], '.'), options),
    (e: unknown) => e instanceof UnsafePickleError && /'builtins\.exec'/.test(e.message));
});

test('opcodes a state dict never uses are refused rather than guessed', () => {
  // INST ('i') and OBJ ('o') build arbitrary objects; NEWOBJ (0x81) calls cls.__new__.
  assert.throws(() => unpickle(bytes('(ios\nsystem\n.'), allowNothing), (e: unknown) => e instanceof PickleFormatError && /unsupported pickle opcode 0x69 \('i'\)/.test(e.message));
  assert.throws(() => unpickle(bytes([0x80, 2], ')', [0x81], '.'), allowNothing), /unsupported pickle opcode 0x81/);
});

test('malformed pickles: truncated, stack underflow, missing memo, no STOP', () => {
  assert.throws(() => unpickle(bytes([0x80, 2], 'X\xff\x00\x00\x00ab'), allowNothing), /truncated pickle/);
  assert.throws(() => unpickle(bytes([0x80, 2], 't.'), allowNothing), /no MARK on the stack/);
  assert.throws(() => unpickle(bytes([0x80, 2], 'h\x05.'), allowNothing), /memo entry 5 is missing/);
  assert.throws(() => unpickle(bytes([0x80, 2], 'K\x01'), allowNothing), /truncated pickle/);
  assert.throws(() => unpickle(bytes([0x80, 2], 'R.'), allowNothing), /stack underflow/);
  assert.throws(() => unpickle(bytes([0x80, 2], 'K\x01K\x02.'), allowNothing), /ended with 2 values/);
  assert.throws(() => unpickle(bytes([0x80, 9], '.'), allowNothing), /unsupported pickle protocol 9/);
});
