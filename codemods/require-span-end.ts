import { createCodemod } from './create-codemod.js';
export default createCodemod('require-span-end');
