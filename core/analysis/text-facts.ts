/**
 * Which fixed substrings a file's text contains, found in one pass per file.
 *
 * Every rule's `create` asks cheap text questions before doing any work (core/triggers.ts, the
 * detectors' gates): "does the file mention `enterWith`, `extract(`, `.shift(` …?". Answered one
 * `text.includes` at a time, a file that mentions none of them was scanned once per needle, some
 * thirty times across the nine rules. The needles are known when the modules load: each module
 * registers its own (`registerNeedles`), and the first question about a file scans its text once
 * with one alternation of all of them. A needle nobody registered is answered by `includes`.
 *
 * Exactness: the scan restarts one character after each match, and the alternation tries longer
 * needles first; a needle that starts where a longer one matched is a prefix of it, and is
 * recorded with it (NESTED). So every registered needle found by `includes` is found here.
 */

/** Registered needles, each with the registration round it came in (a scan covers the rounds before it). */
const registered = new Map<string, number>();
let round = 0;
let compiled: { pattern: RegExp; nested: Map<string, string[]>; round: number } | undefined;

/** Declares needles a module will ask about (at module load, before any file is linted). */
export function registerNeedles(needles: Iterable<string>): void {
  let added = false;
  for (const needle of needles) {
    if (needle.length === 0 || registered.has(needle)) continue;
    registered.set(needle, round);
    added = true;
  }
  if (added) {
    round += 1;
    compiled = undefined;
  }
}

function compile(): { pattern: RegExp; nested: Map<string, string[]>; round: number } {
  const needles = [...registered.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const escape = (needle: string) => needle.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // a match also proves every registered needle inside it (`startActiveSpan` holds `ActiveSpan`, `Span`)
  const nested = new Map(needles.map((needle) => [needle, needles.filter((other) => other !== needle && needle.includes(other))]));
  return { pattern: new RegExp(needles.map(escape).join('|'), 'g'), nested, round };
}

interface TextFacts {
  text: string;
  /** The registered needles of the rounds before `round` that the text contains. */
  found: Set<string>;
  round: number;
  /** Needles answered by `includes` (not registered, or registered after the scan). */
  other: Map<string, boolean>;
}

const factsByText = new WeakMap<object, TextFacts>();

function factsOf(key: object, text: string): TextFacts {
  let facts = factsByText.get(key);
  if (facts?.text === text) return facts;
  compiled ??= compile();
  const { pattern, nested, round: scanned } = compiled;
  const found = new Set<string>();
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const needle = match[0];
    if (!found.has(needle)) {
      found.add(needle);
      for (const inner of nested.get(needle) ?? []) found.add(inner);
    }
    pattern.lastIndex = match.index + 1;
  }
  facts = { text, found, round: scanned, other: new Map() };
  factsByText.set(key, facts);
  return facts;
}

/**
 * Whether `text` contains `needle` (the answer of `text.includes(needle)`), remembered per `key`
 * (a file's AST): registered needles come from the one scan, others from `includes` once each.
 */
export function textContains(key: object, text: string, needle: string): boolean {
  const facts = factsOf(key, text);
  const registeredIn = registered.get(needle);
  if (registeredIn !== undefined && registeredIn < facts.round) return facts.found.has(needle);
  let result = facts.other.get(needle);
  if (result === undefined) {
    result = text.includes(needle);
    facts.other.set(needle, result);
  }
  return result;
}
