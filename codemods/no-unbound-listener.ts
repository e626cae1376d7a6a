import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: the `no-unbound-listener` autofix (see docs/rules/no-unbound-listener.md). */
export default createCodemod('no-unbound-listener');
