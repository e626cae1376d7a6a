/**
 * Work queues of a file: long-lived collections (module-level, class members — also of pre-class
 * `Name.prototype.method` code — or kept by an enclosing function) into which a callback is stored
 * and that the same file drains and runs (the queue model), and calls listed in `additionalQueueFunctions`. The
 * facts `no-unbound-queued-callback` reports and callback ownership reads (bindable-callbacks.ts).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { contains, getPatternKey, getReturnedValues, resolveThisMethod, getEnclosingFunction, getPropertyName, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression, walk, getDottedName } from './ast.js';
import { getCallbackShape, isContextBound, isContextFreeCallback } from './callbacks.js';
import { isSameActivation } from './listeners.js';
import { resolveFunction } from './traced-code.js';
import type { OtelApi } from './otel-api.js';
import { getCollectionRef, getStridePosition, isRunByHelper } from './queue-entries.js';
import type { CollectionRef, Entry } from './queue-entries.js';
import { isEmptyCollection, isInConstructor, isLazyInit, isNumberLiteral, isTeardownCollection, isWaiter } from './queue-shapes.js';

/** A callback stored for later: the stored value (or the `Property` of a stored object), the queue's text, the storing call. */
export interface QueuedCallback {
  node: TSESTree.Node;
  queue: string;
  call: TSESTree.CallExpression;
  /** The callback may be absent where it is stored (an optional argument kept in an object): no `bind` fix. */
  noFix?: boolean;
}

export const STORE_METHODS = new Set(['push', 'unshift', 'add', 'enqueue', 'set']);
const TAKE_METHODS = new Set(['shift', 'pop', 'dequeue', 'get', 'at']);
export const DRAIN_METHODS = new Set(['shift', 'pop', 'dequeue', 'clear']);
const COPY_METHODS = new Set(['splice', 'slice', 'values', 'concat']);
const INDEX_METHODS = new Set(['indexOf', 'findIndex', 'lastIndexOf', 'findLastIndex']);
/** The methods whose receiver buildModel looks at (stores, drains, `delete`, `splice`). */
const RECEIVER_METHODS = new Set([...STORE_METHODS, ...DRAIN_METHODS, 'delete', 'splice']);

interface Store {
  ref: CollectionRef;
  call: TSESTree.CallExpression;
  method: string;
  values: TSESTree.Node[];
}

interface QueueModel {
  stores: Store[];
  drained: Set<string>;
  deletedFrom: Set<string>;
  invoked: Set<string>;
  passed: Set<string>;
  invokedProps: Map<string, Set<string>>;
  /** Stride queues (`push(fn, receiver, arg)`): the entry length and the positions that are run. */
  strides: Map<string, { length: number; run: Set<number> }>;
}

const modelCache = new WeakMap<object, QueueModel>();

