// Gradients that arrive as rows: an embedding table read only by Gathers has a gradient that is
// zero except at the rows the batch touched, and the 'grads' graph outputs just those rows
// (runtime/stepGraphs.ts) instead of a dense table. Here the rows of all parts and micro-batches
// are summed per table row, in arrival order and in float32, as ScatterND reduction=add would.

/** One part of a row gradient: entry i adds rows[i*width .. (i+1)*width) to table row index[i]. */
export interface GradientRows {
  index: BigInt64Array;
  rows: Float32Array;
}

/** Per-row sums: the rows of the table that received gradient, each summed once. */
export interface RowSums {
  /** For each table row, its slot in `values`, or -1 where the gradient is zero. */
  slotOf: Int32Array;
  /** Summed rows, slot after slot, `width` values each. */
  values: Float32Array;
  width: number;
}

export function sumRows(parts: readonly GradientRows[], tableRows: number, width: number): RowSums {
  const slotOf = new Int32Array(tableRows).fill(-1);
  let slots = 0;
  for (const { index, rows } of parts) {
    if (rows.length !== index.length * width) throw new Error(`gradient rows: ${rows.length} values for ${index.length} rows of width ${width}`);
    for (let i = 0; i < index.length; i++) {
      const r = Number(index[i]);
      if (!(r >= 0 && r < tableRows)) throw new Error(`gradient rows: row ${r} outside a table of ${tableRows} rows`);
      if (slotOf[r] < 0) slotOf[r] = slots++;
    }
  }
  const values = new Float32Array(slots * width);
  for (const { index, rows } of parts) {
    for (let i = 0; i < index.length; i++) {
      const base = slotOf[Number(index[i])] * width;
      const from = i * width;
      for (let j = 0; j < width; j++) values[base + j] += rows[from + j];
    }
  }
  return { slotOf, values, width };
}

/** The dense gradient [tableRows, width] (for callers that want the full tensor). */
export function denseFromRows(sums: RowSums): Float32Array {
  const { slotOf, values, width } = sums;
  const dense = new Float32Array(slotOf.length * width);
  for (let r = 0; r < slotOf.length; r++) {
    const slot = slotOf[r];
    if (slot >= 0) dense.set(values.subarray(slot * width, (slot + 1) * width), r * width);
  }
  return dense;
}
