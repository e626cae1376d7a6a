/**
 * The observer: every span start and end of the process goes through here (from the tracer
 * wrapper in install.ts). It keeps plain records, captures an unformatted stack per start, and
 * turns the footprints of lost or wrongly kept context into findings. Stacks are formatted only
 * for candidates (a child under an ended parent, a root beside an open never-activated span, a
 * span still open at exit), so the per-span cost is one `Error.captureStackTrace`.
 */
import type { Context, Span } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import { writtenInside } from './scope.js';
import { captureStack, formatSite, frames, isUserFrame, userFrame, userFrames } from './stack.js';
import type { Frame, StackHolder } from './stack.js';
import type { DoctorFinding, DoctorOptions, FindingKind, RelatedSite, Site } from './types.js';

export type RegistrationKind = 'setInterval' | 'setTimeout' | 'setImmediate' | 'listener';

// captured before install.ts patches the timers
const setImmediateOriginal = globalThis.setImmediate;

/** A callback registered while a span was active (timer, listener): where, and under which span. */
export interface Registration {
  kind: RegistrationKind;
  api: string;
  stack: StackHolder;
  traceId: string;
  spanId: string;
  /** Span starts seen inside this callback under an ended parent (per registration). */
  keptHits: number;
  site?: Frame | null;
  /** Registered while no span was active but a span started in the same run was open and never made active. */
  inactive?: boolean;
  /** Registered from inside another registered callback under an ended span (a self-rescheduling timer): the first one. */
  origin?: Registration;
  /** The callback was passed to context.bind() before, and the bound function was never called: where bind() ran. */
  boundAt?: StackHolder;
  /** An interval registered with no span active: the ended parent its runs keep starting under. */
  keptParent?: string;
}

/** A context.attach() whose token is not disposed yet. */
export interface AttachRec {
  stack: StackHolder;
  spanId: string | undefined;
  disposed: boolean;
  reported: boolean;
}

interface SpanRec {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  parent: SpanRec | undefined;
  start: number;
  end: number | undefined;
  stack: StackHolder;
  reg: Registration | undefined;
  entrySpanId: string | undefined;
  children: number;
  /** Set when the start itself was reported (so the end does not report it again). */
  reported: boolean;
  afterParentEnd: boolean;
  /** Started with an explicit context argument (the code chose its parent). */
  explicit: boolean;
  /** Started by startActiveSpan (active for its callback). */
  active: boolean;
  /** Started with `root: true` (a deliberate new trace). */
  deliberateRoot: boolean;
  /** The list of open spans (started order), linked through the records: no map per start or end. */
  prevOpen: SpanRec | undefined;
  nextOpen: SpanRec | undefined;
}

/** The record of an observed span, kept on the span object itself (started, endedSpan). */
const REC = Symbol('otel-context-doctor.span');
type Observed = Span & { [REC]?: SpanRec };

/** A root that may have lost its parent: judged at report time against the spans around its start. */
interface RootCandidate {
  rec: SpanRec;
  near: SpanRec[];
}

/** A child whose parent already had a child or had ended: judged at report time (cross-talk). */
interface CrossCandidate {
  rec: SpanRec;
  childless: SpanRec[];
}

interface Pending {
  kind: FindingKind;
  site: Frame;
  rule: string;
  alsoRules: string[];
  why: string;
  span: string;
  count: number;
  related: RelatedSite[];
  waterfall: string[];
  functions?: string[];
}

const LATE_RULES = ['no-late-context-capture', 'no-inactive-parent-span', 'no-unbound-listener', 'no-unbound-timer'];

function names(holder: StackHolder | undefined): string[] {
  return userFrames(holder).map((f) => f.functionName).filter((n): n is string => n !== undefined && n !== '');
}

const KEPT_REPEAT = 2;
const STACKS_PER_KEY = 16;
const SAMPLE_EVERY = 256;
/** Start keys (stackFor) of a root and of a parent that is not local: not span names (they hold a NUL). */
const ROOT_KEY = '\0root';
const REMOTE_KEY = '\0remote';

interface StartStats {
  count: number;
  stack: StackHolder | undefined;
}
const MAX_ENDED = 20_000;
const MAX_OPEN_REPORTED = 1_000;
/** Report-time candidates: all of the first CANDIDATES_FULL, then one in CANDIDATES_SAMPLE. */
const CANDIDATES_FULL = 256;
const CANDIDATES_SAMPLE = 64;
const NEAR_LIMIT = 16;
/** A parent known only by its ids (no record on its span object) is looked for among this many of the last open spans. */
const OPEN_BY_ID = 64;
const RECENT_ENDED = 8;
const LOST_RULES = ['no-unbound-queued-callback', 'no-inactive-parent-span', 'no-late-context-capture', 'no-unbound-timer', 'no-unbound-listener'];

function take(seen: number): boolean {
  return seen <= CANDIDATES_FULL || seen % CANDIDATES_SAMPLE === 0;
}

function site(frame: Frame): Site {
  return { file: frame.file, line: frame.line, column: frame.column };
}

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

