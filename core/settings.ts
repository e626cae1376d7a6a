/**
 * `settings['otel-context']`, shared by every rule. Read once per file.
 */
export const CONTEXT_MANAGERS = ['async-local-storage', 'async-hooks', 'zone', 'stack'] as const;
export type ContextManagerName = (typeof CONTEXT_MANAGERS)[number];

export interface OtelContextSettings {
  /** Which OpenTelemetry context manager the linted code runs under. */
  contextManager: ContextManagerName;
  /** In-house modules that re-export `@opentelemetry/api`. */
  apiModules: readonly string[];
  /** In-house helpers that run a callback inside an active span, like `withSpan(name, fn)`. */
  spanWrappers: readonly string[];
}

export const SETTINGS_KEY = 'otel-context';

export const DEFAULT_SETTINGS: OtelContextSettings = {
  contextManager: 'async-local-storage',
  apiModules: [],
  spanWrappers: [],
};

export function isContextManagerName(value: unknown): value is ContextManagerName {
  return typeof value === 'string' && (CONTEXT_MANAGERS as readonly string[]).includes(value);
}

function readStringList(value: unknown, key: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error(`settings['${SETTINGS_KEY}'].${key} must be an array of strings`);
  }
  return value;
}

const settingsCache = new WeakMap<object, OtelContextSettings>();

/** Parses and validates `settings['otel-context']`; throws a clear error on bad values. */
export function getSettings(settings: Readonly<Record<string, unknown>> | undefined): OtelContextSettings {
  const raw = settings?.[SETTINGS_KEY];
  if (raw === undefined || raw === null) return DEFAULT_SETTINGS;
  if (typeof raw !== 'object') throw new Error(`settings['${SETTINGS_KEY}'] must be an object`);
  const cached = settingsCache.get(raw);
  if (cached) return cached;
  checkSettingKeys(raw);
  const record = raw as Record<string, unknown>;
  const contextManager = record.contextManager ?? DEFAULT_SETTINGS.contextManager;
  if (!isContextManagerName(contextManager)) {
    throw new Error(
      `settings['${SETTINGS_KEY}'].contextManager must be one of ${CONTEXT_MANAGERS.join(', ')} (got ${JSON.stringify(contextManager)})`,
    );
  }
  const parsed: OtelContextSettings = {
    contextManager,
    apiModules: readStringList(record.apiModules, 'apiModules'),
    spanWrappers: readStringList(record.spanWrappers, 'spanWrappers'),
  };
  settingsCache.set(raw, parsed);
  return parsed;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest of `candidates` to `given`, when close enough to be a typo. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = candidate.includes(given) && given.length >= 4 ? 1 : distance(given, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined;
}

const KNOWN_SETTINGS = Object.keys(DEFAULT_SETTINGS);

/**
 * `settings['otel-context']` may hold only known keys: a typo such as `spanWrapper` is an error
 * that names the key, not a setting silently ignored.
 */
function checkSettingKeys(raw: object): void {
  for (const key of Object.keys(raw)) {
    if (KNOWN_SETTINGS.includes(key)) continue;
    const guess = didYouMean(key, KNOWN_SETTINGS);
    throw new Error(
      `settings['${SETTINGS_KEY}'].${key} is not a setting${guess ? `; did you mean '${guess}'?` : ''} (settings: ${KNOWN_SETTINGS.join(', ')})`,
    );
  }
}
