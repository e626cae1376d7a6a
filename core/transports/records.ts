/**
 * The transports that trace context never crosses by itself, as data: one record per transport.
 * A record says how its library objects are made (constructors, factories, methods and types, by
 * import path — never by a variable's name), which calls send (producer slots) and which handlers
 * receive (consumer slots), where the carrier goes in each (carrier shape), the words without
 * which a file cannot use it (trigger words, read by core/triggers.ts), and, for a broker, the
 * instrumentations that propagate for it. The recognisers (roles.ts, boundaries.ts,
 * instrumented.ts), the detector's messages and fixes, the triggers and the codemod's
 * `--instrumented-transports` choices all read these records.
 */

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

export type ConsumerKind = 'kafkaEachMessage' | 'kafkaEachBatch' | 'bullmqProcessor' | 'amqpConsume' | 'workerMessage' | 'processMessage';

/**
 * The transports that can propagate by themselves: the brokers with an OpenTelemetry
 * instrumentation (`@opentelemetry/instrumentation-kafkajs`, `@opentelemetry/instrumentation-amqplib`)
 * or with built-in propagation (BullMQ's `telemetry` option, when it is not visible at the call).
 * `worker_threads` and `child_process` are not among them: nothing propagates across those.
 */
export const INSTRUMENTABLE_TRANSPORTS = ['kafkajs', 'amqplib', 'bullmq'] as const;
export type InstrumentableTransport = (typeof INSTRUMENTABLE_TRANSPORTS)[number];

/** Where the carrier travels: message headers, BullMQ's telemetry metadata, the child's env, the message itself. */
export type CarrierShape = 'headers' | 'telemetry-metadata' | 'env' | 'message' | 'workerData';

export interface Slot {
  /** Where the carrier goes (producer) or comes from (consumer), for the message. */
  slot: string;
  carrier: CarrierShape;
}

export interface TransportRecord {
  name: 'worker_threads' | 'child_process' | InstrumentableTransport;
  /** Substrings without which a file cannot send or receive over it. */
  triggers: readonly string[];
  /** Import paths of constructors (`new X(..)`), factory calls and types, to the role they make. */
  newRoles?: Readonly<Record<string, Role>>;
  callRoles?: Readonly<Record<string, Role>>;
  typeRoles?: Readonly<Record<string, Role>>;
  /** Methods of a role that make another role (`kafka.producer()`). */
  methodRoles?: Readonly<Record<string, Readonly<Record<string, Role>>>>;
  /** Methods of a role that send: `[role, method, kind, how the message names it]`. */
  producerMethods?: readonly (readonly [Role, string, ProducerKind, string])[];
  producers: Readonly<Partial<Record<ProducerKind, Slot>>>;
  consumers: Readonly<Partial<Record<ConsumerKind, Slot>>>;
  /** For a broker: the modules (and the official classes, by name) whose import sets up an instrumentation that injects and extracts. */
  instrumentation?: { modules: readonly string[]; classes: readonly string[] };
}

/** The `child_process` functions that start a child (each takes an `env` option). */
export const CHILD_PROCESS_FUNCTIONS = ['spawn', 'fork', 'exec', 'execFile', 'spawnSync', 'execSync', 'execFileSync'] as const;

const MESSAGE: Slot = { slot: 'the message', carrier: 'message' };

