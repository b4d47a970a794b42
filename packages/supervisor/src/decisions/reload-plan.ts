// A rolling reload as a state machine: events from the driver in, the actions to take next out. A batch's
// replacements are all ready before any of its old workers is drained, so capacity never drops; a failed
// replacement aborts the reload and the old workers keep serving.
import { errInvalidArgValue } from '@shoal/protocol/node-errors';
import { validateInteger, validateOptionsObject } from './validate.js';

export interface ReloadPlanOptions {
  /** The slots to reload, in order, each with a worker serving it now (distinct non-negative integers). */
  slots: readonly number[];
  /** Slots replaced at a time. Default 1; a batch larger than the slot count reloads them all at once. */
  batch?: number;
}

export type ReloadEvent =
  | { kind: 'start' }
  /** The slot's replacement is ready (listening, or called `ready()`). */
  | { kind: 'replacement-ready'; slot: number }
  /** The slot's replacement did not start or become ready in time, or exited. */
  | { kind: 'replacement-failed'; slot: number; reason: string }
  /** The slot's old worker exited: after its drain, or on its own before it. */
  | { kind: 'old-stopped'; slot: number };

export type ReloadAction =
  /** Fork a new worker for the slot (same index) beside the old one. */
  | { kind: 'start-replacement'; slot: number }
  /** Take the slot's old worker out of scheduling, drain it, then stop it; report `old-stopped`. */
  | { kind: 'drain-old'; slot: number }
  /** Stop the slot's replacement if it still runs (an abort, or the replacement that failed). */
  | { kind: 'stop-replacement'; slot: number }
  | { kind: 'done'; report: ReloadReport };

/**
 * - `replaced`: the replacement serves the slot.
 * - `kept`: the old worker still serves it (its batch never started, or was aborted).
 * - `failed`: its replacement failed (`reason`); the old one keeps serving unless it was already drained.
 * - `vacant`: the old worker exited on its own and no replacement took over: the driver respawns it.
 */
export type SlotOutcome = 'replaced' | 'kept' | 'failed' | 'vacant';

export interface SlotReport {
  slot: number;
  outcome: SlotOutcome;
  /** Which worker serves the slot once the reload is done. */
  serving: 'old' | 'new' | 'none';
  /** Why the replacement failed (outcome `failed` only). */
  reason?: string;
}

export interface ReloadReport {
  /** Every slot was replaced. */
  ok: boolean;
  /** One entry per slot, in the plan's order. */
  slots: SlotReport[];
  /** The failure that aborted the reload, if one did. */
  abortedBy?: { slot: number; reason: string };
}

interface SlotProgress {
  readonly slot: number;
  readonly batch: number;
  old: 'serving' | 'draining' | 'gone';
  replacement: 'none' | 'starting' | 'ready' | 'failed' | 'stopped';
  reason?: string;
}

type Phase = 'idle' | 'running' | 'aborting' | 'done';

/**
 * Events for a slot the plan does not expect at that moment (a second `ready`, a failure of a replacement
 * it already stopped, anything after `done`) are ignored and yield no action; a slot not in the plan throws.
 */
export class ReloadPlan {
  readonly batch: number;
  readonly #progress = new Map<number, SlotProgress>();
  readonly #batches: SlotProgress[][] = [];
  #current = -1;
  #phase: Phase = 'idle';
  #abortedBy: { slot: number; reason: string } | undefined;
  #report: ReloadReport | undefined;