function buildModel(sourceCode: Readonly<TSESLint.SourceCode>, nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[]): QueueModel {
  const model: QueueModel = { stores: [], drained: new Set(), deletedFrom: new Set(), invoked: new Set(), passed: new Set(), invokedProps: new Map(), strides: new Map() };
  const ref = (node: TSESTree.Node | undefined) => (node ? getCollectionRef(sourceCode, node) : undefined);

  /** The collection whose entries `node` holds: `q`, `q.splice(0)`, `[...q]`, `Array.from(q)`, a const holding one. */
  function collectionOf(node: TSESTree.Node, depth = 0): string | undefined {
    if (depth > 4) return undefined;
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(expression);
      const receiver = getMethodReceiver(expression);
      if (method !== undefined && COPY_METHODS.has(method) && receiver) return collectionOf(receiver, depth + 1);
      const arg = expression.arguments[0];
      if (method === 'from' && arg && sourceCode.getText(receiver ?? expression) === 'Array') return collectionOf(arg, depth + 1);
      return undefined;
    }
    if (expression.type === AST_NODE_TYPES.ArrayExpression && expression.elements.length === 1) {
      const only = expression.elements[0];
      return only?.type === AST_NODE_TYPES.SpreadElement ? collectionOf(only.argument, depth + 1) : undefined;
    }
    const direct = ref(expression);
    if (direct && expression.type === AST_NODE_TYPES.Identifier) {
      const init = getConstInit(expression);
      return (init && collectionOf(init, depth + 1)) ?? direct.id;
    }
    return direct?.id;
  }

  function getConstInit(identifier: TSESTree.Identifier): TSESTree.Expression | undefined {
    const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    const def = variable?.defs[0];
    if (def?.type !== 'Variable' || variable?.defs.length !== 1 || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
    return def.node.init ?? undefined;
  }

  /** The collection an entry comes from (and the property read off it): `q.shift()`, `q[0]`, a loop variable over `q`. */
  function entryOf(node: TSESTree.Node, depth = 0): Entry | undefined {
    if (depth > 4) return undefined;
    let expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.ChainExpression) expression = unwrapTypeScriptExpression(expression.expression);
    if (expression.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(expression);
      const receiver = getMethodReceiver(expression);
      const id = method !== undefined && TAKE_METHODS.has(method) && receiver ? collectionOf(receiver) : undefined;
      return id === undefined ? undefined : { id, stride: getStridePosition(expression) };
    }
    if (expression.type === AST_NODE_TYPES.MemberExpression) {
      if (expression.computed) {
        const id = collectionOf(expression.object);
        if (id !== undefined) return { id };
      }
      const entry = entryOf(expression.object, depth + 1);
      const name = !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier ? expression.property.name : undefined;
      return entry && entry.prop === undefined && name !== undefined ? { id: entry.id, prop: name } : undefined;
    }
    if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
    const def = variable?.defs[0];
    if (!def || variable?.defs.length !== 1) return undefined;
    const prop = getPatternKey(def.name);
    const wrap = (entry: Entry | undefined) =>
      entry && (prop === undefined ? entry : entry.prop === undefined ? { id: entry.id, prop } : undefined);
    if (def.type === 'Variable') {
      const loop = def.node.parent.parent;
      if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.left === def.node.parent) {
        const id = collectionOf(loop.right);
        return wrap(id === undefined ? undefined : { id });
      }
      // `const [first] = q.splice(i, 1)`: the first entry of a copy of the collection
      if (def.node.init && def.name.parent?.type === AST_NODE_TYPES.ArrayPattern && def.name.parent === def.node.id && def.node.id.elements[0] === def.name) {
        const id = collectionOf(def.node.init);
        return id === undefined ? undefined : { id };
      }
      const init = def.node.init && unwrapTypeScriptExpression(def.node.init);
      const placeholder = init && ((init.type === AST_NODE_TYPES.Literal && init.value === null) || (init.type === AST_NODE_TYPES.Identifier && init.name === 'undefined'));
      if (init && !placeholder) return wrap(entryOf(init, depth + 1));
      // `var cb = null; .. cb = queue.shift();`: every assignment takes an entry of the same collection
      let assigned: Entry | undefined;
      for (const reference of variable.references) {
        if (!reference.isWrite() || reference.init) continue;
        const assignment = reference.identifier.parent;
        if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=' || assignment.left !== reference.identifier) return undefined;
        const taken = entryOf(assignment.right, depth + 1);
        if (!taken || (assigned && (assigned.id !== taken.id || assigned.prop !== taken.prop))) return undefined;
        assigned = taken;
      }
      return wrap(assigned);
    }
    if (def.type === 'Parameter' && isFunctionLike(def.node) && def.node.params[0] && contains(def.node.params[0], def.name)) {
      const call = def.node.parent;
      if (call.type === AST_NODE_TYPES.CallExpression && call.arguments[0] === def.node) {
        const receiver = getMethodReceiver(call);
        const id = receiver && ['forEach', 'map', 'filter'].includes(getMethodName(call) ?? '') ? collectionOf(receiver) : undefined;
        return wrap(id === undefined ? undefined : { id });
      }
    }
    return undefined;
  }

  for (const node of nodes) {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(node);
      // the receiver is resolved (a scope lookup) only for the methods that use it below
      const receiver = method !== undefined && RECEIVER_METHODS.has(method) ? ref(getMethodReceiver(node)) : undefined;
      if (method !== undefined && receiver) {
        if (STORE_METHODS.has(method)) {
          // `push`/`unshift` store every argument; `set(key, value)` its value; `enqueue(item, priority)`
          // and `add(value)` their first
          const values = method === 'set' ? node.arguments.slice(1, 2) : method === 'enqueue' || method === 'add' ? node.arguments.slice(0, 1) : node.arguments;
          model.stores.push({ ref: receiver, call: node, method, values: values.filter((v) => v.type !== AST_NODE_TYPES.SpreadElement) });
        }
        // `clear()` drains only where the entries are read first; alone it is a reset
        if (DRAIN_METHODS.has(method) && (method !== 'clear' || isReadInSameFunction(node, node.callee, receiver.id))) model.drained.add(receiver.id);
        // A map is drained when an entry is taken: `get(key)` and `delete(key)` in the same function.
        if (method === 'delete' && isTakenInSameFunction(node, receiver.id)) model.deletedFrom.add(receiver.id);
        // `splice(i, 1)` takes entries out (a drain) unless it only unregisters one found by a lookup
        // and throws it away (`list.splice(list.indexOf(cb), 1);`).
        if (method === 'splice' && (!isIndexLookup(node.arguments[0]) || node.parent.type !== AST_NODE_TYPES.ExpressionStatement)) model.drained.add(receiver.id);
      }
    } else if (node.operator === '=') {
      const left = unwrapTypeScriptExpression(node.left);
      const right = unwrapTypeScriptExpression(node.right);
      if (left.type === AST_NODE_TYPES.MemberExpression && getPropertyName(left) === 'length' && right.type === AST_NODE_TYPES.Literal && right.value === 0) {
        const target = ref(left.object);
        if (target && isReadInSameFunction(node, node.left, target.id)) model.drained.add(target.id);
      } else if (isEmptyCollection(right) && !isInConstructor(node) && !isLazyInit(sourceCode, node, left)) {
        // `const jobs = queue; queue = [];` or `for (..) ..; queue = [];` swaps the entries out; a
        // hook or a reset that never reads the old collection (`handlers = new Map()` in a test's
        // beforeEach) only starts a new one
        const target = ref(left);
        if (target && isReadInSameFunction(node, node.left, target.id)) model.drained.add(target.id);
      }
    }
  }

  // What runs or hands on the entries (`invoked`, `passed`, `invokedProps`) is read only for a
  // store into a drained collection (findQueuedCallbacks): without one, those lookups are skipped.
  if (!model.stores.some((store) => model.drained.has(store.ref.id) || (store.method === 'set' && model.deletedFrom.has(store.ref.id)))) return model;
  for (const node of nodes) {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      let callee = unwrapTypeScriptExpression(node.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression && ['call', 'apply', 'bind'].includes(getMethodName(node) ?? '')) callee = callee.object;
      const entry = entryOf(callee);
      if (entry?.prop === undefined && entry) run(entry);
      else if (entry?.prop !== undefined) {
        const props = model.invokedProps.get(entry.id) ?? new Set<string>();
        props.add(entry.prop);
        model.invokedProps.set(entry.id, props);
      }
      for (const argument of node.arguments) {
        const passed = entryOf(argument);
        if (passed?.prop !== undefined || !passed) continue;
        // `tryCatch1(fn, receiver, arg)`: the dequeued function handed to a helper that runs it
        if (isRunByHelper(node, argument)) run(passed);
        else if (!passed.stride) model.passed.add(passed.id);
      }
    }
  }

  /** An entry run where it is taken out: the collection's entries are invoked (or, in a stride queue, those at its position). */
  function run(entry: Entry): void {
    if (!entry.stride) {
      model.invoked.add(entry.id);
      return;
    }
    const stride = model.strides.get(entry.id) ?? { length: entry.stride.length, run: new Set<number>() };
    if (stride.length === entry.stride.length) stride.run.add(entry.stride.index);
    model.strides.set(entry.id, stride);
  }

  /**
   * The collection `id` is referred to in the function of `site` (a reset: `q = []`, `q.length = 0`,
   * `q.clear()`), outside `excluded` (the reset's own reference).
   */
  function isReadInSameFunction(site: TSESTree.Node, excluded: TSESTree.Node, id: string): boolean {
    const owner = getEnclosingFunction(site) ?? sourceCode.ast;
    let read = false;
    walk(owner, (node) => {
      if (read || node === excluded) return false;
      if (node !== owner && isFunctionLike(node)) return false;
      if ((node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression) && ref(node)?.id === id) {
        read = true;
        return false;
      }
      return true;
    });
    return read;
  }

  function isTakenInSameFunction(deleteCall: TSESTree.CallExpression, id: string): boolean {
    const key = deleteCall.arguments[0];
    const owner = getEnclosingFunction(deleteCall) ?? sourceCode.ast;
    if (!key) return false;
    const keyText = sourceCode.getText(key);
    let taken = false;
    walk(owner, (node) => {
      if (taken) return false;
      if (node !== owner && isFunctionLike(node)) return false;
      if (node.type === AST_NODE_TYPES.CallExpression && getMethodName(node) === 'get') {
        const arg = node.arguments[0];
        if (arg && sourceCode.getText(arg) === keyText && ref(getMethodReceiver(node))?.id === id) taken = true;
      }
      return !taken;
    });
    return taken;
  }

  /**
   * An index found by a lookup (`indexOf`, `findIndex`, ..), directly, through a const, or through
   * a helper of this file that returns one (`const idx = this._find(cb)`): `splice(idx, 1)` then
   * unregisters an entry, it does not take the next one.
   */
  function isIndexLookup(node: TSESTree.Node | undefined, depth = 0): boolean {
    if (!node || depth > 3) return false;
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.CallExpression) {
      if (INDEX_METHODS.has(getMethodName(expression) ?? '')) return true;
      const helper = resolveHelper(expression);
      if (!helper) return false;
      const returned = getReturnedValues(helper);
      return returned.length > 0 && returned.every((value) => isIndexLookup(value, depth + 1));
    }
    if (expression.type === AST_NODE_TYPES.Identifier) {
      const init = getConstInit(expression);
      return init !== undefined && isIndexLookup(init, depth + 1);
    }
    // a guarded lookup: `list ? list.indexOf(cb) : -1`
    if (expression.type === AST_NODE_TYPES.ConditionalExpression) {
      const branches = [expression.consequent, expression.alternate];
      return branches.some((branch) => isIndexLookup(branch, depth + 1)) && branches.every((branch) => isIndexLookup(branch, depth + 1) || isNumberLiteral(branch));
    }
    return false;
  }

  /** The function of this file a call runs: `helper(..)` (a declaration) or `this.method(..)` (a method of the enclosing class). */
  function resolveHelper(call: TSESTree.CallExpression): FunctionNode | undefined {
    const callee = unwrapTypeScriptExpression(call.callee);
    return callee.type === AST_NODE_TYPES.Identifier ? resolveFunction(sourceCode, callee) : resolveThisMethod(callee);
  }

  return model;
}