export class Observer {
  /** Open spans, oldest first: a list linked through the records (prevOpen, nextOpen). */
  private openHead: SpanRec | undefined;
  private openTail: SpanRec | undefined;
  /**
   * Each observed span's record is kept on the span object (a symbol key; in this map for a span
   * that takes no property): a child finds its parent's record through the span in its parent
   * context, ended or not, for as long as that context (and so the span) is alive; no record is kept
   * for a span nothing references any more (docs/doctor.md, Cost).
   */
  private readonly recs = new WeakMap<Span, SpanRec>();
  /** The last MAX_ENDED ended spans, in the order they ended (a ring): cross-talk counts sites in them. */
  private readonly endedRing: (SpanRec | undefined)[] = [];
  private endedNext = 0;
  private readonly findings = new Map<string, Pending>();
  private readonly keptBySite = new Map<string, number>();
  private readonly namesAsChild = new Map<string, number>();
  private readonly rootsByName = new Map<string, SpanRec[]>();
  private tick: object | undefined;
  /** Per span name, per parent name: the starts seen and the last stack captured (stackFor). */
  private readonly starts = new Map<string, Map<string, StartStats>>();
  private tickSpans: SpanRec[] = [];
  private readonly recentEnded: SpanRec[] = [];
  private readonly rootCandidates: RootCandidate[] = [];
  private readonly lateCandidates: SpanRec[] = [];
  private readonly crossCandidates: CrossCandidate[] = [];
  private rootsSeen = 0;
  private lateSeen = 0;
  private crossSeen = 0;
  readonly attaches = new Set<AttachRec>();
  /** Spans put into an AsyncLocalStorage with enterWith() (by span id): where. */
  readonly enteredWith = new Map<string, { stack: StackHolder; reported: boolean }>();
  /** Set while the context manager's own attach()/dispose() runs (its enterWith is an attach). */
  inAttach = false;
  /** Functions given to context.bind() under a span: where, and whether the bound function ran. */
  readonly binds = new WeakMap<object, { stack: StackHolder; used: boolean }>();
  /** The registration whose callback is running right now (synchronously), and the span active at its entry. */
  current: Registration | undefined;
  currentEntrySpanId: string | undefined;
  /** The registration whose callback just returned, until the microtasks it queued have run (a promise it resolved). */
  /** Set by the tracer wrapper while startActiveSpan runs up to its startSpan call. */
  activeStart = false;
  /** Whether that startActiveSpan call was given a context by its caller. */
  activeExplicit = false;
  lingering: { reg: Registration; entrySpanId: string | undefined } | undefined;
  /** Set in a child process or worker started while a span was active (see install.ts). */
  spawnedFrom: { traceId: string; site: Site; api: string } | undefined;
  /**
   * In a worker thread: called for each root started while a message from the parent is handled
   * (install.ts follows the parent's postMessage calls; docs/doctor.md, new-trace).
   */
  onWorkerRoot: ((name: string, traceId: string) => void) | undefined;
  /** Called at the start of each report (install.ts: worker notices still queued on their channel). */
  readonly beforeReport: (() => void)[] = [];
  private spawnReported = false;
  spans = 0;

  constructor(private readonly options: DoctorOptions, private readonly now: () => number = () => performance.now()) {}

  /**
   * Keeps a span started without being made active (and not by startActiveSpan) in this run's list,
   * the only spans the run's checks look at. The run (this macrotask and the microtasks it queued,
   * up to the next check phase) starts at its first such span: one setImmediate per run that has one.
   */
  private noteInRun(rec: SpanRec): void {
    if (this.tick === undefined) {
      const token = {};
      this.tick = token;
      this.tickSpans = [];
      setImmediateOriginal(() => {
        if (this.tick === token) {
          this.tick = undefined;
          this.tickSpans = [];
        }
      });
    }
    this.tickSpans.push(rec);
  }

  /** Whether one of the last spans of this run is open, inactive and childless (checkInactiveSibling's candidates). */
  private inactiveInRun(): boolean {
    const spans = this.tickSpans;
    for (let i = spans.length - 1, n = 0; i >= 0 && n < 32; i--, n++) {
      const rec = spans[i];
      if (rec && rec.end === undefined && rec.children === 0 && !rec.active && !rec.explicit) return true;
    }
    return false;
  }

  /** An open span started in the current run that never became a parent (a candidate never-activated span). */
  openInactiveInRun(): { traceId: string; spanId: string } | undefined {
    for (let i = this.tickSpans.length - 1; i >= 0; i--) {
      const rec = this.tickSpans[i];
      if (rec && rec.end === undefined && rec.children === 0 && !rec.active) return { traceId: rec.traceId, spanId: rec.spanId };
    }
    return undefined;
  }

  /**
   * The start's stack: always while a start key is new (its first STACKS_PER_KEY starts), for a
   * start that is already a candidate (a root inside or right after a tracked callback or beside an
   * open span of this run, a child of an ended parent, a listener's span in another trace), and for
   * one start in SAMPLE_EVERY after that. The key is the span's name and its parent's name (no parent,
   * or a parent that is not local, count as their own parent names): a start without its own stack
   * borrows the last stack of its key when a finding needs a site (docs/doctor.md, Cost).
   */
  private stackFor(name: string, traceId: string, parent: SpanRec | undefined, parentSpanId: string | undefined, below: (...args: never[]) => unknown): StackHolder {
    const stats = this.startStats(name, parent !== undefined ? parent.name : parentSpanId === undefined ? ROOT_KEY : REMOTE_KEY);
    const count = ++stats.count;
    // a candidate of a check made at the start: a root inside (or right after) a tracked callback
    // or beside spans of this run, a child of an ended parent, a listener's span in another trace,
    // a start under an attached context
    const root = parentSpanId === undefined;
    const candidate =
      parent?.end !== undefined ||
      (root && ((this.current !== undefined && this.currentEntrySpanId === undefined) || (this.lingering !== undefined && this.lingering.entrySpanId === undefined) || this.inactiveInRun())) ||
      (this.current !== undefined && this.current.kind === 'listener' && this.current.traceId !== traceId) ||
      this.attaches.size > 0;
    if (candidate || count <= STACKS_PER_KEY || count % SAMPLE_EVERY === 0 || stats.stack === undefined) {
      const stack = captureStack(below);
      stats.stack = stack;
      return stack;
    }
    return stats.stack;
  }

  /** The start counts and last stack of a span name under a parent name (two map lookups, no string built). */
  private startStats(name: string, parentName: string): StartStats {
    let byParent = this.starts.get(name);
    if (byParent === undefined) {
      // span names that carry ids: forget, rather than grow without bound
      if (this.starts.size > 10_000) this.starts.clear();
      byParent = new Map();
      this.starts.set(name, byParent);
    }
    let stats = byParent.get(parentName);
    if (stats === undefined) {
      if (byParent.size > 1_000) byParent.clear();
      stats = { count: 0, stack: undefined };
      byParent.set(parentName, stats);
    }
    return stats;
  }

  private recOf(span: Span): SpanRec | undefined {
    return (span as Observed)[REC] ?? this.recs.get(span);
  }

  /** The most recently started open span with this id, among the last `limit` started. */
  private openById(spanId: string, limit = Infinity): SpanRec | undefined {
    let n = 0;
    for (let rec = this.openTail; rec !== undefined && n < limit; rec = rec.prevOpen, n++) if (rec.spanId === spanId) return rec;
    return undefined;
  }

