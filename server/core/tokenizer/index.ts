// Tokenizers of model folders (tokenizer.json, or vocab.json + merges.txt), on @huggingface/tokenizers.
export { loadTokenizer, TextTokenizer, TokenizerError, type EncodeOptions, type TokenSplit, type TokenizerSource, type LoadTokenizerOptions } from './tokenizer';
