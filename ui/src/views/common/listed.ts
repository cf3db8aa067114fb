// Several names in one English phrase, as the window's sentences name people, groups and domains.

/** "a", "a and b", "a, b and c" ("" for none). */
export function listed(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
