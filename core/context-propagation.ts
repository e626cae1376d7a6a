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
import type { FunctionNode } from './ast.js';
import { getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { ensureApiMembers, getFreeLocalName } from './edits.js';
import type { Edit, EditPlan, Finding } from './findings.js';
import { getOtelApi, fileMayContainTracedCode, fileMentionsAny } from './otel-api.js';
import { RULE_TRIGGERS } from './triggers.js';
import type { ApiMember } from './otel-api.js';
import { createSpanRegionTracker, doesTracedWork, resolveFunction } from './traced-code.js';
import type { TraceScope } from './traced-code.js';
import {
  CHILD_PROCESS_FUNCTIONS,
  createRoleResolver,
  findProperty,
  getConsumerHandlers,
  getFileInstrumentedTransports,
  getProducerCall,
  instrumentableTransportOf,
} from './transports.js';
import type { ConsumerHandler, InstrumentableTransport, ProducerCall } from './transports.js';

export type ContextPropagationMessageId =
  | 'sendWithoutContext'
  | 'handlerWithoutContext'
  | 'batchHandlerWithoutContext'
  | 'mergeCarrierIntoPayload';

export interface ContextPropagationOptions {
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

/** Where each producer's carrier goes, for the message. */
const PRODUCER_SLOTS: Readonly<Record<ProducerCall['kind'], string>> = {
  postMessage: 'the message',
  workerData: 'workerData',
  childProcess: "the child's env (TRACEPARENT, TRACESTATE)",
  childSend: 'the message',
  kafkaSend: 'each message\'s headers',
  kafkaSendBatch: 'each message\'s headers',
  bullmqAdd: 'the job options (telemetry.metadata)',
  bullmqAddBulk: 'the job options (telemetry.metadata)',
  amqpPublish: 'the message headers',
};

const CONSUMER_SLOTS: Readonly<Record<ConsumerHandler['kind'], string>> = {
  kafkaEachMessage: 'the message headers',
  kafkaEachBatch: 'each message\'s headers',
  bullmqProcessor: 'job.opts.telemetry.metadata',
  amqpConsume: 'msg.properties.headers',
  workerMessage: 'the message',
  processMessage: 'the message',
};

export function createContextPropagationDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: ContextPropagationOptions,
  onFinding: (finding: Finding<ContextPropagationMessageId>) => void,
): TSESLint.RuleListener {
  // Senders are checked in traced code and receivers start spans, unless every sender counts.
  if (!options.checkAllProducers && !fileMayContainTracedCode(context)) return {};
  if (!fileMentionsAny(context, RULE_TRIGGERS['require-context-propagation'])) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const regions = createSpanRegionTracker(sourceCode, api);
  const roles = createRoleResolver(sourceCode, api);
  const isTypeScript = /\.[cm]?tsx?$/.test(context.filename);
  /** Names handed out to fixes per statement list: two fixes in one list must not declare the same name. */
  const takenNames = new Map<TSESTree.Node, Set<string>>();
  const producers: ProducerCall[] = [];
  const consumers: ConsumerHandler[] = [];
  const carrierVariables = new Set<TSESLint.Scope.Variable>();

  function collect(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
    if (node.type === AST_NODE_TYPES.CallExpression) {
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
    const data = { transport: producer.transport, slot: PRODUCER_SLOTS[producer.kind] };
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
    const data = { transport: consumer.transport, slot: CONSUMER_SLOTS[consumer.kind] };
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

  function extracts(fn: FunctionNode): boolean {
    return containsApiCall(fn, 'propagation.extract');
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Producer fix                                                                             */
  /* ---------------------------------------------------------------------------------------- */

  function buildProducerFix(producer: ProducerCall, scope: TraceScope | undefined): { edits: EditPlan; safe: boolean } | undefined {
    const anchor = getStatementAnchor(producer.call);
    if (!anchor) return undefined;
    const isEnv = producer.kind === 'childProcess';
    const base = isEnv ? 'traceEnv' : producer.kind.startsWith('kafka') || producer.kind === 'amqpPublish' ? 'traceHeaders' : 'traceCarrier';
    // Decide the payload edit first with a placeholder: a name is taken only when there is a fix.
    const placeholder = '\u0000carrier\u0000';
    const draft = payloadEdits(producer, placeholder);
    if (!draft) return undefined;
    const list = anchor.parent ?? sourceCode.ast;
    const taken = takenNames.get(list) ?? new Set<string>();
    takenNames.set(list, taken);
    const carrier = getFreeLocalName(sourceCode, base, taken);
    const payload = { safe: draft.safe, edits: draft.edits.map((edit) => ({ range: edit.range, text: edit.text.split(placeholder).join(carrier) })) };
    const members: ApiMember[] = scope?.kind === 'inactive-span' ? ['context', 'propagation', 'trace'] : ['context', 'propagation'];
    const refs = ensureApiMembers(sourceCode, api, members);
    const ctx =
      scope?.kind === 'inactive-span' && ASTUtils.findVariable(sourceCode.getScope(producer.call), scope.name) === scope.variable
        ? `${refs.names.trace}.setSpan(${refs.names.context}.active(), ${scope.name})`
        : `${refs.names.context}.active()`;
    const indent = lineIndent(anchor);
    const declaration = isTypeScript ? `const ${carrier}: Record<string, string> = {};` : `const ${carrier} = {};`;
    const setter = isEnv ? ', { set: (env, key, value) => { env[key.toUpperCase()] = value; } }' : '';
    const inject = `${refs.names.propagation}.inject(${ctx}, ${carrier}${setter});`;
    return {
      safe: payload.safe,
      edits: [
        ...refs.edits,
        { range: [anchor.range[0], anchor.range[0]], text: `${declaration}\n${indent}${inject}\n${indent}` },
        ...payload.edits,
      ],
    };
  }

  /** Where the carrier goes in the call; `safe` when only metadata changes. */
  function payloadEdits(producer: ProducerCall, carrier: string): { edits: Edit[]; safe: boolean } | undefined {
    const args = producer.call.arguments;
    switch (producer.kind) {
      case 'postMessage':
      case 'childSend': {
        const message = args[0];
        if (!message || message.type === AST_NODE_TYPES.SpreadElement) return undefined;
        return mergeSpread(message, carrier);
      }
      case 'workerData': {
        const options = args[1];
        const property = options?.type === AST_NODE_TYPES.ObjectExpression ? findProperty(options, 'workerData') : undefined;
        if (!property || property.shorthand && property.value.type !== AST_NODE_TYPES.Identifier) return undefined;
        if (property.shorthand) {
          return { edits: [{ range: property.range, text: `workerData: { ...${sourceCode.getText(property.value)}, ...${carrier} }` }], safe: false };
        }
        return mergeSpread(property.value, carrier);
      }
      case 'childProcess':
        return childProcessEdits(producer, carrier);
      case 'kafkaSend': {
        const record = args[0];
        return record?.type === AST_NODE_TYPES.ObjectExpression ? kafkaMessagesEdits(record, carrier) : undefined;
      }
      case 'kafkaSendBatch': {
        const batch = args[0];
        const topicMessages = batch?.type === AST_NODE_TYPES.ObjectExpression ? findProperty(batch, 'topicMessages') : undefined;
        if (topicMessages?.value.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
        const edits: Edit[] = [];
        for (const element of topicMessages.value.elements) {
          if (element?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
          const inner = kafkaMessagesEdits(element, carrier);
          if (!inner) return undefined;
          edits.push(...inner.edits);
        }
        return edits.length > 0 ? { edits, safe: true } : undefined;
      }
      case 'bullmqAdd': {
        if (args.length === 2) return appendArgument(args, `{ telemetry: { metadata: JSON.stringify(${carrier}) } }`);
        const options = args[2];
        if (args.length !== 3 || !options || options.type === AST_NODE_TYPES.SpreadElement) return undefined;
        return bullmqOptionsEdits(options, carrier);
      }
      case 'bullmqAddBulk': {
        const jobs = args[0];
        if (args.length !== 1 || !jobs || jobs.type === AST_NODE_TYPES.SpreadElement) return undefined;
        if (jobs.type !== AST_NODE_TYPES.ArrayExpression) {
          return {
            edits: [{ range: [jobs.range[1], jobs.range[1]], text: `.map((job) => ({ ...job, opts: { ...job.opts, telemetry: { ...job.opts?.telemetry, metadata: JSON.stringify(${carrier}) } } }))` }],
            safe: true,
          };
        }
        const edits: Edit[] = [];
        for (const job of jobs.elements) {
          if (job?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
          const opts = findProperty(job, 'opts');
          if (!opts) edits.push(...addProperty(job, `opts: { telemetry: { metadata: JSON.stringify(${carrier}) } }`));
          else {
            const inner = bullmqOptionsEdits(opts.value, carrier);
            if (!inner || opts.shorthand) return undefined;
            edits.push(...inner.edits);
          }
        }
        return edits.length > 0 ? { edits, safe: true } : undefined;
      }
      case 'amqpPublish': {
        const optionsIndex = getMethodName(producer.call as TSESTree.CallExpression) === 'publish' ? 3 : 2;
        if (args.length === optionsIndex) return appendArgument(args, `{ headers: ${carrier} }`);
        const options = args[optionsIndex];
        if (args.length !== optionsIndex + 1 || options?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
        return { edits: slotEdits(options, 'headers', carrier, `headers: ${carrier}`), safe: true };
      }
    }
  }

  function kafkaMessagesEdits(record: TSESTree.ObjectExpression, carrier: string): { edits: Edit[]; safe: boolean } | undefined {
    const messages = findProperty(record, 'messages');
    if (!messages || messages.shorthand && messages.value.type !== AST_NODE_TYPES.Identifier) return undefined;
    const value = messages.value;
    const withHeaders = (m: string) => `({ ...${m}, headers: { ...${m}.headers, ...${carrier} } })`;
    if (value.type !== AST_NODE_TYPES.ArrayExpression) {
      const text = `${sourceCode.getText(value)}.map((message) => ${withHeaders('message')})`;
      return { edits: [{ range: messages.range, text: messages.shorthand ? `messages: ${text}` : `${sourceCode.getText(messages.key)}: ${text}` }], safe: true };
    }
    const edits: Edit[] = [];
    for (const element of value.elements) {
      if (!element || element.type === AST_NODE_TYPES.SpreadElement) return undefined;
      if (element.type === AST_NODE_TYPES.ObjectExpression) edits.push(...slotEdits(element, 'headers', carrier, `headers: ${carrier}`));
      else edits.push({ range: element.range, text: withHeaders(sourceCode.getText(element)).slice(1, -1) });
    }
    return edits.length > 0 ? { edits, safe: true } : undefined;
  }

  function bullmqOptionsEdits(options: TSESTree.Node, carrier: string): { edits: Edit[]; safe: boolean } | undefined {
    const metadata = `metadata: JSON.stringify(${carrier})`;
    if (options.type !== AST_NODE_TYPES.ObjectExpression) {
      const text = sourceCode.getText(options);
      return { edits: [{ range: options.range, text: `{ ...${text}, telemetry: { ...${text}?.telemetry, ${metadata} } }` }], safe: true };
    }
    const telemetry = findProperty(options, 'telemetry');
    if (!telemetry) return { edits: addProperty(options, `telemetry: { ${metadata} }`), safe: true };
    if (telemetry.value.type !== AST_NODE_TYPES.ObjectExpression || findProperty(telemetry.value, 'metadata')) return undefined;
    return { edits: addProperty(telemetry.value, metadata), safe: true };
  }

  function childProcessEdits(producer: ProducerCall, carrier: string): { edits: Edit[]; safe: boolean } | undefined {
    const args = producer.call.arguments;
    const envOption = `{ env: { ...process.env, ...${carrier} } }`;
    const hasArgsList = producer.method !== 'exec' && producer.method !== 'execSync';
    const kinds = args.map(argumentKind);
    if (args.length === 0 || kinds.includes('spread')) return undefined;
    // Position of the options object: after the command and (for all but exec*) an optional args array.
    let index = 1;
    if (hasArgsList && kinds[1] === 'array') index = 2;
    const kind = kinds[index];
    if (kinds.slice(1, index + 1).includes('unknown')) return undefined;
    if (kind === 'object') {
      const options = args[index] as TSESTree.ObjectExpression;
      const env = findProperty(options, 'env');
      if (!env) return { edits: addProperty(options, `env: { ...process.env, ...${carrier} }`), safe: true };
      if (env.shorthand) return { edits: [{ range: env.range, text: `env: { ...env, ...${carrier} }` }], safe: true };
      return { edits: mergeSpread(env.value, carrier).edits, safe: true };
    }
    if (kind === 'function') {
      const callback = args[index];
      if (!callback) return undefined;
      return { edits: [{ range: [callback.range[0], callback.range[0]], text: `${envOption}, ` }], safe: true };
    }
    if (kind !== undefined) return undefined;
    if (index === 1 && hasArgsList && producer.method !== 'execFile' && producer.method !== 'execFileSync') {
      return appendArgument(args, `[], ${envOption}`);
    }
    return appendArgument(args, envOption);
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Consumer fix                                                                             */
  /* ---------------------------------------------------------------------------------------- */

  function buildConsumerFix(consumer: ConsumerHandler, fn: FunctionNode): EditPlan | undefined {
    if (fn.generator || !isFixableHandler(consumer.handler, fn)) return undefined;
    const param = fn.params[0];
    if (!param) return undefined;
    const refs = ensureApiMembers(sourceCode, api, ['context', 'propagation']);
    const { context: ctxName, propagation } = refs.names;
    let carrier: string | undefined;
    let getter = '';
    const outer = fn.body.type === AST_NODE_TYPES.BlockStatement ? lineIndentAt(fn.body.loc.end.line) : lineIndentAt(fn.loc.start.line);
    const unit = indentUnit(fn, outer);
    const inner = outer + unit;
    switch (consumer.kind) {
      case 'kafkaEachMessage': {
        let message: string | undefined;
        if (param.type === AST_NODE_TYPES.Identifier) message = `${param.name}.message`;
        else if (param.type === AST_NODE_TYPES.ObjectPattern) {
          for (const property of param.properties) {
            if (
              property.type === AST_NODE_TYPES.Property &&
              property.key.type === AST_NODE_TYPES.Identifier &&
              property.key.name === 'message' &&
              property.value.type === AST_NODE_TYPES.Identifier
            ) {
              message = property.value.name;
            }
          }
        }
        if (message === undefined) return undefined;
        carrier = message;
        getter = `, {\n${inner}${unit}get: (carrier, key) => carrier.headers?.[key]?.toString(),\n${inner}${unit}keys: (carrier) => Object.keys(carrier.headers ?? {}),\n${inner}}`;
        break;
      }
      case 'bullmqProcessor':
        if (param.type === AST_NODE_TYPES.Identifier) carrier = `JSON.parse(${param.name}.opts.telemetry?.metadata ?? '{}')`;
        break;
      case 'amqpConsume':
        if (param.type === AST_NODE_TYPES.Identifier) carrier = `${param.name}?.properties.headers ?? {}`;
        break;
      case 'workerMessage':
      case 'processMessage':
        if (param.type === AST_NODE_TYPES.Identifier) carrier = param.name;
        break;
      case 'kafkaEachBatch':
        return undefined;
    }
    if (carrier === undefined) return undefined;
    // The name lives in the handler's own new scope: only names visible there or declared inside can collide.
    const name = getFreeNameIn(sourceCode, fn, 'producerContext');
    const asyncPrefix = fn.async ? 'async ' : '';
    const head = `{\n${inner}const ${name} = ${propagation}.extract(${ctxName}.active(), ${carrier}${getter});\n${inner}return ${ctxName}.with(${name}, ${asyncPrefix}() => `;
    let edit: Edit;
    if (fn.body.type === AST_NODE_TYPES.BlockStatement) {
      const body = reindentedBody(fn.body, unit);
      if (body === undefined) return undefined;
      edit = { range: fn.body.range, text: `${head}{\n${body}\n${inner}});\n${outer}}` };
    } else {
      const before = sourceCode.getTokenBefore(fn.body);
      const after = sourceCode.getTokenAfter(fn.body);
      const parenthesised = before?.value === '(' && after?.value === ')' && before.range[0] > (fn.params.at(-1)?.range[1] ?? fn.range[0]);
      const range: [number, number] = parenthesised && before && after ? [before.range[0], after.range[1]] : [fn.body.range[0], fn.body.range[1]];
      edit = { range, text: `${head}${sourceCode.text.slice(range[0], range[1])});\n${outer}}` };
    }
    return [...refs.edits, edit];
  }

  /** An inline handler, or a function of this file used only here. */
  function isFixableHandler(handler: TSESTree.Node, fn: FunctionNode): boolean {
    const expression = unwrapTypeScriptExpression(handler);
    if (expression === fn) return true;
    if (expression.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
    return variable !== null && variable.references.filter((r) => !r.init).length === 1;
  }

  function reindentedBody(body: TSESTree.BlockStatement, unit: string): string | undefined {
    const text = sourceCode.text.slice(body.range[0] + 1, body.range[1] - 1);
    const lines = text.replace(/^[^\S\n]*\n/, '').replace(/\n[^\S\n]*$/, '').split('\n');
    if (lines.every((line) => line.trim() === '')) return undefined;
    const multiLineLiteral = sourceCode.ast.tokens.some(
      (token) =>
        token.range[0] >= body.range[0] &&
        token.range[1] <= body.range[1] &&
        (token.type === 'Template' || token.type === 'String') &&
        token.loc.start.line !== token.loc.end.line,
    );
    if (multiLineLiteral) return lines.join('\n');
    return lines.map((line) => (line.trim() === '' ? line : `${unit}${line}`)).join('\n');
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Text helpers                                                                             */
  /* ---------------------------------------------------------------------------------------- */

  function lineIndentAt(line: number): string {
    return /^\s*/.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
  }

  function lineIndent(node: TSESTree.Node): string {
    return lineIndentAt(node.loc.start.line);
  }

  function indentUnit(fn: FunctionNode, outer: string): string {
    if (fn.body.type === AST_NODE_TYPES.BlockStatement) {
      const first = fn.body.body[0];
      if (first && first.loc.start.line !== fn.body.loc.start.line) {
        const inner = lineIndent(first);
        if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
      }
    }
    return '  ';
  }

  /** `{ a }` → `{ a, ...carrier }` (safe); any other expression → `{ ...expr, ...carrier }` (changes the payload's shape). */
  function mergeSpread(value: TSESTree.Node, carrier: string): { edits: Edit[]; safe: boolean } {
    if (value.type === AST_NODE_TYPES.ObjectExpression) return { edits: addProperty(value, `...${carrier}`), safe: true };
    return { edits: [{ range: value.range, text: `{ ...${sourceCode.getText(value)}, ...${carrier} }` }], safe: false };
  }

  /** Puts the carrier into `object[key]`: adds the property, or merges into an existing value. */
  function slotEdits(object: TSESTree.ObjectExpression, key: string, carrier: string, propertyText: string): Edit[] {
    const property = findProperty(object, key);
    if (!property) return addProperty(object, propertyText);
    if (property.shorthand) return [{ range: property.range, text: `${key}: { ...${key}, ...${carrier} }` }];
    return mergeSpread(property.value, carrier).edits;
  }

  function addProperty(object: TSESTree.ObjectExpression, text: string): Edit[] {
    const last = object.properties.at(-1);
    if (!last) return [{ range: object.range, text: `{ ${text} }` }];
    if (last.loc.start.line !== object.loc.start.line) {
      return [{ range: [last.range[1], last.range[1]], text: `,\n${lineIndent(last)}${text}` }];
    }
    return [{ range: [last.range[1], last.range[1]], text: `, ${text}` }];
  }

  function appendArgument(args: readonly TSESTree.CallExpressionArgument[], text: string): { edits: Edit[]; safe: boolean } | undefined {
    const last = args.at(-1);
    return last ? { edits: [{ range: [last.range[1], last.range[1]], text: `, ${text}` }], safe: true } : undefined;
  }

  return {
    ...regions.listeners,
    CallExpression: collect,
    NewExpression: collect,
    'Program:exit'() {
      for (const producer of producers) checkProducer(producer);
      for (const consumer of consumers) checkConsumer(consumer);
    },
  };
}

type ArgumentKind = 'array' | 'object' | 'function' | 'spread' | 'unknown';

function argumentKind(node: TSESTree.CallExpressionArgument, index: number): ArgumentKind | 'command' {
  if (index === 0) return 'command';
  if (node.type === AST_NODE_TYPES.SpreadElement) return 'spread';
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.ArrayExpression) return 'array';
  if (expression.type === AST_NODE_TYPES.ObjectExpression) return 'object';
  if (isFunctionLike(expression)) return 'function';
  return 'unknown';
}

/** The statement (in a statement list of the same function) before which a carrier can be built. */
function getStatementAnchor(node: TSESTree.Node): TSESTree.Node | undefined {
  let current: TSESTree.Node = node;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    if (isFunctionLike(parent) || parent.type === AST_NODE_TYPES.ClassBody) return undefined;
    if (
      parent.type === AST_NODE_TYPES.BlockStatement ||
      parent.type === AST_NODE_TYPES.Program ||
      parent.type === AST_NODE_TYPES.SwitchCase ||
      parent.type === AST_NODE_TYPES.StaticBlock
    ) {
      return parent.type === AST_NODE_TYPES.SwitchCase && parent.test === current ? undefined : current;
    }
  }
  return undefined;
}

function getFreeNameIn(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, base: string): string {
  const scope = sourceCode.getScope(fn);
  const used = new Set<string>();
  const visit = (current: TSESLint.Scope.Scope): void => {
    for (const variable of current.variables) used.add(variable.name);
    for (const reference of current.through) used.add(reference.identifier.name);
    current.childScopes.forEach(visit);
  };
  visit(scope);
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}${i}`;
    if (!used.has(candidate) && ASTUtils.findVariable(scope, candidate) === null) return candidate;
  }
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