function getQueueModel(sourceCode: Readonly<TSESLint.SourceCode>, nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[]): QueueModel {
  const cached = modelCache.get(sourceCode.ast);
  if (cached) return cached;
  const model = buildModel(sourceCode, nodes);
  modelCache.set(sourceCode.ast, model);
  return model;
}

/**
 * The stored values (callbacks, or function-valued properties of a stored object) the drainer runs.
 * `nodes`: every call and assignment of the file, in source order, collected during ESLint's
 * traversal (so the model needs no second walk of the file).
 */
export function findQueuedCallbacks(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
): QueuedCallback[] {
  const model = getQueueModel(sourceCode, nodes);
  const found: QueuedCallback[] = [];
  const unbound = (node: TSESTree.Node) => !isContextBound(sourceCode, api, node) && !isContextFreeCallback(sourceCode, api, node);
  for (const store of model.stores) {
    const { id } = store.ref;
    const isMap = store.method === 'set';
    if (!model.drained.has(id) && !(isMap && model.deletedFrom.has(id))) continue;
    // Teardown callbacks run once, when the owner is disposed or the process exits: binding them
    // would run shutdown work in the trace of whichever request registered it.
    if (isTeardownCollection(store.ref.text)) continue;
    // A collection of one call (filled and drained while that call runs) is not long-lived;
    // module-level collections and class members are.
    if (!store.ref.isMember && store.ref.owner.type !== AST_NODE_TYPES.Program && isSameActivation(api, store.ref.owner, store.call)) continue;
    // a stride queue (`push(fn, receiver, arg)`, three `shift()`s in a row): only the positions that are run
    const stride = model.strides.get(id);
    const strided = stride !== undefined && store.values.length === stride.length && store.method !== 'set';
    for (const [index, value] of store.values.entries()) {
      const expression = unwrapTypeScriptExpression(value);
      if (strided) {
        if (stride.run.has(index) && getCallbackShape(sourceCode, expression).kind !== 'not-a-function' && unbound(expression)) found.push({ node: value, queue: store.ref.text, call: store.call });
        continue;
      }
      if (expression.type === AST_NODE_TYPES.ObjectExpression) {
        if (isWaiter(sourceCode, expression)) continue;
        const props = model.invokedProps.get(id);
        for (const property of expression.properties) {
          if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
          if (property.method || property.kind !== 'init') continue;
          if (property.shorthand) {
            if (props?.has(property.key.name) && getCallbackShape(sourceCode, property.value).kind !== 'not-a-function' && unbound(property.value)) {
              found.push({ node: property, queue: store.ref.text, call: store.call });
            }
            continue;
          }
          const shape = getCallbackShape(sourceCode, property.value);
          if (shape.kind === 'not-a-function' || !unbound(property.value)) continue;
          if (props?.has(property.key.name) || (model.passed.has(id) && shape.kind === 'function')) {
            found.push({ node: property.value, queue: store.ref.text, call: store.call });
          }
        }
        continue;
      }
      const shape = getCallbackShape(sourceCode, expression);
      if (shape.kind === 'not-a-function' || !unbound(expression)) continue;
      if (model.invoked.has(id) || (model.passed.has(id) && shape.kind === 'function')) found.push({ node: value, queue: store.ref.text, call: store.call });
    }
  }
  return found;
}

