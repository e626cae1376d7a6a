import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: every rule with `meta.fixable` or `meta.hasSuggestions`, computed from rule meta. */
export default createCodemod('all');
