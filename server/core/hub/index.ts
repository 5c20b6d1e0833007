// Models and dataset files from the Hugging Face Hub, through the standard cache shared with Python.
export { downloadModel, HubError, type DownloadProgress, type ModelDownloadOptions, type ResolvedModel } from './download';
export { resolveModelSource, type ModelSource } from './modelSource';
export { listCachedModels, type CachedModel } from './localCache';
export { hubCacheDir, hubEndpoint, isOffline, isModelId } from './hubSettings';
export { downloadDatasetFiles, type DatasetDownloadOptions, type ResolvedDatasetFiles } from './datasetDownload';
