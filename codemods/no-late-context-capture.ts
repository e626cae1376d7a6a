import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: the `no-late-context-capture` autofix (see docs/rules/no-late-context-capture.md). */
export default createCodemod('no-late-context-capture');
