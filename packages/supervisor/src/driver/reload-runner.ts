// Runs one rolling reload: feeds the pure ReloadPlan the events that happen to real workers and carries out the
// actions it answers with (start a replacement, promote it and drain the old worker, stop a failed replacement).
import { type ReloadAction, ReloadPlan } from '../decisions/index.js';
import { exited } from './exit-watch.js';
import type { StopResult } from './kill-ladder.js';
import type { SupervisedWorker } from './supervised-worker.js';
import type { ReloadReport } from './types.js';

/** What the runner may do to the supervisor's slots. */
export interface ReloadTarget {
  /** The slots to reload: those with a ready worker now. */
  slots(): number[];
  current(index: number): SupervisedWorker | undefined;
  startReplacement(index: number): SupervisedWorker;
  /** The ready replacement takes the slot over (the old worker is then stopped by the runner). */
  promote(index: number, incoming: SupervisedWorker): void;
  stop(record: SupervisedWorker): Promise<StopResult>;
  /** The slot has no worker left (its old one died and the replacement failed): start one as usual. */
  respawn(index: number): void;
  /** A shutdown started: no replacement may start any more. */
  shuttingDown(): boolean;
}

export function runReload(target: ReloadTarget, batch: number, startedAt: number): Promise<ReloadReport> {
  const slots = target.slots();
  const olds = new Map<number, SupervisedWorker>();
  for (const index of slots) {
    const old = target.current(index);
    if (old) olds.set(index, old);
  }
  const incoming = new Map<number, SupervisedWorker>();
  const plan = new ReloadPlan({ slots, batch });
  return new Promise((resolve) => {
    const apply = (actions: ReloadAction[]): void => {
      for (const action of actions) {
        switch (action.kind) {
          case 'start-replacement': {
            const { slot } = action;
            if (target.shuttingDown()) {
              // The reload ends as an abort: the workers serving now are the ones the shutdown stops.
              queueMicrotask(() =>
                apply(plan.handle({ kind: 'replacement-failed', slot, reason: 'shutting down' })),
              );
              break;
            }
            const record = target.startReplacement(slot);
            incoming.set(slot, record);
            record.ready.then(
              () => apply(plan.handle({ kind: 'replacement-ready', slot })),
              (error: Error) =>
                apply(plan.handle({ kind: 'replacement-failed', slot, reason: error.message })),
            );
            break;
          }
          case 'drain-old': {
            const { slot } = action;
            const record = incoming.get(slot);
            const old = olds.get(slot);
            if (record) target.promote(slot, record);
            if (old) void target.stop(old).then(() => apply(plan.handle({ kind: 'old-stopped', slot })));
            else apply(plan.handle({ kind: 'old-stopped', slot }));
            break;
          }
          case 'stop-replacement': {
            const record = incoming.get(action.slot);
            if (record) void target.stop(record);
            break;
          }
          case 'done': {
            const report: ReloadReport = {
              ok: action.report.ok,
              durationMs: Date.now() - startedAt,
              slots: action.report.slots.map((entry) => {
                const newRecord = incoming.get(entry.slot);
                // A replacement whose old worker died on its own before being drained was never handed the slot
                // by a drain-old: it takes it now.
                if (entry.serving === 'new' && newRecord && target.current(entry.slot) !== newRecord)
                  target.promote(entry.slot, newRecord);
                // Nobody serves the slot (its old worker died, or was drained before its replacement failed).
                if (entry.serving === 'none') target.respawn(entry.slot);
                return {
                  index: entry.slot,
                  outcome: entry.outcome === 'vacant' ? 'failed' : entry.outcome,
                  ...(entry.reason === undefined ? {} : { reason: entry.reason }),
                  ...(entry.outcome === 'vacant'
                    ? { reason: 'the old worker exited during the reload' }
                    : {}),
                  oldPid: olds.get(entry.slot)?.worker.process.pid,
                  newPid: newRecord?.worker.process.pid,
                };
              }),
            };
            resolve(report);
            break;
          }
        }
      }
    };
    // An old worker that exits on its own during the reload is as stopped as a drained one.
    for (const [slot, old] of olds)
      void exited(old.worker).then(() => apply(plan.handle({ kind: 'old-stopped', slot })));
    apply(plan.handle({ kind: 'start' }));
  });
}
