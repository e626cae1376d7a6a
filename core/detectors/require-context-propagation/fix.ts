/**
 * The fixes of `require-context-propagation`: on the sending side, a carrier injected before the
 * call and put into the transport's carrier slot (headers, metadata, env, the message itself); on
 * the receiving side, the handler's body run inside the context extracted from the message.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { getMethodName, isFunctionLike, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { ApiMember, OtelApi } from '../../analysis/otel-api.js';
import type { TraceScope } from '../../analysis/traced-code.js';
import { ensureApiMembers } from '../../edits/api-imports.js';
import { indentUnit, lineIndent, lineIndentAt, reindentedBody } from '../../edits/indent.js';
import { getFreeLocalName, getFreeNameIn } from '../../edits/names.js';
import { addProperty, appendArgument, mergeSpread } from '../../edits/properties.js';
import type { Edit, EditPlan } from '../../findings.js';
import type { ConsumerHandler, ProducerCall } from '../../transports/boundaries.js';
import { findProperty } from '../../transports/roles.js';
import { instrumentableTransportOf } from '../../transports/records.js';

export interface PropagationFixer {
  /** The producer's fix: `safe` when only metadata changes (else it is offered as a suggestion). */
  buildProducerFix(producer: ProducerCall, scope: TraceScope | undefined): { edits: EditPlan; safe: boolean } | undefined;
  buildConsumerFix(consumer: ConsumerHandler, fn: FunctionNode): EditPlan | undefined;
}

export function createPropagationFixer(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, isTypeScript: boolean): PropagationFixer {
  /** Names handed out to fixes per statement list: two fixes in one list must not declare the same name. */
  const takenNames = new Map<TSESTree.Node, Set<string>>();

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
    const indent = lineIndent(sourceCode, anchor);
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
        return mergeSpread(sourceCode, message, carrier);
      }
      case 'workerData': {
        const options = args[1];
        const property = options?.type === AST_NODE_TYPES.ObjectExpression ? findProperty(options, 'workerData') : undefined;
        if (!property || property.shorthand && property.value.type !== AST_NODE_TYPES.Identifier) return undefined;
        if (property.shorthand) {
          return { edits: [{ range: property.range, text: `workerData: { ...${sourceCode.getText(property.value)}, ...${carrier} }` }], safe: false };
        }
        return mergeSpread(sourceCode, property.value, carrier);
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
          if (!opts) edits.push(...addProperty(sourceCode, job, `opts: { telemetry: { metadata: JSON.stringify(${carrier}) } }`));
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
    if (!telemetry) return { edits: addProperty(sourceCode, options, `telemetry: { ${metadata} }`), safe: true };
    if (telemetry.value.type !== AST_NODE_TYPES.ObjectExpression || findProperty(telemetry.value, 'metadata')) return undefined;
    return { edits: addProperty(sourceCode, telemetry.value, metadata), safe: true };
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
      if (!env) return { edits: addProperty(sourceCode, options, `env: { ...process.env, ...${carrier} }`), safe: true };
      if (env.shorthand) return { edits: [{ range: env.range, text: `env: { ...env, ...${carrier} }` }], safe: true };
      return { edits: mergeSpread(sourceCode, env.value, carrier).edits, safe: true };
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
    // A broker delivers in the context its consumer, connection or loop was started in: extract onto
    // the root (ambient-extract.ts). A worker's or child's port delivers at its own root already.
    const ontoRoot = instrumentableTransportOf(consumer.kind) !== undefined;
    const refs = ensureApiMembers(sourceCode, api, ontoRoot ? ['context', 'propagation', 'ROOT_CONTEXT'] : ['context', 'propagation']);
    const { context: ctxName, propagation } = refs.names;
    const base = ontoRoot ? refs.names.ROOT_CONTEXT : `${ctxName}.active()`;
    let carrier: string | undefined;
    let getter = '';
    const outer = fn.body.type === AST_NODE_TYPES.BlockStatement ? lineIndentAt(sourceCode, fn.body.loc.end.line) : lineIndentAt(sourceCode, fn.loc.start.line);
    const unit = indentUnit(sourceCode, fn, outer);
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
    const head = `{\n${inner}const ${name} = ${propagation}.extract(${base}, ${carrier}${getter});\n${inner}return ${ctxName}.with(${name}, ${asyncPrefix}() => `;
    let edit: Edit;
    if (fn.body.type === AST_NODE_TYPES.BlockStatement) {
      const body = reindentedBody(sourceCode, fn.body, unit);
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

  /** Puts the carrier into `object[key]`: adds the property, or merges into an existing value. */
  function slotEdits(object: TSESTree.ObjectExpression, key: string, carrier: string, propertyText: string): Edit[] {
    const property = findProperty(object, key);
    if (!property) return addProperty(sourceCode, object, propertyText);
    if (property.shorthand) return [{ range: property.range, text: `${key}: { ...${key}, ...${carrier} }` }];
    return mergeSpread(sourceCode, property.value, carrier).edits;
  }

  return { buildProducerFix, buildConsumerFix };
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
