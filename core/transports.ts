/**
 * Recognition of the boundaries that trace context never crosses by itself: threads
 * (`worker_threads`), processes (`child_process`) and message brokers (kafkajs, BullMQ, amqplib).
 * Every library object is recognised by import tracing — an instance made from the library
 * (`new Kafka(..).producer()`, `await amqp.connect(..)`, `new Queue(..)`), a parameter, field or
 * variable typed with the library's own type (`producer: Producer` imported from `kafkajs`) —
 * never by a variable's name. The brokers an OpenTelemetry instrumentation propagates for, and the
 * imports by which a file sets one up, are at the end (`getFileInstrumentedTransports`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getMethodName, getMethodReceiver, getPropertyName, getRequireSource, importedName, unwrapTypeScriptExpression, walk } from './ast.js';
import type { OtelApi } from './otel-api.js';

/** What a library object is. */
export type Role =
  | 'kafka'
  | 'kafka-producer'
  | 'kafka-consumer'
  | 'bullmq-queue'
  | 'amqp-connection'
  | 'amqp-channel'
  | 'worker'
  | 'forked-child';

/** Constructors, factories and types that make each role. */
const NEW_ROLES: Readonly<Record<string, Role>> = {
  'kafkajs:Kafka': 'kafka',
  'bullmq:Queue': 'bullmq-queue',
  'node:worker_threads:Worker': 'worker',
};
const CALL_ROLES: Readonly<Record<string, Role>> = {
  'amqplib:connect': 'amqp-connection',
  'node:child_process:fork': 'forked-child',
};
const METHOD_ROLES: Readonly<Record<string, Readonly<Record<string, Role>>>> = {
  kafka: { producer: 'kafka-producer', consumer: 'kafka-consumer' },
  'amqp-connection': { createChannel: 'amqp-channel', createConfirmChannel: 'amqp-channel' },
};
const TYPE_ROLES: Readonly<Record<string, Role>> = {
  'kafkajs:Kafka': 'kafka',
  'kafkajs:Producer': 'kafka-producer',
  'kafkajs:Consumer': 'kafka-consumer',
  'bullmq:Queue': 'bullmq-queue',
  'amqplib:Connection': 'amqp-connection',
  'amqplib:ChannelModel': 'amqp-connection',
  'amqplib:Channel': 'amqp-channel',
  'amqplib:ConfirmChannel': 'amqp-channel',
  'node:worker_threads:Worker': 'worker',
  'node:child_process:ChildProcess': 'forked-child',
};

export interface RoleResolver {
  roleOf(node: TSESTree.Node): Role | undefined;
}

