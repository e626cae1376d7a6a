/**
 * What a library object is (its `Role`), by import tracing: an instance made from the library
 * (`new Kafka(..).producer()`, `await amqp.connect(..)`, `new Queue(..)`), a parameter, field or
 * variable typed with the library's own type (`producer: Producer` imported from `kafkajs`) —
 * never by a variable's name. The paths and types come from the transport records.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getMethodName, getMethodReceiver, getPropertyName, unwrapTypeScriptExpression } from '../analysis/ast.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { CALL_ROLES, METHOD_ROLES, NEW_ROLES, TYPE_ROLES } from './records.js';
import type { Role } from './records.js';

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
export function hasTelemetryOption(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.ObjectExpression && findProperty(node, 'telemetry') !== undefined;
}
