// Turns whatever a trial threw into the error of a failed record: 'nan' for a non-finite loss,
// 'oom' for memory that could not be allocated (with the size and the node when onnxruntime says),
// 'error' for anything else. 'crash' is not decided here: a crashed trainer cannot say anything;
// the runner records those.

import type { TrialError } from '../../protocol/results';
import { NonFiniteLossError, OutOfMemoryError } from '../runner/trialContract';

// onnxruntime's arena: "... running ConstantOfShape node. Name:'c' Status Message: …
// Failed to allocate memory for requested buffer of size 4398046511104".
const ORT_ALLOC = /Failed to allocate memory for requested buffer of size (\d+)/;
const ORT_NODE = /running (\S+) node\. Name:'([^']*)'/;
// Other spellings of the same thing: C++ bad_alloc, CUDA/WebGPU allocators, V8's typed arrays, errno.
const OTHER_OOM =
  /bad_alloc|out of memory|CUDA_ERROR_OUT_OF_MEMORY|cudaErrorMemoryAllocation|Array buffer allocation failed|Cannot allocate memory|ENOMEM|Invalid typed array length|allocation failed/i;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * @param lastStep the optimizer step the trial was in, for errors that do not carry one
 */
export function classifyTrialError(error: unknown, lastStep?: number): TrialError {
  const step = (s: number | undefined) => (s === undefined ? {} : { step: s });
  // A score fault carries no step of its own: it shows after the last one (or with none, for ICL).
  if (error instanceof NonFiniteLossError) return { kind: 'nan', message: error.message, ...step(error.step ?? lastStep) };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof OutOfMemoryError) {
    const size = error.requestedBytes === undefined ? '' : ` (needed ${formatBytes(error.requestedBytes)})`;
    return { kind: 'oom', message: `out of memory${size}: ${firstLine(message)}`, ...step(lastStep) };
  }
  const alloc = ORT_ALLOC.exec(message);
  if (alloc) {
    const bytes = Number(alloc[1]);
    const node = ORT_NODE.exec(message);
    const where = node ? ` for ${node[1]} node '${node[2]}'` : '';
    return {
      kind: 'oom',
      message: `out of memory: onnxruntime could not allocate ${formatBytes(bytes)} (${bytes} bytes)${where}`,
      ...step(lastStep),
    };
  }
  if (OTHER_OOM.test(message) || (error instanceof RangeError && /alloc/i.test(message))) {
    return { kind: 'oom', message: `out of memory: ${firstLine(message)}`, ...step(lastStep) };
  }
  const name = error instanceof Error && error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return { kind: 'error', message: `${name}${firstLine(message)}`, ...step(lastStep) };
}