export function createRoleResolver(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi): RoleResolver {
  const cache = new Map<TSESTree.Node, Role | null>();

  function roleOfType(annotation: TSESTree.TypeNode | undefined): Role | undefined {
    if (annotation?.type !== AST_NODE_TYPES.TSTypeReference) return undefined;
    const name = annotation.typeName;
    const path =
      name.type === AST_NODE_TYPES.Identifier
        ? api.resolver.pathOf(name)
        : name.type === AST_NODE_TYPES.TSQualifiedName && name.left.type === AST_NODE_TYPES.Identifier
          ? `${api.resolver.pathOf(name.left) ?? ''}${name.right.name}`
          : undefined;
    return path === undefined ? undefined : TYPE_ROLES[path];
  }

  function roleOfExpression(node: TSESTree.Node): Role | undefined {
    let expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.AwaitExpression) expression = unwrapTypeScriptExpression(expression.argument);
    if (expression.type === AST_NODE_TYPES.NewExpression) {
      const path = api.resolver.pathOf(expression.callee);
      const role = path === undefined ? undefined : NEW_ROLES[path];
      // A queue made with BullMQ's own `telemetry` option propagates the context itself.
      if (role === 'bullmq-queue' && hasTelemetryOption(expression.arguments[1])) return undefined;
      return role;
    }
    if (expression.type === AST_NODE_TYPES.CallExpression) {
      const path = api.resolver.pathOf(expression.callee);
      if (path !== undefined && CALL_ROLES[path]) return CALL_ROLES[path];
      const method = getMethodName(expression);
      const receiver = getMethodReceiver(expression);
      if (method === undefined || !receiver) return undefined;
      const receiverRole = roleOf(receiver);
      return receiverRole === undefined ? undefined : METHOD_ROLES[receiverRole]?.[method];
    }
    if (expression.type === AST_NODE_TYPES.Identifier) return roleOfIdentifier(expression);
    if (expression.type === AST_NODE_TYPES.MemberExpression && expression.object.type === AST_NODE_TYPES.ThisExpression) {
      return roleOfThisMember(expression);
    }
    return undefined;
  }

  function roleOfIdentifier(identifier: TSESTree.Identifier): Role | undefined {
    const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    const def = variable?.defs[0];
    if (!def || variable.defs.length !== 1) return undefined;
    if (def.type === 'Variable') {
      const declared = roleOfType(def.node.id.typeAnnotation?.typeAnnotation);
      if (declared) return declared;
      if (def.node.parent.kind !== 'const' || !def.node.init || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      return roleOf(def.node.init);
    }
    if (def.type === 'Parameter' && def.name.type === AST_NODE_TYPES.Identifier) {
      return roleOfType(def.name.typeAnnotation?.typeAnnotation);
    }
    return undefined;
  }

  /** `this.producer`: a class field (typed or initialised), a parameter property, or a constructor assignment. */
  function roleOfThisMember(member: TSESTree.MemberExpression): Role | undefined {
    const name = getPropertyName(member);
    if (name === undefined) return undefined;
    let classBody: TSESTree.ClassBody | undefined;
    for (let current: TSESTree.Node | undefined = member.parent; current; current = current.parent) {
      if (current.type === AST_NODE_TYPES.ClassBody) {
        classBody = current;
        break;
      }
    }
    if (!classBody) return undefined;
    for (const element of classBody.body) {
      if (element.type === AST_NODE_TYPES.PropertyDefinition && element.key.type === AST_NODE_TYPES.Identifier && element.key.name === name) {
        const role = roleOfType(element.typeAnnotation?.typeAnnotation) ?? (element.value ? roleOf(element.value) : undefined);
        if (role) return role;
      }
      if (element.type !== AST_NODE_TYPES.MethodDefinition || element.kind !== 'constructor') continue;
      for (const param of element.value.params) {
        if (param.type === AST_NODE_TYPES.TSParameterProperty && param.parameter.type === AST_NODE_TYPES.Identifier && param.parameter.name === name) {
          const role = roleOfType(param.parameter.typeAnnotation?.typeAnnotation);
          if (role) return role;
        }
      }
      for (const statement of element.value.body?.body ?? []) {
        if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
        const assignment = statement.expression;
        if (
          assignment.type === AST_NODE_TYPES.AssignmentExpression &&
          assignment.left.type === AST_NODE_TYPES.MemberExpression &&
          assignment.left.object.type === AST_NODE_TYPES.ThisExpression &&
          getPropertyName(assignment.left) === name
        ) {
          const role = roleOf(assignment.right);
          if (role) return role;
        }
      }
    }
    return undefined;
  }

  function roleOf(node: TSESTree.Node): Role | undefined {
    const cached = cache.get(node);
    if (cached !== undefined) return cached ?? undefined;
    cache.set(node, null); // guards against cycles
    const role = roleOfExpression(node);
    cache.set(node, role ?? null);
    return role;
  }

  return { roleOf };
}

/* ------------------------------------------------------------------------------------------ */
/* Producers                                                                                   */
/* ------------------------------------------------------------------------------------------ */

export type ProducerKind =
  | 'postMessage'
  | 'workerData'
  | 'childProcess'
  | 'childSend'
  | 'kafkaSend'
  | 'kafkaSendBatch'
  | 'bullmqAdd'
  | 'bullmqAddBulk'
  | 'amqpPublish';

