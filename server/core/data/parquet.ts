// Parquet files of Hugging Face Hub datasets (e.g. nyu-mll/glue cola/*, mnli/*), read with hyparquet.
//
// Downloading is the hub module's job; this file reads one local parquet file and maps its columns
// onto examples. Hub datasets store labels as int64 ClassLabel indices (hyparquet hands int64 back
// as bigint) and record the label names in the file's "huggingface" key-value metadata
// ({"info": {"features": {"label": {"_type": "ClassLabel", "names": [...]}}}}); unlabeled test
// splits use -1.
//
// hyparquet is ESM-only (its package exports have no "require" condition), so it is loaded with a
// dynamic import: that works from the esbuild bundle and from CommonJS-compiled tests alike.

import { readFile } from 'node:fs/promises';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import type { Example } from './example';
import { DataError } from './dataError';
import { mnliLabelFromGlue, type MnliLabelMode } from './mnli';

export interface ParquetMapping {
  /** { fieldName: columnName } for the text fields. */
  fields: Record<string, string>;
  labelColumn: string;
  /**
   * Raw label value → label index. `null` drops the row on purpose (neutral in binary MNLI, -1 in an
   * unlabeled split); `undefined` means the value is not a known label, which is an error.
   */
  mapLabel: (raw: number | string) => number | null | undefined;
}

const loadHyparquet = (): Promise<typeof import('hyparquet')> => import('hyparquet');

async function openParquet(file: string): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`, file);
  }
  // The whole file in memory: Hub splits of these tasks are at most tens of MB, and one read is
  // simpler and faster than many small ranged reads.
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const buffer: AsyncBuffer = { byteLength: arrayBuffer.byteLength, slice: (start, end) => arrayBuffer.slice(start, end) };
  const { parquetMetadataAsync } = await loadHyparquet();
  try {
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (err) {
    throw new DataError(`not a readable parquet file: ${(err as Error).message}`, file);
  }
}

function topLevelColumns(metadata: FileMetaData): string[] {
  // schema[0] is the root; its children follow. Nested columns are not used by these datasets.
  return metadata.schema.slice(1).map((element) => element.name);
}

/** Label names a Hub parquet file declares for a ClassLabel column, if it declares any. */
export async function readParquetClassLabelNames(file: string, column = 'label'): Promise<string[] | undefined> {
  const { metadata } = await openParquet(file);
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === 'huggingface');
  if (!entry?.value) return undefined;
  try {
    const info = JSON.parse(entry.value) as { info?: { features?: Record<string, { _type?: string; names?: unknown }> } };
    const feature = info.info?.features?.[column];
    if (feature?._type === 'ClassLabel' && Array.isArray(feature.names)) return feature.names.map(String);
  } catch {
    // Malformed metadata is not fatal: the caller's own label list still applies.
  }
  return undefined;
}

function toLabelValue(raw: unknown): number | string | undefined {
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'number' || typeof raw === 'string') return raw;
  return undefined;
}

/** Reads a parquet file into examples through the given column mapping. */
export async function readParquetExamples(file: string, mapping: ParquetMapping): Promise<Example[]> {
  const { buffer, metadata } = await openParquet(file);
  const available = topLevelColumns(metadata);
  const wanted = [...new Set([...Object.values(mapping.fields), mapping.labelColumn])];
  const absent = wanted.filter((c) => !available.includes(c));
  if (absent.length > 0) {
    throw new DataError(`missing column${absent.length > 1 ? 's' : ''} ${absent.map((c) => `"${c}"`).join(', ')}; the file has ${available.map((c) => `"${c}"`).join(', ')}`, file);
  }
  const { parquetReadObjects } = await loadHyparquet();
  const rows = await parquetReadObjects({ file: buffer, metadata, columns: wanted });
  const examples: Example[] = [];
  rows.forEach((row, index) => {
    const fields: Record<string, string> = {};
    for (const [field, column] of Object.entries(mapping.fields)) {
      const value = row[column];
      if (typeof value !== 'string') throw new DataError(`row ${index}: column "${column}" is ${value === null || value === undefined ? 'empty' : 'not text'}`, file);
      fields[field] = value;
    }
    const raw = toLabelValue(row[mapping.labelColumn]);
    const label = raw === undefined ? undefined : mapping.mapLabel(raw);
    if (label === undefined) throw new DataError(`row ${index}: unknown label ${String(row[mapping.labelColumn])} in column "${mapping.labelColumn}"`, file);
    if (label !== null) examples.push({ fields, label });
  });
  return examples;
}

/** Integer labels 0..count-1 kept as they are; -1 (unlabeled) dropped. */
export function indexLabels(count: number): ParquetMapping['mapLabel'] {
  return (raw) => {
    if (raw === -1) return null;
    return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < count ? raw : undefined;
  };
}

/** Text labels matched by name. */
export function namedLabels(names: readonly string[]): ParquetMapping['mapLabel'] {
  return (raw) => {
    const index = names.indexOf(String(raw));
    return index >= 0 ? index : undefined;
  };
}

/**
 * Column mapping of nyu-mll/glue "cola" parquet files (sentence, label 0/1, idx). Beware: the Hub's
 * CoLA validation split (1,043 rows) is the in-domain AND the out-of-domain dev set together, with no
 * column telling them apart; the built-in "cola" task reads the raw release files for that reason.
 */
export function glueColaParquetMapping(): ParquetMapping {
  return { fields: { sentence: 'sentence' }, labelColumn: 'label', mapLabel: indexLabels(2) };
}

/** Column mapping of nyu-mll/glue "mnli" parquet files (premise, hypothesis, label 0 e / 1 n / 2 c, idx). */
export function glueMnliParquetMapping(mode: MnliLabelMode): ParquetMapping {
  return {
    fields: { premise: 'premise', hypothesis: 'hypothesis' },
    labelColumn: 'label',
    mapLabel: (raw) => {
      if (raw === -1) return null;
      if (raw !== 0 && raw !== 1 && raw !== 2) return undefined;
      return mnliLabelFromGlue(raw, mode);
    },
  };
}
