// What every weight reader hands back, and the one error type they all throw.

/** A checkpoint tensor widened to fp32, row-major and contiguous. */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** A problem with a weight file; the message names the file and, where known, the tensor. */
export class WeightFileError extends Error {
  readonly file: string;
  readonly tensor?: string;
  constructor(file: string, detail: string, tensor?: string) {
    super(`${file}${tensor ? ` (tensor ${tensor})` : ''}: ${detail}`);
    this.name = 'WeightFileError';
    this.file = file;
    this.tensor = tensor;
  }
}

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