  /** An open span's record by id, else one of the last ended ones (scans: only for findings and posts). */
  private lookup(spanId: string | undefined): SpanRec | undefined {
    if (spanId === undefined) return undefined;
    const open = this.openById(spanId);
    if (open !== undefined) return open;
    for (let i = this.endedRing.length - 1; i >= 0; i--) {
      const index = (this.endedNext + i) % this.endedRing.length;
      if (this.endedRing[index]?.spanId === spanId) return this.endedRing[index];
    }
    return undefined;
  }

  /** Called by the tracer wrapper right after the real tracer started `span` under `parentContext`. */
  started(
    span: Span,
    name: string,
    parentContext: Context | undefined,
    below: (...args: never[]) => unknown,
    explicit = false,
    active = false,
    deliberateRoot = false,
  ): void {
    const sc = span.spanContext();
    const parentSpan = parentContext === undefined ? undefined : trace.getSpan(parentContext);
    const parentSc = parentSpan?.spanContext();
    const parentSpanId = parentSc !== undefined && parentSc.traceId === sc.traceId ? parentSc.spanId : undefined;
    // a remote parent (extracted from a carrier: a message, a request) is not judged by its local record
    let parent: SpanRec | undefined;
    if (parentSpanId !== undefined && parentSc?.isRemote !== true) {
      // the parent span object's record; a context that carries only the parent's ids (a span
      // context wrapped again) finds it while it is open and among the last OPEN_BY_ID started
      const own = parentSpan === undefined ? undefined : this.recOf(parentSpan);
      parent = own !== undefined && own.spanId === parentSpanId ? own : this.openById(parentSpanId, OPEN_BY_ID);
    }
    this.spans++;
    const rec: SpanRec = {
      name,
      traceId: sc.traceId,
      spanId: sc.spanId,
      parentSpanId,
      parent,
      start: this.now(),
      end: undefined,
      stack: this.stackFor(name, sc.traceId, parent, parentSpanId, below),
      reg: this.current,
      entrySpanId: this.currentEntrySpanId,
      children: 0,
      reported: false,
      afterParentEnd: false,
      explicit,
      active,
      deliberateRoot,
      prevOpen: this.openTail,
      nextOpen: undefined,
    };
    if (this.openTail !== undefined) this.openTail.nextOpen = rec;
    else this.openHead = rec;
    this.openTail = rec;
    try {
      (span as Observed)[REC] = rec;
    } catch {
      this.recs.set(span, rec); // a frozen or proxied span object
    }
    if (!active) this.noteInRun(rec);
    if (parent && !explicit && (parent.end !== undefined || parent.children > 0)) this.noteCross(rec);
    if (parent?.end !== undefined && !explicit && take(++this.lateSeen)) this.lateCandidates.push(rec);
    if (parent) parent.children++;
    // a child of a remote parent (extracted from a carrier) says nothing about the local path: a
    // consumer's span is a child when the message carries a context and a root when it does not
    if (parentSpanId !== undefined && parentSc?.isRemote !== true) this.namesAsChild.set(name, (this.namesAsChild.get(name) ?? 0) + 1);
    else {
      const roots = this.rootsByName.get(name);
      if (roots === undefined) this.rootsByName.set(name, [rec]);
      else if (roots.length < 5) roots.push(rec);
    }
    if (this.attaches.size > 0 && parentSpanId !== undefined) this.checkLeakedAttach(rec);
    if (parent?.end !== undefined && this.enteredWith.size > 0) this.checkLeakedEnterWith(rec, parent);
    if (rec.reported) return;
    if (rec.reg) this.checkRegistered(rec, rec.reg);
    else if (this.lingering && parentSpanId === undefined) {
      // a promise continuation of a registered callback: only "the context was lost" is judged here
      rec.entrySpanId = this.lingering.entrySpanId;
      if (rec.entrySpanId === undefined) this.checkRegistered(rec, this.lingering.reg);
    }
    else if (parent?.end !== undefined && !explicit) this.checkUnderEnded(rec, parent);
    if (parentSpanId === undefined && parentSc === undefined) {
      this.onWorkerRoot?.(name, sc.traceId);
      this.checkSpawned(rec);
      if (!rec.reported) this.checkInactiveSibling(rec);
      if (!rec.reported && !explicit && !deliberateRoot && take(++this.rootsSeen)) this.noteRoot(rec);
    } else if (!rec.reported && !explicit && this.tickSpans.length > (active ? 0 : 1)) this.checkInactiveSibling(rec);
  }

  /** A root started while other spans are open (or just ended): kept to be judged at report time. */
  private noteRoot(rec: SpanRec): void {
    const near: SpanRec[] = [];
    // the most recent first
    for (let other = this.openTail; other !== undefined && near.length < NEAR_LIMIT; other = other.prevOpen) {
      if (other !== rec && other.traceId !== rec.traceId) near.push(other);
    }
    near.push(...this.recentEnded.filter((other) => other.traceId !== rec.traceId).reverse());
    if (near.length > 0) this.rootCandidates.push({ rec, near });
  }

  /** A child of a parent that already had a child or had ended, while spans of other traces that never had a child are open. */
  private noteCross(rec: SpanRec): void {
    if (!take(++this.crossSeen)) return;
    const childless: SpanRec[] = [];
    for (let other = this.openHead; other !== undefined && childless.length < NEAR_LIMIT; other = other.nextOpen) {
      if (other !== rec && other.children === 0 && other.traceId !== rec.traceId) childless.push(other);
    }
    if (childless.length > 0) this.crossCandidates.push({ rec, childless });
  }

  /** The open spans, oldest first (report time only: the hot paths walk the list themselves). */
  private openSpans(): SpanRec[] {
    const out: SpanRec[] = [];
    for (let rec = this.openHead; rec !== undefined; rec = rec.nextOpen) out.push(rec);
    return out;
  }

