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
