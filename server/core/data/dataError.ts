// Errors about data files: they always say which file and, where there is one, which line, so that
// a user can open the file at the right place (the language server turns them into diagnostics).

export class DataError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** 1-based line of the record at fault, when the problem is in one record. */
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'DataError';
  }
}