  /** Called once per span when `span.end()` is first called. */
  endedSpan(span: Span): void {
    const rec = this.recOf(span);
    if (rec === undefined || rec.end !== undefined) return;
    rec.end = this.now();
    // out of the open list
    if (rec.prevOpen !== undefined) rec.prevOpen.nextOpen = rec.nextOpen;
    else this.openHead = rec.nextOpen;
    if (rec.nextOpen !== undefined) rec.nextOpen.prevOpen = rec.prevOpen;
    else this.openTail = rec.prevOpen;
    rec.prevOpen = undefined;
    rec.nextOpen = undefined;
    this.endedRing[this.endedNext] = rec;
    this.endedNext = (this.endedNext + 1) % MAX_ENDED;
    this.recentEnded.push(rec);
    if (this.recentEnded.length > RECENT_ENDED) this.recentEnded.shift();
    const parent = rec.parent;
    if (!rec.reported && !rec.reg && !rec.explicit && parent?.end !== undefined && parent.end <= rec.end) {
      this.outlived(rec, parent);
    }
  }

  private add(key: string, make: () => Pending): void {
    const existing = this.findings.get(key);
    if (existing) existing.count++;
    else this.findings.set(key, make());
  }

  private registrationSite(reg: Registration): Frame | undefined {
    if (reg.site === undefined) reg.site = userFrame(reg.stack) ?? null;
    return reg.site ?? undefined;
  }

  private regRule(reg: Registration): string {
    if (reg.kind !== 'listener') return 'no-unbound-timer';
    // in a never-activated span's region no-inactive-parent-span owns listeners (docs/architecture.md)
    return reg.inactive ? 'no-inactive-parent-span' : 'no-unbound-listener';
  }

  private regLabel(reg: Registration): string {
    return reg.kind === 'listener' ? `listener added with ${reg.api}` : `${reg.api} registered`;
  }

  /** A span started synchronously inside a callback registered while a span was active. */
  private checkRegistered(rec: SpanRec, reg: Registration): void {
    const parent = rec.parent;
    if (reg.spanId === '') {
      // an interval registered with no span active: only its runs under one ended parent count
      if (parent?.end !== undefined) this.checkIntervalKept(rec, parent, reg);
      return;
    }
    const rule = this.regRule(reg);
    // and a bind whose result was thrown away (family 7, reported by no-unpaired-context-attach):
    // the callback registered is the unbound one
    const alsoRules = [...LATE_RULES.filter((r) => r !== rule), 'no-unpaired-context-attach'];
    const origin = reg.origin ?? reg;
    const regSite = () => this.registrationSite(origin);
    // Lost: the registration had a span, the runtime ran the callback with none, the span is a root.
    if (rec.parentSpanId === undefined && rec.entrySpanId === undefined) {
      if (reg.boundAt && this.checkUnusedBind(rec, reg, reg.boundAt)) return;
      const where = regSite();
      if (!where) return;
      rec.reported = true;
      this.add(`lost-parent\0${formatSite(where)}\0${rule}`, () => ({
        kind: 'lost-parent',
        site: where,
        rule,
        alsoRules,
        functions: names(rec.stack),
        why: `The ${reg.api} callback registered here while ${reg.inactive ? 'a span that was never made active was open' : 'a span was active'} ran with no active span, so '${rec.name}' started a new trace instead of joining the one that scheduled it.`,
        span: rec.name,
        count: 1,
        related: [...this.relatedStart(rec), ...this.calledFrom(rec)],
        waterfall: [`${this.lineOf(this.lookup(reg.spanId)) ?? `(span ${reg.spanId})`}  ← active at ${reg.api}`, `${rec.name}  root, trace ${rec.traceId.slice(0, 8)} (new)`],
      }));
      return;
    }
    // Carried by the runtime (the parent is what was active when the callback was entered).
    if (parent === undefined || parent.spanId !== rec.entrySpanId) return;
    if (reg.kind === 'listener' && rec.traceId !== reg.traceId) {
      const where = regSite();
      if (!where) return;
      rec.reported = true;
      this.add(`lost-parent\0${formatSite(where)}\0${rule}`, () => ({
        kind: 'lost-parent',
        site: where,
        rule,
        alsoRules,
        functions: names(rec.stack),
        why: `The listener added here during one trace ran in the context of whoever emitted (span '${parent.name}' of another trace), so '${rec.name}' joined the wrong trace.`,
        span: rec.name,
        count: 1,
        related: [{ ...site(where), label: this.regLabel(reg) }, ...this.relatedStart(rec)],
        waterfall: [`${parent.name}  (emitter's trace ${parent.traceId.slice(0, 8)})`, `└─ ${rec.name}  registered under trace ${reg.traceId.slice(0, 8)}`],
      }));
      return;
    }
    if (parent.end === undefined) return;
    origin.keptHits++;
    const where = regSite();
    if (!where) return;
    const key = `${formatSite(where)}\0${parent.spanId}`;
    const hits = reg.kind === 'setInterval' || reg.kind === 'listener' || reg.origin ? origin.keptHits : (this.keptBySite.get(key) ?? 0) + 1;
    this.keptBySite.set(key, hits);
    const late = rec.start - parent.end;
    // an interval recurs by definition: one run under an ended parent shows every run will
    if (reg.kind !== 'setInterval' && hits < KEPT_REPEAT && late < this.options.keptMs) return;
    rec.reported = true;
    this.add(`kept-too-long\0${formatSite(where)}\0${rule}`, () => ({
      kind: 'kept-too-long',
      site: where,
      rule,
      // a delivery listener whose consumer extracts onto the ambient context keeps it the same way;
      // a timer that drains a queue runs the queued callbacks in the context it was scheduled in
      alsoRules: ['no-unpaired-context-attach', 'require-context-propagation', 'no-unbound-queued-callback'],
      functions: names(rec.stack),
      why:
        reg.kind === 'listener'
          ? `This listener keeps running in the trace of the request that added it: '${rec.name}' starts again and again under '${parent.name}', ${ms(late)} after it ended (an endless trace).`
          : `This ${reg.api} was scheduled inside traced work, so every run starts '${rec.name}' under '${parent.name}', ${ms(late)} after it ended: one endless trace instead of a root per run.`,
      span: rec.name,
      count: 1,
      related: [{ ...site(where), label: this.regLabel(reg) }, ...this.relatedStart(rec)],
      waterfall: [`${this.lineOf(parent)}`, `└─ ${rec.name}  started ${ms(late)} after its parent ended (run #${hits})`],
    }));
  }