/**
 * The stores into collections the file drains (for stored values that are not functions, such as
 * command objects: core/analysis/queued-commands.ts), with the collection's text.
 */
export function getDrainedStores(
  sourceCode: Readonly<TSESLint.SourceCode>,
  nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
): { call: TSESTree.CallExpression; queue: string; values: readonly TSESTree.Node[] }[] {
  const model = getQueueModel(sourceCode, nodes);
  return model.stores.filter((store) => store.method !== 'set' && model.drained.has(store.ref.id)).map((store) => ({ call: store.call, queue: store.ref.text, values: store.values }));
}

/** A call listed in `additionalQueueFunctions` (`limit(fn)`, `pool.acquire(cb)`): its callback argument. */
export function getQueueFunctionCallback(
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  queueFunctions: readonly string[],
): QueuedCallback | undefined {
  if (queueFunctions.length === 0) return undefined;
  const text = getDottedName(call.callee);
  if (text === undefined) return undefined;
  const last = text.split('.').at(-1);
  if (!queueFunctions.some((entry) => entry === text || (!entry.includes('.') && entry === last))) return undefined;
  const args = call.arguments.filter((a) => a.type !== AST_NODE_TYPES.SpreadElement);
  const fn = args.find((a) => getCallbackShape(sourceCode, a).kind === 'function');
  const lastArg = args.at(-1);
  const node = fn ?? (lastArg && unwrapTypeScriptExpression(lastArg).type === AST_NODE_TYPES.Identifier ? lastArg : undefined);
  return node ? { node, queue: `${text}(..)`, call } : undefined;
}
