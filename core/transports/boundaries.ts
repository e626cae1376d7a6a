/**
 * The sending calls (producers) and receiving handlers (consumers) of the transports in
 * records.ts: `worker.postMessage`, `new Worker(.., { workerData })`, `child_process.spawn` and
 * friends, `child.send`, kafkajs `producer.send`/`sendBatch` and `consumer.run({ eachMessage })`,
 * BullMQ `queue.add`/`addBulk` and `new Worker(name, processor)`, amqplib `channel.publish`,
 * `sendToQueue` and `consume`, `parentPort.on('message')` and `process.on('message')`.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getMethodName, getMethodReceiver } from '../analysis/ast.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { CHILD_PROCESS_FUNCTIONS, PRODUCER_METHODS } from './records.js';
import type { ConsumerKind, ProducerKind } from './records.js';

export type { ConsumerKind, ProducerKind } from './records.js';
import { findProperty, hasTelemetryOption } from './roles.js';
import type { RoleResolver } from './roles.js';

export interface ProducerCall {
  kind: ProducerKind;
  /** How the message names the boundary: `worker.postMessage`, `child_process.spawn`, `kafkajs producer.send`. */
  transport: string;
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  /** For `childProcess`: the function called (`spawn`, `execFile`, ..). */
  method?: string;
}

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

function isStringLiteral(node: TSESTree.Node | undefined, value: string): boolean {
  return node?.type === AST_NODE_TYPES.Literal && node.value === value;
}
