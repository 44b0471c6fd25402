/** HubError: a Hugging Face folder that cannot be read or a model that cannot be written in a layout; the message says what and how to fix it. */
export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubError';
  }
}
