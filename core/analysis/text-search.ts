/**
 * Exact substring tests on a file's text for the per-file gates (core/triggers.ts and the
 * detectors' own gates), faster than `String.prototype.includes` for the needles the gates use.
 *
 * Why: V8 finds a short needle by jumping to each occurrence of its first character (memchr),
 * which is fast when that character is rare in code; a needle of seven or more characters goes
 * through a Boyer-Moore search set up on every call, about a millisecond per megabyte of text.
 * Most gate needles are absent from most files, so each is a full pass: on
 * opentelemetry-js-contrib's instrumentation sources the gates were about a tenth of the rules'
 * own time (issue #14).
 *
 * How: each needle is looked for through an ANCHOR, up to four of its characters starting at its
 * rarest character (by the character frequencies of JavaScript and TypeScript sources, RARE_FIRST);
 * every occurrence of the anchor is checked for the whole needle around it. The answer is exactly
 * `text.includes(needle)`: every occurrence of the needle contains the anchor at the same offset.
 * A needle with a character outside RARE_FIRST only (a tab, a non-ASCII letter) is looked for with
 * `includes` itself.
 */

/**
 * Printable characters from the rarest to the most common in JavaScript/TypeScript sources
 * (measured over opentelemetry-js-contrib's packages, 3.6 M characters), space last. The common
 * tail (`,;')(m.dulpcioarsnte`) anchors the needles made only of common characters, where
 * `includes` would stop at every occurrence of their first: `timers` on `m`, `traced(` and
 * `.splice(` on `(` (session 12, over contrib's 272 instrumentation sources: 0.6 → 0.3 ms and
 * 0.7/0.46 → 0.21 ms per pass; no needle of the gates got slower).
 */
const RARE_FIRST = '~%^#Z\\J+&7<!$6958|"XQz3Y4WKj?@`H2VBF1G0U>-LDq][*kMwPOvCIN/x}{:byR=Af_SThgE,;\')(m.dulpcioarsnte ';

interface Anchor {
  offset: number;
  anchor: string;
}

const anchors = new Map<string, Anchor | null>();

function anchorOf(needle: string): Anchor | null {
  let cached = anchors.get(needle);
  if (cached !== undefined) return cached;
  let best = -1;
  let bestRank = RARE_FIRST.length;
  for (let i = 0; i < needle.length; i++) {
    const rank = RARE_FIRST.indexOf(needle.charAt(i));
    if (rank >= 0 && rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  }
  cached = best < 0 ? null : { offset: best, anchor: needle.slice(best, best + 4) };
  anchors.set(needle, cached);
  return cached;
}

/** Exactly `text.includes(needle)`, searched through the needle's rarest characters. */
export function textIncludes(text: string, needle: string): boolean {
  const found = anchorOf(needle);
  if (found === null) return text.includes(needle);
  const { offset, anchor } = found;
  for (let at = text.indexOf(anchor, offset); at >= 0; at = text.indexOf(anchor, at + 1)) {
    if (text.startsWith(needle, at - offset)) return true;
  }
  return false;
}

/** Exactly `needles.some((needle) => text.includes(needle))`. */
export function textIncludesAny(text: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (textIncludes(text, needle)) return true;
  return false;
}
