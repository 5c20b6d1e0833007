// The data layer's public surface: datasets and readers, sampling, patterns, verbalizers, ICL formats.

export * from './example';
export * from './dataError';
export * from './rng';
export * from './sampling';
export * from './csv';
export * from './cola';
export * from './mnli';
export * from './hans';
export * from './userData';
export * from './parquet';
export * from './pattern';
export * from './verbalizer';
export * from './iclFormat';
export * from './defaults';
export * from './tasks';
export * from './dataRoot';
