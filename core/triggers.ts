/**
 * Per rule: substrings without which a file cannot contain one of its findings. Detection
 * knowledge, so it lives in core: every detector already returns no listeners for a file without
 * TRACED_CODE_TRIGGERS (core/otel-api.ts); the codemod skips, without parsing it, a file that
 * mentions none of a rule's triggers (nor a configured `apiModules` or `spanWrappers` name). A rule
 * without an entry is never skipped, so a new rule is safe by default.
 */
import { OTEL_API_MODULE } from './module-bindings.js';
import { TRACED_CODE_TRIGGERS } from './otel-api.js';
import type { OtelContextSettings } from './settings.js';

/** "Traced code" (core/traced-code.ts): the API (`context.with`, …), span starts, ALS-only code. */
const TRACED_CODE = TRACED_CODE_TRIGGERS;

export const RULE_TRIGGERS: Readonly<Record<string, readonly string[]>> = {
  'no-floating-promise-in-span': TRACED_CODE,
  'no-inactive-parent-span': TRACED_CODE,
  'no-late-context-capture': TRACED_CODE,
  'no-unbound-listener': TRACED_CODE,
  'no-unbound-queued-callback': TRACED_CODE,
  'no-unbound-timer': TRACED_CODE,
  // `context.attach` comes from the API; `enterWith`/`withScope` on any AsyncLocalStorage.
  'no-unpaired-context-attach': [OTEL_API_MODULE, 'AsyncLocalStorage', 'enterWith', 'withScope'],
  'require-span-end': ['startSpan', 'startActiveSpan'],
  // senders and receivers of the transports it knows, recognised by import
  'require-context-propagation': ['worker_threads', 'child_process', 'kafkajs', 'bullmq', 'amqplib', "'message'"],
};

/** Whether `source` may contain a finding of one of `rules` (cheap text test, no parse). */
export function mayContainFinding(source: string, rules: readonly string[], settings: Partial<OtelContextSettings> = {}): boolean {
  const configured = [...(settings.apiModules ?? []), ...(settings.spanWrappers ?? [])];
  if (configured.some((name) => name.length > 0 && source.includes(name))) return true;
  return rules.some((rule) => {
    const triggers = RULE_TRIGGERS[rule];
    return triggers === undefined || triggers.some((trigger) => source.includes(trigger));
  });
}