export interface ProducerCall {
  kind: ProducerKind;
  /** How the message names the boundary: `worker.postMessage`, `child_process.spawn`, `kafkajs producer.send`. */
  transport: string;
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  /** For `childProcess`: the function called (`spawn`, `execFile`, ..). */
  method?: string;
}

export const CHILD_PROCESS_FUNCTIONS = ['spawn', 'fork', 'exec', 'execFile', 'spawnSync', 'execSync', 'execFileSync'] as const;
export type ChildProcessFunction = (typeof CHILD_PROCESS_FUNCTIONS)[number];

const PRODUCER_METHODS: Readonly<Record<string, Readonly<Record<string, [ProducerKind, string]>>>> = {
  worker: { postMessage: ['postMessage', 'worker.postMessage'] },
  'forked-child': { send: ['childSend', 'child.send'] },
  'kafka-producer': { send: ['kafkaSend', 'kafkajs producer.send'], sendBatch: ['kafkaSendBatch', 'kafkajs producer.sendBatch'] },
  'bullmq-queue': { add: ['bullmqAdd', 'BullMQ queue.add'], addBulk: ['bullmqAddBulk', 'BullMQ queue.addBulk'] },
  'amqp-channel': { publish: ['amqpPublish', 'amqplib channel.publish'], sendToQueue: ['amqpPublish', 'amqplib channel.sendToQueue'] },
};

export function getProducerCall(
  api: OtelApi,
  roles: RoleResolver,
  call: TSESTree.CallExpression | TSESTree.NewExpression,
): ProducerCall | undefined {
  if (call.type === AST_NODE_TYPES.NewExpression) {
    if (api.resolver.pathOf(call.callee) !== 'node:worker_threads:Worker') return undefined;
    const options = call.arguments[1];
    if (options?.type !== AST_NODE_TYPES.ObjectExpression || !findProperty(options, 'workerData')) return undefined;
    return { kind: 'workerData', transport: 'new Worker(.., { workerData })', call };
  }
  const path = api.calleePath(call);
  const childFunction = path?.startsWith('node:child_process:') ? path.slice('node:child_process:'.length) : undefined;
  if (childFunction !== undefined && (CHILD_PROCESS_FUNCTIONS as readonly string[]).includes(childFunction)) {
    return { kind: 'childProcess', transport: `child_process.${childFunction}`, call, method: childFunction };
  }
  const method = getMethodName(call);
  const receiver = getMethodReceiver(call);
  if (method === undefined || !receiver) return undefined;
  const role = roles.roleOf(receiver);
  const entry = role === undefined ? undefined : PRODUCER_METHODS[role]?.[method];
  return entry ? { kind: entry[0], transport: entry[1], call } : undefined;
}

/* ------------------------------------------------------------------------------------------ */
/* Consumers                                                                                   */
/* ------------------------------------------------------------------------------------------ */

export type ConsumerKind = 'kafkaEachMessage' | 'kafkaEachBatch' | 'bullmqProcessor' | 'amqpConsume' | 'workerMessage' | 'processMessage';

export interface ConsumerHandler {
  kind: ConsumerKind;
  transport: string;
  /** The handler expression as written (an inline function or a reference to one). */
  handler: TSESTree.Node;
  /** Where the report goes. */
  node: TSESTree.Node;
}

const MESSAGE_LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

