/**
 * Detector for `require-context-propagation`: trace context never crosses a thread, a process or
 * a message broker by itself (9a, 9b: the other side starts a new trace under every manager).
 *
 * Producer side — in traced code (or anywhere with `checkAllProducers`), a send without
 * `propagation.inject` into what the transport carries: `worker.postMessage`, `new Worker(..,
 * { workerData })`, `child_process` spawn/fork/exec*, a forked child's `send`, kafkajs
 * `send`/`sendBatch`, BullMQ `add`/`addBulk`, amqplib `publish`/`sendToQueue`. The fix builds a
 * carrier right before the statement and puts it where the transport carries metadata: kafkajs
 * and amqplib `headers`, BullMQ `opts.telemetry.metadata`, the child's `env` (`TRACEPARENT`,
 * `TRACESTATE`). A worker or IPC message has no metadata slot: the carrier is merged into an object
 * literal message (fix), or spread into any other payload (suggestion: it changes the payload's shape).
 *
 * Consumer side — a handler that does traced work (starts a span without an explicit parent, or
 * reads the active context, itself or through a function of the file) without `propagation.extract`: kafkajs
 * `eachMessage`/`eachBatch`, the processor of BullMQ `new Worker(name, processor)`, amqplib
 * `consume`, `parentPort.on('message')`, `process.on('message')`. The fix extracts from the same
 * place and runs the body under `context.with(extracted, ..)`. `eachBatch` is only reported: one
 * batch has many parents, and the right shape (a span link per message) is the docs' business.
 * Also, in any function: an extracted context that the handler never runs in (the handler's context
 * built with `trace.setSpan(context.active(), span)`), see require-context-propagation/extracted-context.ts;
 * and a consumer's context extracted onto `context.active()` instead of `ROOT_CONTEXT` (in a consumer
 * slot, or as a CONSUMER span's parent), see require-context-propagation/ambient-extract.ts.
 *
 * Instrumented transports — producers and consumers of a broker listed in `instrumentedTransports`,
 * or instrumented by the file itself (it imports `@opentelemetry/instrumentation-kafkajs`,
 * `-amqplib` or `@opentelemetry/auto-instrumentations-node`), are not reported: the
 * instrumentation injects into the headers and runs the handler under the extracted context.
 *
 * Out of scope: a worker or child reading `workerData` / `process.env` at startup; transports
 * reached through wrappers of other modules; `node:cluster`; `MessagePort`s from `MessageChannel`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { getMethodName, unwrapTypeScriptExpression, walk } from '../analysis/ast.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { getOtelApi, fileMayContainTracedCode, textMentionsAny } from '../analysis/otel-api.js';
import { doesTracedWork, resolveFunction } from '../analysis/traced-code.js';
import type { Finding } from '../findings.js';
import { getConsumerHandlers, getProducerCall } from '../transports/boundaries.js';
import type { ConsumerHandler, ProducerCall } from '../transports/boundaries.js';
import { getFileInstrumentedTransports } from '../transports/instrumented.js';
import { CHILD_PROCESS_FUNCTIONS, CONSUMER_SLOTS, instrumentableTransportOf, PRODUCER_SLOTS } from '../transports/records.js';
import type { InstrumentableTransport } from '../transports/records.js';
import { createRoleResolver } from '../transports/roles.js';
import { RULE_TRIGGERS } from '../triggers.js';
import { createAmbientExtractCheck } from './require-context-propagation/ambient-extract.js';
import { createExtractedContextCheck } from './require-context-propagation/extracted-context.js';
import { createPropagationFixer } from './require-context-propagation/fix.js';

export type RequireContextPropagationMessageId =
  | 'sendWithoutContext'
  | 'handlerWithoutContext'
  | 'batchHandlerWithoutContext'
  | 'extractedContextIgnored'
  | 'extractOntoAmbientContext'
  | 'mergeCarrierIntoPayload';

export interface RequireContextPropagationOptions {
  /** Report producers outside lexically traced code too (auto-instrumented handlers are traced). */
  checkAllProducers: boolean;
  /** Transports propagated by an instrumentation registered elsewhere (kafkajs, amqplib, BullMQ). */
  instrumentedTransports: readonly InstrumentableTransport[];
}