  constructor(options: ReloadPlanOptions) {
    validateOptionsObject(options, 'options');
    const { slots } = options;
    if (!Array.isArray(slots)) throw errInvalidArgValue('options.slots', slots, 'must be an array of slots');
    const batch = options.batch ?? 1;
    validateInteger(batch, 'options.batch', 1);
    this.batch = Math.min(batch, Math.max(1, slots.length));
    slots.forEach((slot: unknown, index) => {
      if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || this.#progress.has(slot)) {
        throw errInvalidArgValue('options.slots', slots, 'must hold distinct non-negative integer slots');
      }
      const progress: SlotProgress = {
        slot,
        batch: Math.floor(index / this.batch),
        old: 'serving',
        replacement: 'none',
      };
      this.#progress.set(slot, progress);
      const members = this.#batches[progress.batch];
      if (members === undefined) this.#batches[progress.batch] = [progress];
      else members.push(progress);
    });
  }

  /** `idle` before `start`, `running`, `aborting` (a failure; waiting for what is still in flight), `done`. */
  get phase(): Phase {
    return this.#phase;
  }

  /** The final report, once `done` was emitted. */
  get report(): ReloadReport | undefined {
    return this.#report;
  }

  handle(event: ReloadEvent): ReloadAction[] {
    if (event.kind === 'start') return this.#phase === 'idle' ? this.#start() : [];
    const progress = this.#progress.get(event.slot);
    if (progress === undefined) {
      throw errInvalidArgValue('event.slot', event.slot, 'is not a slot of this reload');
    }
    if (this.#phase === 'idle' || this.#phase === 'done') return [];
    switch (event.kind) {
      case 'replacement-ready':
        return this.#onReady(progress);
      case 'replacement-failed':
        return this.#onFailed(progress, event.reason);
      case 'old-stopped':
        return this.#onOldStopped(progress);
    }
  }

  #start(): ReloadAction[] {
    this.#phase = 'running';
    const actions: ReloadAction[] = [];
    this.#advance(actions);
    return actions;
  }

  #onReady(progress: SlotProgress): ReloadAction[] {
    if (progress.replacement !== 'starting') return [];
    progress.replacement = 'ready';
    const actions: ReloadAction[] = [];
    if (this.#phase === 'running') {
      const members = this.#launched();
      if (members.every((member) => member.replacement === 'ready')) {
        for (const member of members) {
          if (member.old !== 'serving') continue;
          member.old = 'draining';
          actions.push({ kind: 'drain-old', slot: member.slot });
        }
      }
      this.#advance(actions);
    } else {
      this.#finishIfSettled(actions);
    }
    return actions;
  }

  #onFailed(progress: SlotProgress, reason: string): ReloadAction[] {
    if (progress.replacement !== 'starting' && progress.replacement !== 'ready') return [];
    progress.replacement = 'failed';
    progress.reason = String(reason);
    const actions: ReloadAction[] = [{ kind: 'stop-replacement', slot: progress.slot }];
    if (this.#phase === 'running') {
      this.#phase = 'aborting';
      this.#abortedBy = { slot: progress.slot, reason: progress.reason };
      // Only where an old worker still serves: elsewhere the replacement is all the slot has.
      for (const member of this.#launched()) {
        if (member === progress || member.old !== 'serving') continue;
        if (member.replacement !== 'starting' && member.replacement !== 'ready') continue;
        member.replacement = 'stopped';
        actions.push({ kind: 'stop-replacement', slot: member.slot });
      }
    }
    this.#finishIfSettled(actions);
    return actions;
  }

  #onOldStopped(progress: SlotProgress): ReloadAction[] {
    if (progress.old === 'gone') return [];
    progress.old = 'gone';
    const actions: ReloadAction[] = [];
    if (this.#phase === 'running') this.#advance(actions);
    else this.#finishIfSettled(actions);
    return actions;
  }

  /** The current batch's slots that got a replacement (an old worker gone before the launch got none). */
  #launched(): SlotProgress[] {
    return (this.#batches[this.#current] ?? []).filter((member) => member.replacement !== 'none');
  }

  /** While running: once the current batch is through (all replaced), launches the next, or finishes. */
  #advance(actions: ReloadAction[]): void {
    for (;;) {
      const launched = this.#launched();
      if (this.#current >= 0 && !launched.every((m) => m.replacement === 'ready' && m.old === 'gone')) return;
      this.#current++;
      const batch = this.#batches[this.#current];
      if (batch === undefined) {
        this.#finish(actions);
        return;
      }
      for (const member of batch) {
        if (member.old === 'gone') continue;
        member.replacement = 'starting';
        actions.push({ kind: 'start-replacement', slot: member.slot });
      }
      if (this.#launched().length > 0) return;
    }
  }

  /** While aborting: done once no replacement is still starting and no old worker is still draining. */
  #finishIfSettled(actions: ReloadAction[]): void {
    for (const progress of this.#progress.values()) {
      if (progress.replacement === 'starting' || progress.old === 'draining') return;
    }
    this.#finish(actions);
  }

  #finish(actions: ReloadAction[]): void {
    this.#phase = 'done';
    const slots = [...this.#progress.values()].map(reportOf);
    const report: ReloadReport = { ok: slots.every((entry) => entry.outcome === 'replaced'), slots };
    if (this.#abortedBy !== undefined) report.abortedBy = this.#abortedBy;
    this.#report = report;
    actions.push({ kind: 'done', report });
  }
}

function reportOf(progress: SlotProgress): SlotReport {
  const { slot, old, replacement } = progress;
  if (replacement === 'ready') return { slot, outcome: 'replaced', serving: 'new' };
  if (replacement === 'failed') {
    return {
      slot,
      outcome: 'failed',
      serving: old === 'serving' ? 'old' : 'none',
      reason: progress.reason ?? '',
    };
  }
  return old === 'serving'
    ? { slot, outcome: 'kept', serving: 'old' }
    : { slot, outcome: 'vacant', serving: 'none' };
}