  /**
   * The callback was given to context.bind() while a span was active, but the function bind()
   * returned was never called: the original ran instead, with no context (a discarded or unused bind).
   */
  private checkUnusedBind(rec: SpanRec, reg: Registration, boundAt: StackHolder): boolean {
    const where = userFrame(boundAt);
    if (!where) return false;
    rec.reported = true;
    const regWhere = this.registrationSite(reg.origin ?? reg);
    this.add(`lost-parent\0${formatSite(where)}\0no-unpaired-context-attach`, () => ({
      kind: 'lost-parent',
      site: where,
      rule: 'no-unpaired-context-attach',
      alsoRules: ['no-unbound-listener', 'no-unbound-timer'],
      functions: names(rec.stack),
      why: `context.bind() here bound this callback to the active span, but the bound function was never used: the original callback ran with no context, so '${rec.name}' started a new trace.`,
      span: rec.name,
      count: 1,
      related: [...(regWhere ? [{ ...site(regWhere), label: `the unbound callback ${this.regLabel(reg)}` }] : []), ...this.relatedStart(rec)],
      waterfall: [`${this.lineOf(this.lookup(reg.spanId)) ?? `(span ${reg.spanId})`}  ← bound with context.bind()`, `${rec.name}  root, trace ${rec.traceId.slice(0, 8)} (the bound function was never called)`],
    }));
    return true;
  }

  /**
   * An interval registered while no span was active whose runs keep starting spans under the same
   * ended parent (passed explicitly, e.g. from the app's own AsyncLocalStorage store that the
   * interval was started in): the endless trace without an active span at registration.
   */
  private checkIntervalKept(rec: SpanRec, parent: SpanRec, reg: Registration): void {
    if (reg.keptParent !== parent.spanId) {
      reg.keptParent = parent.spanId;
      reg.keptHits = 0;
    }
    if (++reg.keptHits < KEPT_REPEAT) return;
    const where = this.registrationSite(reg);
    if (!where) return;
    rec.reported = true;
    const late = rec.start - (parent.end ?? rec.start);
    this.add(`kept-too-long\0${formatSite(where)}\0no-unbound-timer`, () => ({
      kind: 'kept-too-long',
      site: where,
      rule: 'no-unbound-timer',
      alsoRules: ['no-unpaired-context-attach', 'no-unbound-queued-callback'],
      functions: names(rec.stack),
      why: `Every run of this setInterval starts '${rec.name}' under '${parent.name}', ${ms(late)} after that span ended: the interval carries the context it was started in (here an explicit parent, e.g. an AsyncLocalStorage store of a finished request) forever.`,
      span: rec.name,
      count: 1,
      related: [...this.relatedStart(rec), ...this.calledFrom(rec)],
      waterfall: [`${this.lineOf(parent)}`, `└─ ${rec.name}  started ${ms(late)} after its parent ended (run #${reg.keptHits})`],
    }));
  }

  /** A span started under a parent that already ended, outside any tracked callback. */
  private checkUnderEnded(rec: SpanRec, parent: SpanRec): void {
    rec.afterParentEnd = true;
    const late = rec.start - (parent.end ?? rec.start);
    const startSite = userFrame(rec.stack);
    if (!startSite) return;
    const key = `${formatSite(startSite)}\0${parent.spanId}`;
    const hits = (this.keptBySite.get(key) ?? 0) + 1;
    this.keptBySite.set(key, hits);
    if (hits < KEPT_REPEAT && late < this.options.keptMs) return;
    rec.reported = true;
    this.add(`kept-too-long\0${formatSite(startSite)}\0no-unbound-timer`, () => ({
      kind: 'kept-too-long',
      site: startSite,
      rule: 'no-unbound-timer',
      alsoRules: ['no-unbound-listener', 'no-unpaired-context-attach', 'require-context-propagation'],
      functions: names(rec.stack),
      why: `'${rec.name}' keeps starting under '${parent.name}', ${ms(late)} after that span ended: recurring work (an interval, a persistent listener, a leaked enterWith/attach, a consumer extracting onto the context its connection was opened in) still carries a finished request's context.`,
      span: rec.name,
      count: 1,
      related: [...this.relatedStart(parent, `parent '${parent.name}' started`), ...this.calledFrom(rec)],
      waterfall: [`${this.lineOf(parent)}`, `└─ ${rec.name}  started ${ms(late)} after its parent ended (#${hits})`],
    }));
  }

  /** A child that ended after its parent: started by work nobody awaited. */
  private outlived(rec: SpanRec, parent: SpanRec): void {
    const parentFrames = userFrames(parent.stack);
    const startSite = userFrame(rec.stack);
    const where = parentFrames[0] ?? startSite;
    if (!where) return;
    this.add(`outlived-parent\0${formatSite(where)}\0${rec.name}`, () => ({
      kind: 'outlived-parent',
      site: where,
      rule: 'no-floating-promise-in-span',
      // started after the parent ended: a callback run later inside the ended span's context (a
      // wrapper that ends its span, then calls the caller's callback or a middleware's next), or a
      // context left current by an earlier run (a holder or field put back only when no throw came)
      alsoRules: rec.afterParentEnd ? ['no-late-context-capture', 'no-unpaired-context-attach'] : [],
      functions: names(rec.stack),
      why: `'${rec.name}' ended after its parent '${parent.name}' (${rec.afterParentEnd ? 'it even started after the parent ended' : 'it started inside it'}): work started in this span was not awaited, so the span closed before it and an error there is recorded on no span.`,
      span: rec.name,
      count: 1,
      related: [
        ...(startSite ? [{ ...site(startSite), label: `child '${rec.name}' started` }] : []),
        ...parentFrames.slice(1, 4).map((frame) => ({ ...site(frame), label: `parent '${parent.name}' started from here` })),
      ],
      waterfall: [
        `${this.lineOf(parent)}`,
        `└─ ${rec.name}  ${ms(rec.start - parent.start)} → ${ms((rec.end ?? rec.start) - parent.start)}  ends ${ms((rec.end ?? 0) - (parent.end ?? 0))} after its parent`,
      ],
    }));
  }

