import { describe, expect, it } from 'vitest';
import { buildPlan, ruleOptionFlags } from '../codemods/plan.js';

describe('codemod plan: rule-option flags derived from the rules’ schemas', () => {
  it('a boolean option two rules share (checkTests) is one flag that sets it on both rules', () => {
    const flag = ruleOptionFlags().find((f) => f.name === 'check-tests');
    expect(flag?.options?.map((o) => o.rule).sort()).toEqual(['no-unpaired-context-attach', 'require-span-end']);
    expect(flag?.help).toContain("no-unpaired-context-attach's and require-span-end's checkTests");
    const plan = buildPlan('all', { 'check-tests': true });
    expect(plan.ruleOptions['require-span-end']).toEqual({ checkTests: true });
    expect(plan.ruleOptions['no-unpaired-context-attach']).toEqual({ checkTests: true });
  });

  it('an option of one rule sets only that rule', () => {
    const plan = buildPlan('all', { 'check-void': true });
    expect(plan.ruleOptions['no-floating-promise-in-span']).toEqual({ checkVoid: true });
    expect(plan.ruleOptions['require-span-end']).toBeUndefined();
  });

  it('without the flag neither rule gets the option', () => {
    const plan = buildPlan('all', {});
    expect(plan.ruleOptions['require-span-end']).toBeUndefined();
    expect(plan.ruleOptions['no-unpaired-context-attach']).toBeUndefined();
  });
});