export function getConsumerHandlers(
  api: OtelApi,
  roles: RoleResolver,
  call: TSESTree.CallExpression | TSESTree.NewExpression,
): ConsumerHandler[] {
  if (call.type === AST_NODE_TYPES.NewExpression) {
    if (api.resolver.pathOf(call.callee) !== 'bullmq:Worker' || hasTelemetryOption(call.arguments[2])) return [];
    const processor = call.arguments[1];
    if (!processor || processor.type === AST_NODE_TYPES.SpreadElement || processor.type === AST_NODE_TYPES.Literal) return [];
    return [{ kind: 'bullmqProcessor', transport: 'BullMQ Worker', handler: processor, node: call.callee }];
  }
  const method = getMethodName(call);
  const receiver = getMethodReceiver(call);
  if (method === undefined || !receiver) return [];
  if (MESSAGE_LISTENER_METHODS.has(method) && isStringLiteral(call.arguments[0], 'message')) {
    const handler = call.arguments[1];
    if (!handler || handler.type === AST_NODE_TYPES.SpreadElement) return [];
    const receiverPath = api.resolver.pathOf(receiver);
    if (receiverPath === 'node:worker_threads:parentPort') {
      return [{ kind: 'workerMessage', transport: "parentPort 'message'", handler, node: call.callee }];
    }
    if (receiverPath === 'global:process' || receiverPath === 'node:process:') {
      return [{ kind: 'processMessage', transport: "process 'message'", handler, node: call.callee }];
    }
    return [];
  }
  const role = roles.roleOf(receiver);
  if (role === 'amqp-channel' && method === 'consume') {
    const handler = call.arguments[1];
    if (!handler || handler.type === AST_NODE_TYPES.SpreadElement) return [];
    return [{ kind: 'amqpConsume', transport: 'amqplib channel.consume', handler, node: call.callee }];
  }
  if (role === 'kafka-consumer' && method === 'run') {
    const config = call.arguments[0];
    if (config?.type !== AST_NODE_TYPES.ObjectExpression) return [];
    const found: ConsumerHandler[] = [];
    for (const [key, kind] of [['eachMessage', 'kafkaEachMessage'], ['eachBatch', 'kafkaEachBatch']] as const) {
      const property = findProperty(config, key);
      if (property) found.push({ kind, transport: `kafkajs ${key}`, handler: property.value, node: property.key });
    }
    return found;
  }
  return [];
}

/* ------------------------------------------------------------------------------------------ */
/* Small AST helpers                                                                           */
/* ------------------------------------------------------------------------------------------ */

export function findProperty(object: TSESTree.ObjectExpression, name: string): TSESTree.Property | undefined {
  for (const property of object.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key =
      property.key.type === AST_NODE_TYPES.Identifier
        ? property.key.name
        : property.key.type === AST_NODE_TYPES.Literal
          ? String(property.key.value)
          : undefined;
    if (key === name) return property;
  }
  return undefined;
}

/** `{ .., telemetry: .. }`: BullMQ's own OpenTelemetry integration injects and extracts. */
function hasTelemetryOption(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.ObjectExpression && findProperty(node, 'telemetry') !== undefined;
}

function isStringLiteral(node: TSESTree.Node | undefined, value: string): boolean {
  return node?.type === AST_NODE_TYPES.Literal && node.value === value;
}

/* ------------------------------------------------------------------------------------------ */
/* Instrumented transports                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * The transports that can propagate by themselves: the brokers with an OpenTelemetry
 * instrumentation (`@opentelemetry/instrumentation-kafkajs`, `@opentelemetry/instrumentation-amqplib`)
 * or with built-in propagation (BullMQ's `telemetry` option, when it is not visible at the call).
 * `worker_threads` and `child_process` are not among them: nothing propagates across those.
 */
export const INSTRUMENTABLE_TRANSPORTS = ['kafkajs', 'amqplib', 'bullmq'] as const;
export type InstrumentableTransport = (typeof INSTRUMENTABLE_TRANSPORTS)[number];

const TRANSPORT_OF_KIND: Readonly<Record<ProducerKind | ConsumerKind, InstrumentableTransport | undefined>> = {
  kafkaSend: 'kafkajs',
  kafkaSendBatch: 'kafkajs',
  kafkaEachMessage: 'kafkajs',
  kafkaEachBatch: 'kafkajs',
  amqpPublish: 'amqplib',
  amqpConsume: 'amqplib',
  bullmqAdd: 'bullmq',
  bullmqAddBulk: 'bullmq',
  bullmqProcessor: 'bullmq',
  postMessage: undefined,
  workerData: undefined,
  workerMessage: undefined,
  childProcess: undefined,
  childSend: undefined,
  processMessage: undefined,
};

