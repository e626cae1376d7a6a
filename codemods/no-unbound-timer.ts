import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: the `no-unbound-timer` autofix (see docs/rules/no-unbound-timer.md). */
export default createCodemod('no-unbound-timer');
