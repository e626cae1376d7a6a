import { createCodemod } from './create-codemod.js';
export default createCodemod('no-floating-promise-in-span');