  /**
   * A span started in the same synchronous run as an open span that never became a parent, from
   * code written inside the function that started it (that function itself, or a callback nested
   * in it): that span was never made active. The new span is a root, or a sibling of it (same parent).
   */
  private checkInactiveSibling(rec: SpanRec): void {
    let candidate: SpanRec | undefined;
    for (const other of this.tickSpans) {
      if (other === rec || other.end !== undefined || other.children > 0 || other.active || other.explicit || other.name === rec.name) continue;
      if (rec.parentSpanId !== undefined && other.parentSpanId !== rec.parentSpanId) continue;
      candidate = other;
    }
    if (!candidate) return;
    const owner = userFrame(candidate.stack);
    if (!owner) return;
    // the call in the function that started it, or (a root only) a callback written inside that function
    const callSite = frames(rec.stack).find(
      (frame) =>
        isUserFrame(frame) &&
        frame.file === owner.file &&
        (rec.parentSpanId === undefined ? writtenInside(frame, owner, false) : frame.enclosingLine !== undefined && frame.enclosingLine === owner.enclosingLine),
    );
    if (!callSite) return;
    rec.reported = true;
    const inactive = candidate;
    const root = rec.parentSpanId === undefined;
    this.add(`lost-parent\0${formatSite(callSite)}\0no-inactive-parent-span`, () => ({
      kind: 'lost-parent',
      site: callSite,
      rule: 'no-inactive-parent-span',
      alsoRules: ['no-late-context-capture', 'no-unpaired-context-attach'],
      functions: names(rec.stack),
      why: root
        ? `'${rec.name}' started a new trace while '${inactive.name}', started in the same function, was open but never made active: it should have been its parent.`
        : `'${rec.name}' started beside '${inactive.name}' instead of under it: '${inactive.name}' was started in the same function and was open, but never made active.`,
      span: rec.name,
      count: 1,
      related: [{ ...site(owner), label: `span '${inactive.name}' started (never active)` }, ...this.calledFrom(rec)],
      waterfall: root
        ? [`${this.lineOf(inactive)}  (never active)`, `${rec.name}  root, trace ${rec.traceId.slice(0, 8)} (expected a child)`]
        : [`${this.lineOf(rec.parent) ?? '(parent)'}`, `├─ ${this.lineOf(inactive)}  (never active)`, `└─ ${rec.name}  sibling (expected a child of '${inactive.name}')`],
    }));
  }

  /** The first root of a child process or worker started while the parent had an active span. */
  private checkSpawned(rec: SpanRec): void {
    const from = this.spawnedFrom;
    if (!from || this.spawnReported || rec.traceId === from.traceId) return;
    this.spawnReported = true;
    rec.reported = true;
    const where: Frame = { ...from.site, functionName: undefined, enclosingLine: undefined };
    this.add(`new-trace\0${formatSite(where)}`, () => ({
      kind: 'new-trace',
      site: where,
      rule: 'require-context-propagation',
      alsoRules: [],
      why: `This ${from.api} ran while trace ${from.traceId.slice(0, 8)} was active, but the ${from.api === 'Worker' ? 'worker' : 'child process'} started '${rec.name}' as a new trace: no trace context crossed the boundary.`,
      span: rec.name,
      count: 1,
      related: [],
      waterfall: [`(parent process) trace ${from.traceId.slice(0, 8)}  ← active at ${from.api}`, `(pid ${process.pid}) ${rec.name}  root, trace ${rec.traceId.slice(0, 8)}`],
    }));
  }

  /**
   * A worker started a new trace while handling a message this thread posted under an active span,
   * and the message carried no trace context: reported at the postMessage call.
   */
  postedWithoutContext(post: { traceId: string; spanName: string | undefined; stack: StackHolder }, root: { name: string; traceId: string; threadId: number }): void {
    if (root.traceId === post.traceId) return;
    const where = userFrame(post.stack);
    if (!where) return;
    this.add(`new-trace\0${formatSite(where)}`, () => ({
      kind: 'new-trace',
      site: where,
      rule: 'require-context-propagation',
      alsoRules: [],
      functions: names(post.stack),
      why: `This postMessage ran while ${post.spanName === undefined ? `trace ${post.traceId.slice(0, 8)}` : `'${post.spanName}'`} was active, but worker ${root.threadId} started '${root.name}' as a new trace while handling the message: the message carries no trace context.`,
      span: root.name,
      count: 1,
      related: [],
      waterfall: [`${post.spanName ?? `trace ${post.traceId.slice(0, 8)}`}  ← active at postMessage`, `(worker ${root.threadId}) ${root.name}  root, trace ${root.traceId.slice(0, 8)}`],
    }));
  }

  /** The name of an open or recently ended span, by id. */
  spanName(spanId: string): string | undefined {
    return this.lookup(spanId)?.name;
  }

  /** A span started under a context attached by a function that has returned without disposing the token. */
  private checkLeakedAttach(rec: SpanRec): void {
    for (const attach of this.attaches) {
      if (attach.disposed || attach.reported || attach.spanId !== rec.parentSpanId) continue;
      const owner = userFrame(attach.stack);
      if (!owner || owner.enclosingLine === undefined) continue;
      const stillInside = frames(rec.stack).some((f) => f.file === owner.file && f.enclosingLine === owner.enclosingLine);
      if (stillInside) continue;
      attach.reported = true;
      rec.reported = true;
      const parentName = rec.parent?.name ?? `span ${rec.parentSpanId ?? ''}`;
      this.add(`kept-too-long\0${formatSite(owner)}\0no-unpaired-context-attach`, () => ({
        kind: 'kept-too-long',
        site: owner,
        rule: 'no-unpaired-context-attach',
        alsoRules: [],
        why: `The context attached here (parent '${parentName}') was never detached: '${rec.name}' started under it after the function that attached it had returned (a token not disposed on some path).`,
        span: rec.name,
        count: 1,
        related: this.relatedStart(rec),
        waterfall: [`${this.lineOf(rec.parent) ?? parentName}  ← attached, never detached`, `└─ ${rec.name}  started outside the attaching function`],
      }));
    }
  }

