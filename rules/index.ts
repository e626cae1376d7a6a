import noFloatingPromiseInSpan from './no-floating-promise-in-span.js';
import noInactiveParentSpan from './no-inactive-parent-span.js';
import noLateContextCapture from './no-late-context-capture.js';
import noUnboundListener from './no-unbound-listener.js';
import noUnboundQueuedCallback from './no-unbound-queued-callback.js';
import noUnboundTimer from './no-unbound-timer.js';
import noUnpairedContextAttach from './no-unpaired-context-attach.js';
import requireContextPropagation from './require-context-propagation.js';
import requireSpanEnd from './require-span-end.js';

/** Every rule of the plugin, sorted by name (a test keeps this equal to the directory listing). */
export const rules = {
  'no-floating-promise-in-span': noFloatingPromiseInSpan,
  'no-inactive-parent-span': noInactiveParentSpan,
  'no-late-context-capture': noLateContextCapture,
  'no-unbound-listener': noUnboundListener,
  'no-unbound-queued-callback': noUnboundQueuedCallback,
  'no-unbound-timer': noUnboundTimer,
  'no-unpaired-context-attach': noUnpairedContextAttach,
  'require-context-propagation': requireContextPropagation,
  'require-span-end': requireSpanEnd,
};

export type RuleName = keyof typeof rules;
