// Quoting for POSIX shells (bash, sh): a user's experiment path or run id goes into a generated
// job script, and must reach the program as exactly one argument, whatever characters it holds.
// Single quotes make everything literal except the single quote itself, which is written as
// '\'' (close, escaped quote, reopen). That covers $, `, \, !, *, spaces and newlines alike.

/** One shell word that expands to exactly `text`. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  // Words made only of these characters mean themselves in every shell context; leaving them bare
  // keeps generated scripts readable.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A command line of quoted words. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