/** Methods worth resolving a receiver for (cheap gate before import tracing). */
const INTERESTING_METHODS = new Set([
  'postMessage', 'send', 'sendBatch', 'add', 'addBulk', 'publish', 'sendToQueue', 'consume', 'run',
  'on', 'once', 'addListener', 'prependListener', 'prependOnceListener', ...CHILD_PROCESS_FUNCTIONS,
]);

export function createRequireContextPropagationDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: RequireContextPropagationOptions,
  onFinding: (finding: Finding<RequireContextPropagationMessageId>) => void,
): TSESLint.RuleListener {
  // Senders are checked in traced code and receivers start spans, unless every sender counts.
  if (!options.checkAllProducers && !fileMayContainTracedCode(context)) return {};
  if (!textMentionsAny(context.sourceCode.text, RULE_TRIGGERS['require-context-propagation'])) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const { analysis, listeners: analysisListeners } = useFileAnalysis(context);
  const regions = analysis.regions;
  const roles = createRoleResolver(sourceCode, api);
  const isTypeScript = /\.[cm]?tsx?$/.test(context.filename);
  const { buildProducerFix, buildConsumerFix } = createPropagationFixer(sourceCode, api, isTypeScript);
  const producers: ProducerCall[] = [];
  const consumers: ConsumerHandler[] = [];
  const carrierVariables = new Set<TSESLint.Scope.Variable>();
  const extractedContext = createExtractedContextCheck(sourceCode, api, onFinding);
  const ambientExtract = createAmbientExtractCheck(sourceCode, api, onFinding);

  function collect(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      if (extractedContext.collect(node) || ambientExtract.collect(node)) return;
      if (api.isApiCall(node, 'propagation.inject')) {
        const variable = rootVariable(sourceCode, node.arguments[1]);
        if (variable) carrierVariables.add(variable);
        return;
      }
      const method = getMethodName(node);
      if (method !== undefined && !INTERESTING_METHODS.has(method)) return;
    }
    const producer = getProducerCall(api, roles, node);
    if (producer) producers.push(producer);
    consumers.push(...getConsumerHandlers(api, roles, node));
  }

  /** Listed in `instrumentedTransports`, or instrumented by this file's own imports (computed once per file). */
  function isInstrumented(kind: ProducerCall['kind'] | ConsumerHandler['kind']): boolean {
    const transport = instrumentableTransportOf(kind);
    if (transport === undefined) return false;
    return options.instrumentedTransports.includes(transport) || getFileInstrumentedTransports(sourceCode).has(transport);
  }

  function checkProducer(producer: ProducerCall): void {
    if (isInstrumented(producer.kind)) return;
    const scope = regions.getTraceScope(producer.call);
    if (!scope && !options.checkAllProducers) return;
    if (carriesContext(producer.call)) return;
    const node = producer.call.type === AST_NODE_TYPES.NewExpression ? producer.call : producer.call.callee;
    const data = { transport: producer.transport, slot: PRODUCER_SLOTS[producer.kind].slot };
    const plan = buildProducerFix(producer, scope);
    onFinding({
      messageId: 'sendWithoutContext',
      data,
      node,
      ...(plan?.safe ? { fix: plan.edits } : {}),
      ...(plan && !plan.safe ? { suggestions: [{ messageId: 'mergeCarrierIntoPayload', data, fix: plan.edits }] } : {}),
    });
  }

  function checkConsumer(consumer: ConsumerHandler): void {
    if (isInstrumented(consumer.kind)) return;
    const fn = resolveFunction(sourceCode, consumer.handler);
    if (!fn || !doesTracedWork(sourceCode, api, fn) || extracts(fn)) return;
    const data = { transport: consumer.transport, slot: CONSUMER_SLOTS[consumer.kind].slot };
    if (consumer.kind === 'kafkaEachBatch') {
      onFinding({ messageId: 'batchHandlerWithoutContext', data, node: consumer.node });
      return;
    }
    const fix = buildConsumerFix(consumer, fn);
    onFinding({ messageId: 'handlerWithoutContext', data, node: consumer.node, ...(fix ? { fix } : {}) });
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Already propagated?                                                                      */
  /* ---------------------------------------------------------------------------------------- */

  /** The call's arguments reference an injected carrier, a helper that injects, or a `traceparent` key. */
  function carriesContext(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
    const seen = new Set<TSESTree.Node>();
    const visit = (root: TSESTree.Node, depth: number): boolean => {
      let found = false;
      walk(root, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.Property && !node.computed) {
          const key = node.key.type === AST_NODE_TYPES.Identifier ? node.key.name : node.key.type === AST_NODE_TYPES.Literal ? String(node.key.value) : '';
          if (key.toLowerCase() === 'traceparent') found = true;
        } else if (node.type === AST_NODE_TYPES.Identifier && isReference(node)) {
          const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
          if (variable && carrierVariables.has(variable)) found = true;
          const def = variable?.defs[0];
          if (!found && depth < 2 && def?.type === 'Variable' && def.node.init && !seen.has(def.node.init)) {
            seen.add(def.node.init);
            found = visit(def.node.init, depth + 1);
          }
        } else if (node.type === AST_NODE_TYPES.CallExpression) {
          if (api.isApiCall(node, 'propagation.inject')) found = true;
          const fn = resolveFunction(sourceCode, node.callee);
          if (fn && !seen.has(fn)) {
            seen.add(fn);
            found = containsApiCall(fn, 'propagation.inject');
          }
        }
        return !found;
      });
      return found;
    };
    return call.arguments.some((argument) => visit(argument, 0));
  }

  function containsApiCall(fn: FunctionNode, member: string, visiting = new Set<FunctionNode>()): boolean {
    if (visiting.has(fn)) return false;
    visiting.add(fn);
    let found = false;
    walk(fn.body, (node) => {
      if (found) return false;
      if (node.type === AST_NODE_TYPES.CallExpression) {
        if (api.isApiCall(node, member)) found = true;
        const callee = resolveFunction(sourceCode, node.callee);
        if (!found && callee && callee !== fn) found = containsApiCall(callee, member, visiting);
      }
      return !found;
    });
    return found;
  }

  /** The handlers of the file's broker consumer slots whose transport no instrumentation serves. */
  function consumerFunctions(): { fn: FunctionNode; transport: string }[] {
    const out: { fn: FunctionNode; transport: string }[] = [];
    for (const consumer of consumers) {
      // brokers only: a worker's parentPort and a child's IPC channel deliver at their own root
      if (instrumentableTransportOf(consumer.kind) === undefined || isInstrumented(consumer.kind)) continue;
      const fn = resolveFunction(sourceCode, consumer.handler);
      if (fn) out.push({ fn, transport: consumer.transport });
    }
    return out;
  }

  function extracts(fn: FunctionNode): boolean {
    return containsApiCall(fn, 'propagation.extract');
  }

  return mergeListeners(analysisListeners, {
    CallExpression: collect,
    NewExpression: collect,
    'Program:exit'() {
      for (const producer of producers) checkProducer(producer);
      for (const consumer of consumers) checkConsumer(consumer);
      extractedContext.check();
      ambientExtract.check(consumerFunctions());
    },
  });
}

/** `carrier`, `message.headers`, `opts.env` → the variable of the root identifier. */
function rootVariable(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node | undefined): TSESLint.Scope.Variable | undefined {
  if (!node) return undefined;
  let current = unwrapTypeScriptExpression(node);
  while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrapTypeScriptExpression(current.object);
  if (current.type !== AST_NODE_TYPES.Identifier) return undefined;
  return ASTUtils.findVariable(sourceCode.getScope(current), current) ?? undefined;
}

function isReference(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.property === node && !parent.computed) return false;
  if (parent?.type === AST_NODE_TYPES.Property && parent.key === node && !parent.computed && !parent.shorthand) return false;
  return true;
}