/** The transport a producer or consumer belongs to, when an instrumentation can propagate for it. */
export function instrumentableTransportOf(kind: ProducerKind | ConsumerKind): InstrumentableTransport | undefined {
  return TRANSPORT_OF_KIND[kind];
}

/** Modules whose import means the file sets up an instrumentation that injects and extracts. */
const INSTRUMENTATION_MODULES: Readonly<Record<string, readonly InstrumentableTransport[]>> = {
  '@opentelemetry/instrumentation-kafkajs': ['kafkajs'],
  '@opentelemetry/instrumentation-amqplib': ['amqplib'],
  // Its `getNodeAutoInstrumentations()` (and its `/register` entry point) includes both.
  '@opentelemetry/auto-instrumentations-node': ['kafkajs', 'amqplib'],
};

/**
 * The official instrumentation classes, imported under their own name from any module: the
 * instrumentation's own tests import it from `../src`, a monorepo from a local re-export.
 */
const INSTRUMENTATION_CLASSES: Readonly<Record<string, InstrumentableTransport>> = {
  KafkaJsInstrumentation: 'kafkajs',
  AmqplibInstrumentation: 'amqplib',
};

const INSTRUMENTATION_TRIGGERS = [...Object.keys(INSTRUMENTATION_MODULES), ...Object.keys(INSTRUMENTATION_CLASSES)];
const NO_TRANSPORTS: ReadonlySet<InstrumentableTransport> = new Set();
const instrumentedCache = new WeakMap<object, ReadonlySet<InstrumentableTransport>>();

/**
 * The transports that the file itself instruments: it imports (ESM `import`, `import x =
 * require(..)`, `require(..)` or `import(..)`) an instrumentation package, or one of the official
 * instrumentation classes by name. A type-only import sets nothing up and does not count. Once per file.
 */
export function getFileInstrumentedTransports(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<InstrumentableTransport> {
  const cached = instrumentedCache.get(sourceCode.ast);
  if (cached) return cached;
  const text = sourceCode.text;
  if (!INSTRUMENTATION_TRIGGERS.some((trigger) => text.includes(trigger))) {
    instrumentedCache.set(sourceCode.ast, NO_TRANSPORTS);
    return NO_TRANSPORTS;
  }
  const found = new Set<InstrumentableTransport>();
  const addModule = (source: unknown): void => {
    if (typeof source !== 'string') return;
    for (const [module, transports] of Object.entries(INSTRUMENTATION_MODULES)) {
      if (source === module || source.startsWith(`${module}/`)) transports.forEach((transport) => found.add(transport));
    }
  };
  const addName = (name: string): void => {
    const transport = INSTRUMENTATION_CLASSES[name];
    if (transport) found.add(transport);
  };
  walk(sourceCode.ast, (node) => {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration: {
        if (node.importKind === 'type') return false;
        const values = node.specifiers.filter((s) => s.type !== AST_NODE_TYPES.ImportSpecifier || s.importKind !== 'type');
        if (node.specifiers.length > 0 && values.length === 0) return false;
        addModule(node.source.value);
        for (const specifier of values) {
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier) addName(importedName(specifier));
        }
        return false;
      }
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        if (node.importKind !== 'type' && node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
          addModule(node.moduleReference.expression.value);
        }
        return false;
      case AST_NODE_TYPES.ImportExpression:
        if (node.source.type === AST_NODE_TYPES.Literal) addModule(node.source.value);
        return true;
      case AST_NODE_TYPES.CallExpression: {
        const source = getRequireSource(node);
        if (source === undefined) return true;
        addModule(source);
        const parent = node.parent;
        if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.ObjectPattern) {
          for (const property of parent.id.properties) {
            if (property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier) {
              addName(property.key.name);
            }
          }
        } else if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) {
          const name = getPropertyName(parent);
          if (name !== undefined) addName(name);
        }
        return true;
      }
      default:
        return true;
    }
  });
  const result = found.size > 0 ? found : NO_TRANSPORTS;
  instrumentedCache.set(sourceCode.ast, result);
  return result;
}

