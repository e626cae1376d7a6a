import { createCodemod } from './create-codemod.js';
export default createCodemod('no-unpaired-context-attach');
