import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: the `no-unbound-queued-callback` autofix (see docs/rules/no-unbound-queued-callback.md). */
export default createCodemod('no-unbound-queued-callback');
