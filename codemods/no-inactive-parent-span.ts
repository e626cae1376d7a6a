import { createCodemod } from './create-codemod.js';
export default createCodemod('no-inactive-parent-span');