  /**
   * A span started under an ended parent that was put into an AsyncLocalStorage with enterWith()
   * by a function that has returned: the store stayed set for everything after it.
   */
  private checkLeakedEnterWith(rec: SpanRec, parent: SpanRec): void {
    const entered = this.enteredWith.get(parent.spanId);
    if (!entered || entered.reported) return;
    const owner = userFrame(entered.stack);
    if (!owner || owner.enclosingLine === undefined) return;
    if (frames(rec.stack).some((f) => f.file === owner.file && f.enclosingLine === owner.enclosingLine)) return;
    entered.reported = true;
    rec.reported = true;
    this.add(`kept-too-long\0${formatSite(owner)}\0no-unpaired-context-attach`, () => ({
      kind: 'kept-too-long',
      site: owner,
      rule: 'no-unpaired-context-attach',
      alsoRules: [],
      functions: names(rec.stack),
      why: `enterWith() here put '${parent.name}' into an AsyncLocalStorage and the store was never left: '${rec.name}' started under it ${ms(rec.start - (parent.end ?? rec.start))} after that span ended, outside the function that entered it.`,
      span: rec.name,
      count: 1,
      related: [...this.relatedStart(rec), ...this.calledFrom(rec)],
      waterfall: [`${this.lineOf(parent)}  ← entered with enterWith(), never left`, `└─ ${rec.name}  started outside the entering function, after its parent ended`],
    }));
  }

  /**
   * A startActiveSpan callback returned a generator object: none of its body has run, and all of
   * it will run when the caller iterates it, outside the span (after it ended, when the callback
   * ends it), in the iterating context (tests/generator-context.test.ts).
   */
  generatorReturned(spanName: string, stack: StackHolder): void {
    const where = userFrame(stack);
    if (!where) return;
    this.add(`outlived-parent\0${formatSite(where)}\0generator`, () => ({
      kind: 'outlived-parent',
      site: where,
      rule: 'no-floating-promise-in-span',
      alsoRules: [],
      functions: names(stack),
      why: `The startActiveSpan('${spanName}') callback returned a generator object: its body runs only when the caller iterates it, outside '${spanName}', so the spans it starts are not its children.`,
      span: spanName,
      count: 1,
      related: [],
      waterfall: [`${spanName}  ← returned a generator that has not run yet`],
    }));
  }

  /** A promise rejected with nobody handling it, in a process that was tracing (Node's uncaughtExceptionMonitor). */
  rejected(error: unknown): void {
    if (this.spans === 0 || !(error instanceof Error)) return;
    const where = userFrame(error as StackHolder);
    if (!where) return;
    this.add(`outlived-parent\0${formatSite(where)}\0rejection`, () => ({
      kind: 'outlived-parent',
      site: where,
      rule: 'no-floating-promise-in-span',
      alsoRules: [],
      functions: names(error as StackHolder),
      why: `A promise rejected here (${error.message.slice(0, 80)}) and nobody handled it: work started without await, so the error was recorded on no span.`,
      span: '(unhandled rejection)',
      count: 1,
      related: [],
      waterfall: [`unhandled rejection: ${error.name}: ${error.message.slice(0, 80)}`],
    }));
  }

  /** The user frames below the start site (the callers), as related sites. */
  private calledFrom(rec: SpanRec, limit = 3): RelatedSite[] {
    return userFrames(rec.stack)
      .slice(1, 1 + limit)
      .map((frame) => ({ ...site(frame), label: `'${rec.name}' started from here${frame.functionName ? ` (${frame.functionName})` : ''}` }));
  }

  private relatedStart(rec: SpanRec, label = `span '${rec.name}' started`): RelatedSite[] {
    const frame = userFrame(rec.stack);
    return frame ? [{ ...site(frame), label }] : [];
  }

  private lineOf(rec: SpanRec | undefined): string | undefined {
    if (!rec) return undefined;
    return `${rec.name}  ${rec.end === undefined ? 'open' : `ended ${ms(rec.end - rec.start)} after start`}`;
  }

  private siteKey(rec: SpanRec): string | undefined {
    const frame = userFrame(rec.stack);
    return frame ? formatSite(frame) : undefined;
  }

  /**
   * Roots started in code written inside a callback of the function that started another span
   * (open, or just ended): that code ran inside that span's scope, so the root lost its parent.
   */
  private judgeRoots(): void {
    for (const { rec, near } of this.rootCandidates.splice(0)) {
      if (rec.reported) continue;
      const inner = userFrame(rec.stack);
      if (!inner) continue;
      const scope = near.find((other) => {
        const outer = userFrame(other.stack);
        return outer !== undefined && outer.file === inner.file && writtenInside(inner, outer, true);
      });
      if (!scope) continue;
      const outer = userFrame(scope.stack);
      if (!outer) continue;
      rec.reported = true;
      const inactive = !scope.active && !scope.explicit && scope.children === 0;
      const rule = inactive ? 'no-inactive-parent-span' : 'no-unbound-queued-callback';
      const state = scope.end === undefined || scope.end > rec.start ? 'still open' : `ended ${ms(rec.start - scope.end)} before`;
      this.add(`lost-parent\0${formatSite(inner)}\0${rule}`, () => ({
        kind: 'lost-parent',
        site: inner,
        rule,
        alsoRules: LOST_RULES.filter((r) => r !== rule),
        functions: names(rec.stack),
        why: inactive
          ? `'${rec.name}' started a new trace from a callback written inside the function that started '${scope.name}' (${state}), which was never made active: nothing carried it into the callback.`
          : `'${rec.name}' started a new trace from a callback written inside the function that started '${scope.name}' (${state}): on its way here (a queue, a pool, a callback kept and called later) the callback lost that context.`,
        span: rec.name,
        count: 1,
        related: [{ ...site(outer), label: `span '${scope.name}' started` }, ...this.calledFrom(rec)],
        waterfall: [`${this.lineOf(scope)}`, `${rec.name}  root, trace ${rec.traceId.slice(0, 8)} (expected under '${scope.name}')`],
      }));
    }
  }

