import noUnboundTimer from './no-unbound-timer.js';

/** Every rule of the plugin, sorted by name (a test keeps this equal to the directory listing). */
export const rules = {
  'no-unbound-timer': noUnboundTimer,
};

export type RuleName = keyof typeof rules;
