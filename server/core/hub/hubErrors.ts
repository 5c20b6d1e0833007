/** A model could not be resolved from the Hub or the cache; the message says why and what to do. */
export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubError';
  }
}