  /**
   * A child that started under a parent that had already ended, from code written inside the
   * function that started one of that parent's ancestors but not inside the parent's own: it ran in
   * a finished span's context instead of its caller's.
   */
  private judgeLate(): void {
    for (const rec of this.lateCandidates.splice(0)) {
      const parent = rec.parent;
      if (rec.reported || !parent) continue;
      const inner = userFrame(rec.stack);
      const own = userFrame(parent.stack);
      if (!inner || !own || writtenInside(inner, own, false)) continue;
      let ancestor = parent.parent;
      for (let depth = 0; ancestor && depth < 8; depth++, ancestor = ancestor.parent) {
        const outer = userFrame(ancestor.stack);
        if (!outer || !writtenInside(inner, outer, false)) continue;
        rec.reported = true;
        const expected = ancestor;
        this.add(`lost-parent\0${formatSite(inner)}\0no-late-context-capture`, () => ({
          kind: 'lost-parent',
          site: inner,
          rule: 'no-late-context-capture',
          alsoRules: LOST_RULES.filter((r) => r !== 'no-late-context-capture'),
          functions: names(rec.stack),
          why: `'${rec.name}' is written in the scope of '${expected.name}' but started under '${parent.name}', ${ms(rec.start - (parent.end ?? rec.start))} after that span ended: the callback ran in the context of the span that called it back, not of its caller.`,
          span: rec.name,
          count: 1,
          related: [{ ...site(own), label: `span '${parent.name}' started (the parent it got)` }, { ...site(outer), label: `span '${expected.name}' started (the scope it is written in)` }, ...this.calledFrom(rec)],
          waterfall: [`${this.lineOf(expected)}`, `├─ ${this.lineOf(parent)}`, `│  └─ ${rec.name}  started after '${parent.name}' ended`],
        }));
        break;
      }
    }
  }

  /**
   * Cross-talk: two spans from the same start site in two traces (two requests); work from one
   * start site ran twice in the first trace and never in the second, which never had a child at
   * all: a queue or pool ran the second request's callback in the first request's context.
   */
  private judgeCross(): void {
    const perTrace = new Map<string, Map<string, number>>();
    const sitesOf = (traceId: string): Map<string, number> => {
      let counts = perTrace.get(traceId);
      if (!counts) {
        counts = new Map();
        for (const records of [this.openSpans(), this.endedRing]) {
          for (const other of records) {
            if (other === undefined || other.traceId !== traceId) continue;
            const key = this.siteKey(other);
            if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        perTrace.set(traceId, counts);
      }
      return counts;
    };
    for (const { rec, childless } of this.crossCandidates.splice(0)) {
      if (rec.reported) continue;
      const empty = childless.filter((other) => other.children === 0);
      if (empty.length === 0) continue;
      const key = this.siteKey(rec);
      const inner = userFrame(rec.stack);
      if (!key || !inner) continue;
      let ancestor = rec.parent;
      for (let depth = 0; ancestor && depth < 8 && !rec.reported; depth++, ancestor = ancestor.parent) {
        const ancestorKey = this.siteKey(ancestor);
        if (!ancestorKey) continue;
        const robbed = empty.find((other) => this.siteKey(other) === ancestorKey);
        if (!robbed || (sitesOf(rec.traceId).get(key) ?? 0) < 2) continue;
        const owner = ancestor;
        const robbedSite = userFrame(robbed.stack);
        rec.reported = true;
        this.add(`lost-parent\0${formatSite(inner)}\0cross`, () => ({
          kind: 'lost-parent',
          site: inner,
          rule: 'no-unbound-queued-callback',
          alsoRules: LOST_RULES.filter((r) => r !== 'no-unbound-queued-callback'),
          functions: names(rec.stack),
          why: `'${rec.name}' started in the trace of '${owner.name}', which got two spans from this site, while '${robbed.name}' (another trace, started at the same site and open at that time) never got a child: a queue or pool ran one request's callback in another request's context.`,
          span: rec.name,
          count: 1,
          related: [
            ...(robbedSite ? [{ ...site(robbedSite), label: `'${robbed.name}' started (no child)` }] : []),
            ...this.relatedStart(owner, `'${owner.name}' started (the trace it joined)`),
            ...this.calledFrom(rec),
          ],
          waterfall: [`${this.lineOf(owner)}`, `└─ ${rec.name}  (its own and another request's)`, `${this.lineOf(robbed)}  (no child)`],
        }));
      }
    }
  }

  /** Findings so far, plus the end-of-run ones (never ended; roots of a start site that usually has a parent). */
  report(): DoctorFinding[] {
    for (const hook of this.beforeReport) hook();
    this.judgeRoots();
    this.judgeLate();
    this.judgeCross();
    const out = new Map(this.findings);
    let reported = 0;
    for (const rec of this.openSpans()) {
      if (reported++ >= MAX_OPEN_REPORTED) break;
      const where = userFrame(rec.stack);
      if (!where) continue;
      const key = `never-ended\0${formatSite(where)}`;
      const existing = out.get(key);
      if (existing) {
        existing.count++;
        continue;
      }
      out.set(key, {
        kind: 'never-ended',
        site: where,
        rule: 'require-span-end',
        alsoRules: [],
        why: `'${rec.name}' was started here and was still open when the process ${process.exitCode ? 'failed' : 'ended'}: a path leaves it without span.end(), so it is never exported.`,
        span: rec.name,
        count: 1,
        related: [],
        waterfall: [`${rec.parent ? `${this.lineOf(rec.parent)}\n└─ ` : ''}${rec.name}  open for ${ms(this.now() - rec.start)}, never ended`],
      });
    }
    for (const [name, roots] of this.rootsByName) {
      const asChild = this.namesAsChild.get(name) ?? 0;
      if (asChild === 0) continue;
      for (const root of roots) {
        if (root.reported) continue;
        const where = userFrame(root.stack);
        if (!where) continue;
        const key = `lost-parent\0${formatSite(where)}\0by-name`;
        const existing = out.get(key);
        if (existing) {
          existing.count++;
          continue;
        }
        out.set(key, {
          kind: 'lost-parent',
          site: where,
          rule: 'no-unbound-queued-callback',
          alsoRules: ['no-inactive-parent-span', 'no-unbound-timer', 'no-unbound-listener'],
          why: `'${name}' started here as a child ${asChild} time(s) but as a new root here: on some path the caller's context is lost before this start (a queue, a pool, a span never made active).`,
          span: name,
          count: 1,
          related: [],
          waterfall: [`${name}  child ×${asChild}`, `${name}  root ×${roots.length}`],
        });
      }
    }
    return [...out.values()].map((p) => ({
      kind: p.kind,
      site: site(p.site),
      rule: p.rule,
      alsoRules: p.alsoRules,
      why: p.why,
      span: p.span,
      count: p.count,
      related: p.related,
      waterfall: p.waterfall,
      ...(p.functions && p.functions.length > 0 ? { functions: [...new Set(p.functions)] } : {}),
      pid: process.pid,
    }));
  }
}
