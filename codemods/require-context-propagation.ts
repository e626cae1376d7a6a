import { createCodemod } from './create-codemod.js';
export default createCodemod('require-context-propagation');
