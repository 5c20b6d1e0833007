// A model is named either by a local folder or by a Hub id; this turns either into a folder.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { downloadModel, type ModelDownloadOptions, type ResolvedModel } from './download';

export interface ModelSource extends Partial<ResolvedModel> {
  dir: string;
  kind: 'folder' | 'hub';
}

/** An existing folder is used as it is; anything else is taken as a Hub model id and downloaded or found in the cache. */
export async function resolveModelSource(spec: string, options: ModelDownloadOptions = {}): Promise<ModelSource> {
  const asPath = resolve(spec);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return { kind: 'folder', dir: asPath };
  return { kind: 'hub', ...(await downloadModel(spec, options)) };
}