export const TRANSPORTS: readonly TransportRecord[] = [
  {
    name: 'worker_threads',
    triggers: ['worker_threads'],
    newRoles: { 'node:worker_threads:Worker': 'worker' },
    typeRoles: { 'node:worker_threads:Worker': 'worker' },
    producerMethods: [['worker', 'postMessage', 'postMessage', 'worker.postMessage']],
    producers: { postMessage: MESSAGE, workerData: { slot: 'workerData', carrier: 'workerData' } },
    consumers: { workerMessage: MESSAGE },
  },
  {
    name: 'child_process',
    // `process.on('message')` in the child: it imports nothing
    triggers: ['child_process', "'message'", '"message"'],
    callRoles: { 'node:child_process:fork': 'forked-child' },
    typeRoles: { 'node:child_process:ChildProcess': 'forked-child' },
    producerMethods: [['forked-child', 'send', 'childSend', 'child.send']],
    producers: { childProcess: { slot: "the child's env (TRACEPARENT, TRACESTATE)", carrier: 'env' }, childSend: MESSAGE },
    consumers: { processMessage: MESSAGE },
  },
  {
    name: 'kafkajs',
    triggers: ['kafkajs'],
    newRoles: { 'kafkajs:Kafka': 'kafka' },
    methodRoles: { kafka: { producer: 'kafka-producer', consumer: 'kafka-consumer' } },
    typeRoles: { 'kafkajs:Kafka': 'kafka', 'kafkajs:Producer': 'kafka-producer', 'kafkajs:Consumer': 'kafka-consumer' },
    producerMethods: [
      ['kafka-producer', 'send', 'kafkaSend', 'kafkajs producer.send'],
      ['kafka-producer', 'sendBatch', 'kafkaSendBatch', 'kafkajs producer.sendBatch'],
    ],
    producers: {
      kafkaSend: { slot: "each message's headers", carrier: 'headers' },
      kafkaSendBatch: { slot: "each message's headers", carrier: 'headers' },
    },
    consumers: {
      kafkaEachMessage: { slot: 'the message headers', carrier: 'headers' },
      kafkaEachBatch: { slot: "each message's headers", carrier: 'headers' },
    },
    // `getNodeAutoInstrumentations()` (and its `/register` entry point) includes kafkajs and amqplib
    instrumentation: { modules: ['@opentelemetry/instrumentation-kafkajs', '@opentelemetry/auto-instrumentations-node'], classes: ['KafkaJsInstrumentation'] },
  },
  {
    name: 'bullmq',
    triggers: ['bullmq'],
    newRoles: { 'bullmq:Queue': 'bullmq-queue' },
    typeRoles: { 'bullmq:Queue': 'bullmq-queue' },
    producerMethods: [
      ['bullmq-queue', 'add', 'bullmqAdd', 'BullMQ queue.add'],
      ['bullmq-queue', 'addBulk', 'bullmqAddBulk', 'BullMQ queue.addBulk'],
    ],
    producers: {
      bullmqAdd: { slot: 'the job options (telemetry.metadata)', carrier: 'telemetry-metadata' },
      bullmqAddBulk: { slot: 'the job options (telemetry.metadata)', carrier: 'telemetry-metadata' },
    },
    consumers: { bullmqProcessor: { slot: 'job.opts.telemetry.metadata', carrier: 'telemetry-metadata' } },
  },
  {
    name: 'amqplib',
    triggers: ['amqplib'],
    callRoles: { 'amqplib:connect': 'amqp-connection' },
    methodRoles: { 'amqp-connection': { createChannel: 'amqp-channel', createConfirmChannel: 'amqp-channel' } },
    typeRoles: {
      'amqplib:Connection': 'amqp-connection',
      'amqplib:ChannelModel': 'amqp-connection',
      'amqplib:Channel': 'amqp-channel',
      'amqplib:ConfirmChannel': 'amqp-channel',
    },
    producerMethods: [
      ['amqp-channel', 'publish', 'amqpPublish', 'amqplib channel.publish'],
      ['amqp-channel', 'sendToQueue', 'amqpPublish', 'amqplib channel.sendToQueue'],
    ],
    producers: { amqpPublish: { slot: 'the message headers', carrier: 'headers' } },
    consumers: { amqpConsume: { slot: 'msg.properties.headers', carrier: 'headers' } },
    instrumentation: { modules: ['@opentelemetry/instrumentation-amqplib', '@opentelemetry/auto-instrumentations-node'], classes: ['AmqplibInstrumentation'] },
  },
];

/* Lookup tables derived from the records. */

const merge = <T>(pick: (record: TransportRecord) => Readonly<Record<string, T>> | undefined): Readonly<Record<string, T>> =>
  Object.assign({}, ...TRANSPORTS.map((record) => pick(record) ?? {})) as Record<string, T>;

export const NEW_ROLES = merge((r) => r.newRoles);
export const CALL_ROLES = merge((r) => r.callRoles);
export const TYPE_ROLES = merge((r) => r.typeRoles);
export const METHOD_ROLES = merge((r) => r.methodRoles);

export const PRODUCER_METHODS: Readonly<Record<string, Readonly<Record<string, readonly [ProducerKind, string]>>>> = (() => {
  const byRole: Record<string, Record<string, readonly [ProducerKind, string]>> = {};
  for (const record of TRANSPORTS) {
    for (const [role, method, kind, text] of record.producerMethods ?? []) (byRole[role] ??= {})[method] = [kind, text];
  }
  return byRole;
})();

export const PRODUCER_SLOTS = merge((r) => r.producers) as Readonly<Record<ProducerKind, Slot>>;
export const CONSUMER_SLOTS = merge((r) => r.consumers) as Readonly<Record<ConsumerKind, Slot>>;

/** The trigger words of every transport (require-context-propagation's per-file gate, the codemod's pre-filter). */
export const TRANSPORT_TRIGGERS: readonly string[] = TRANSPORTS.flatMap((record) => record.triggers);

const isInstrumentable = (name: TransportRecord['name']): name is InstrumentableTransport =>
  (INSTRUMENTABLE_TRANSPORTS as readonly string[]).includes(name);

/** The broker a producer or consumer kind belongs to, when an instrumentation can propagate for it. */
export function instrumentableTransportOf(kind: ProducerKind | ConsumerKind): InstrumentableTransport | undefined {
  const record = TRANSPORTS.find((r) => kind in r.producers || kind in r.consumers);
  return record && isInstrumentable(record.name) ? record.name : undefined;
}

/** Module → the brokers its import instruments; official class name → its broker. */
export const INSTRUMENTATION_MODULES: Readonly<Record<string, readonly InstrumentableTransport[]>> = (() => {
  const modules: Record<string, InstrumentableTransport[]> = {};
  for (const record of TRANSPORTS) {
    if (!record.instrumentation || !isInstrumentable(record.name)) continue;
    for (const module of record.instrumentation.modules) (modules[module] ??= []).push(record.name);
  }
  return modules;
})();
export const INSTRUMENTATION_CLASSES: Readonly<Record<string, InstrumentableTransport>> = (() => {
  const classes: Record<string, InstrumentableTransport> = {};
  for (const record of TRANSPORTS) {
    if (!record.instrumentation || !isInstrumentable(record.name)) continue;
    for (const name of record.instrumentation.classes) classes[name] = record.name;
  }
  return classes;
})();
