// The graph builder: symbolic tensors with a dtype and a static shape, ONNX nodes emitted as op
// helpers are called, and a tape of logical ops (one entry per op-family call) for autodiff.
// Shapes are static on purpose: a graph is compiled per batch shape anyway, and static shapes let
// every gradient rule know its broadcast axes while the graph is built.
import { encodeModel, type AttrValue, type DType, type NodeDef, type TensorInit, type TypedData, type ValueDef } from './onnxModel';

export type { DType } from './onnxModel';

export interface Tensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** One call of an op family, as the autodiff sees it (a family may have emitted several nodes). */
export interface OpRecord {
  readonly family: string;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

export const OPSET = 17;

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
};

function typedFor(dtype: DType, values: ArrayLike<number> | readonly bigint[]): TypedData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values as ArrayLike<number>);
    case 'float64':
      return Float64Array.from(values as ArrayLike<number>);
    case 'int64':
      return BigInt64Array.from(Array.from(values as ArrayLike<number | bigint>, (v) => BigInt(v)));
    case 'int32':
      return Int32Array.from(values as ArrayLike<number>);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values as ArrayLike<number>);
  }
}

export class GraphBuilder {
  readonly nodes: NodeDef[] = [];
  readonly inputs: ValueDef[] = [];
  readonly outputs: ValueDef[] = [];
  readonly initializers: TensorInit[] = [];
  readonly tape: OpRecord[] = [];
  /** Off while gradient rules emit their nodes: gradients are not themselves differentiated. */
  recording = true;

  private counter = 0;
  private readonly names = new Set<string>();
  private readonly constCache = new Map<string, Tensor>();
  private readonly scopes: string[] = [];
  /** Node outputs exported under another name, applied when the model is encoded. */
  private readonly renames = new Map<string, string>();
  private readonly produced = new Set<string>();

  constructor(readonly name = 'graph') {}

  /** Prefixes the names of nodes and tensors created inside `fn` (readable graphs, profiles). */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  freshName(hint: string): string {
    const base = [...this.scopes, hint].join('/');
    let name = `${base}_${this.counter++}`;
    while (this.names.has(name)) name = `${base}_${this.counter++}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new GraphError(`tensor name ${name} is used twice`);
    this.names.add(name);
  }

  input(name: string, dtype: DType, shape: readonly number[]): Tensor {
    this.claim(name);
    const t = { name, dtype, shape: [...shape] };
    this.inputs.push(t);
    return t;
  }

  /**
   * Marks `t` as a graph output under `name`. A node's output is renamed in place when the model is
   * encoded (an Identity would copy the tensor: for training state that is a full copy of every
   * parameter and moment per step); graph inputs and tensors already exported get an Identity.
   */
  output(t: Tensor, name = t.name): Tensor {
    if (name === t.name) {
      if (this.outputs.some((o) => o.name === name)) throw new GraphError(`${name} is already a graph output`);
      this.outputs.push({ name, dtype: t.dtype, shape: t.shape });
      return t;
    }
    this.claim(name);
    const fromNode = this.produced.has(t.name); // not a graph input or initializer
    const exported = this.renames.has(t.name) || this.outputs.some((o) => o.name === t.name);
    if (fromNode && !exported) {
      this.renames.set(t.name, name);
    } else {
      this.nodes.push({ opType: 'Identity', inputs: [t.name], outputs: [name], name: `${name}/identity`, attrs: {} });
      this.produced.add(name);
    }
    this.outputs.push({ name, dtype: t.dtype, shape: t.shape });
    return { name, dtype: t.dtype, shape: t.shape };
  }

  /** A constant tensor stored as an initializer; identical small constants are shared. */
  constant(dtype: DType, shape: readonly number[], values: ArrayLike<number> | readonly bigint[], hint = 'const'): Tensor {
    const n = numel(shape);
    if (values.length !== n) throw new GraphError(`constant ${hint}: ${values.length} values for shape ${shapeString(shape)}`);
    const key = n <= 64 ? `${dtype}|${shape.join(',')}|${Array.from(values as ArrayLike<number>).join(',')}` : undefined;
    const cached = key ? this.constCache.get(key) : undefined;
    if (cached) return cached;
    const name = this.freshName(hint);
    this.initializers.push({ name, dtype, dims: [...shape], data: typedFor(dtype, values) });
    const t = { name, dtype, shape: [...shape] };
    if (key) this.constCache.set(key, t);
    return t;
  }

  scalar(value: number, dtype: DType): Tensor {
    return this.constant(dtype, [], [value], 'scalar');
  }

  int64s(values: readonly number[]): Tensor {
    return this.constant('int64', [values.length], values, 'ints');
  }

  /** Emits one ONNX node and returns its output tensors (shapes are the caller's responsibility). */
  node(
    opType: string,
    inputs: readonly (Tensor | undefined)[],
    outputs: readonly { dtype: DType; shape: readonly number[] }[],
    attrs: Record<string, AttrValue> = {},
  ): Tensor[] {
    const outs = outputs.map((o) => ({ name: this.freshName(opType), dtype: o.dtype, shape: [...o.shape] }));
    for (const o of outs) this.produced.add(o.name);
    this.nodes.push({
      opType,
      inputs: inputs.map((i) => i?.name ?? ''),
      outputs: outs.map((o) => o.name),
      name: `${outs[0]?.name ?? this.freshName(opType)}/node`,
      attrs,
    });
    return outs;
  }

  /** Single-output convenience form of `node`. */
  node1(opType: string, inputs: readonly (Tensor | undefined)[], dtype: DType, shape: readonly number[], attrs: Record<string, AttrValue> = {}): Tensor {
    return this.node(opType, inputs, [{ dtype, shape }], attrs)[0];
  }

  /** Adds an entry to the autodiff tape (op helpers call this after emitting their nodes). */
  record(family: string, inputs: readonly (Tensor | undefined)[], outputs: readonly Tensor[], attrs: Record<string, unknown> = {}): void {
    if (this.recording) this.tape.push({ family, inputs, outputs, attrs });
  }

  /** Runs `fn` without taping (used by gradient rules and other non-differentiated subgraphs). */
  untaped<T>(fn: () => T): T {
    const was = this.recording;
    this.recording = false;
    try {
      return fn();
    } finally {
      this.recording = was;
    }
  }

  /**
   * The nodes some graph output depends on, in emission order. Gradient rules may emit a node whose
   * result the autodiff then folds into a cheaper form (autodiff.ts merges row scatters); leaving the
   * orphan in the model would still allocate and compute it.
   */
  liveNodes(): NodeDef[] {
    // Graph outputs are named after renaming; nodes still carry their own output names.
    const sourceOf = new Map([...this.renames].map(([from, to]) => [to, from]));
    const needed = new Set(this.outputs.map((o) => sourceOf.get(o.name) ?? o.name));
    const live: NodeDef[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (!n.outputs.some((o) => needed.has(o))) continue;
      live.push(n);
      for (const input of n.inputs) if (input) needed.add(input);
    }
    return live.reverse();
  }

  toModel(): Uint8Array {
    const r = (n: string): string => this.renames.get(n) ?? n;
    const live = this.liveNodes();
    const nodes = this.renames.size === 0 ? live : live.map((n) => ({ ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r) }));
    // Constants only pruned nodes used would be dropped by onnxruntime anyway, with a warning each.
    const used = new Set([...nodes.flatMap((n) => n.inputs), ...this.outputs.map((o) => o.name)]);
    return encodeModel({
      name: this.name,
      nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers.filter((i) => used.has(i.name)),
      opset: OPSET,
    });
  }
}
