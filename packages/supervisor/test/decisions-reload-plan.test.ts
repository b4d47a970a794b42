// The rolling reload plan: batches, readiness before drain, aborts, unplanned exits, and a fast-check model
// of serving capacity through random event orders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ReloadAction,
  type ReloadEvent,
  ReloadPlan,
  type ReloadReport,
} from '../src/decisions/index.js';

const start: ReloadEvent = { kind: 'start' };
const ready = (slot: number): ReloadEvent => ({ kind: 'replacement-ready', slot });
const failed = (slot: number, reason = 'not ready in time'): ReloadEvent => ({
  kind: 'replacement-failed',
  slot,
  reason,
});
const stopped = (slot: number): ReloadEvent => ({ kind: 'old-stopped', slot });
const short = (actions: ReloadAction[]) =>
  actions.map((a) => (a.kind === 'done' ? 'done' : `${a.kind}:${a.slot}`));
const reportOf = (actions: ReloadAction[]): ReloadReport | undefined =>
  actions.find((a): a is Extract<ReloadAction, { kind: 'done' }> => a.kind === 'done')?.report;

describe('ReloadPlan', () => {
  it('one at a time: start, ready, drain, stopped, next', () => {
    const plan = new ReloadPlan({ slots: [0, 1, 2] });
    expect(plan.phase).toBe('idle');
    expect(short(plan.handle(start))).toEqual(['start-replacement:0']);
    expect(short(plan.handle(ready(0)))).toEqual(['drain-old:0']);
    expect(short(plan.handle(stopped(0)))).toEqual(['start-replacement:1']);
    expect(short(plan.handle(ready(1)))).toEqual(['drain-old:1']);
    expect(short(plan.handle(stopped(1)))).toEqual(['start-replacement:2']);
    expect(short(plan.handle(ready(2)))).toEqual(['drain-old:2']);
    const last = plan.handle(stopped(2));
    expect(short(last)).toEqual(['done']);
    expect(reportOf(last)).toEqual({
      ok: true,
      slots: [0, 1, 2].map((slot) => ({ slot, outcome: 'replaced', serving: 'new' })),
    });
    expect(plan.phase).toBe('done');
    expect(plan.report).toBe(reportOf(last));
  });

  it('drains none of a batch until all its replacements are ready', () => {
    const plan = new ReloadPlan({ slots: [0, 1, 2], batch: 2 });
    expect(short(plan.handle(start))).toEqual(['start-replacement:0', 'start-replacement:1']);
    expect(short(plan.handle(ready(1)))).toEqual([]);
    expect(short(plan.handle(ready(0)))).toEqual(['drain-old:0', 'drain-old:1']);
    expect(short(plan.handle(stopped(1)))).toEqual([]);
    expect(short(plan.handle(stopped(0)))).toEqual(['start-replacement:2']);
    plan.handle(ready(2));
    expect(reportOf(plan.handle(stopped(2)))?.ok).toBe(true);
  });

  it('a batch larger than the slots reloads all at once; no slots is done at once', () => {
    const plan = new ReloadPlan({ slots: [4, 2], batch: 10 });
    expect(plan.batch).toBe(2);
    expect(short(plan.handle(start))).toEqual(['start-replacement:4', 'start-replacement:2']);
    const empty = new ReloadPlan({ slots: [] });
    expect(reportOf(empty.handle(start))).toEqual({ ok: true, slots: [] });
  });

  it('a failed replacement aborts: the batch’s new workers are stopped, old ones keep serving, later batches never start', () => {
    const plan = new ReloadPlan({ slots: [0, 1, 2, 3, 4], batch: 2 });
    plan.handle(start);
    plan.handle(ready(0));
    plan.handle(ready(1));
    plan.handle(stopped(0));
    plan.handle(stopped(1));
    expect(short(plan.handle(ready(2)))).toEqual([]);
    const actions = plan.handle(failed(3, 'exited with code 1'));
    expect(short(actions)).toEqual(['stop-replacement:3', 'stop-replacement:2', 'done']);
    expect(reportOf(actions)).toEqual({
      ok: false,
      abortedBy: { slot: 3, reason: 'exited with code 1' },
      slots: [
        { slot: 0, outcome: 'replaced', serving: 'new' },
        { slot: 1, outcome: 'replaced', serving: 'new' },
        { slot: 2, outcome: 'kept', serving: 'old' },
        { slot: 3, outcome: 'failed', serving: 'old', reason: 'exited with code 1' },
        { slot: 4, outcome: 'kept', serving: 'old' },
      ],
    });
    // Late news about the stopped replacements changes nothing.
    expect(plan.handle(ready(2))).toEqual([]);
    expect(plan.handle(failed(2))).toEqual([]);
  });

  it('stops a batch mate still starting when another fails', () => {
    const plan = new ReloadPlan({ slots: [0, 1], batch: 2 });
    plan.handle(start);
    expect(short(plan.handle(failed(0)))).toEqual(['stop-replacement:0', 'stop-replacement:1', 'done']);
    expect(plan.report?.slots.map((s) => s.outcome)).toEqual(['failed', 'kept']);
  });

  it('a replacement that fails after its old worker began draining: reported failed, serving none; the rest of the batch finishes, no later batch', () => {
    const plan = new ReloadPlan({ slots: [0, 1, 2], batch: 2 });
    plan.handle(start);
    plan.handle(ready(0));
    plan.handle(ready(1));
    expect(short(plan.handle(failed(0, 'exited')))).toEqual(['stop-replacement:0']);
    expect(plan.phase).toBe('aborting');
    expect(short(plan.handle(stopped(0)))).toEqual([]);
    const last = plan.handle(stopped(1));
    expect(reportOf(last)?.slots).toEqual([
      { slot: 0, outcome: 'failed', serving: 'none', reason: 'exited' },
      { slot: 1, outcome: 'replaced', serving: 'new' },
      { slot: 2, outcome: 'kept', serving: 'old' },
    ]);
  });

  it('an old worker exiting on its own: its started replacement takes over; a later batch’s slot is left vacant', () => {
    const plan = new ReloadPlan({ slots: [0, 1, 2] });
    plan.handle(start);
    expect(plan.handle(stopped(0))).toEqual([]);
    expect(plan.handle(stopped(2))).toEqual([]);
    // Nothing to drain for slot 0: its batch is through once its replacement is ready.
    expect(short(plan.handle(ready(0)))).toEqual(['start-replacement:1']);
    plan.handle(ready(1));
    const last = plan.handle(stopped(1));
    expect(reportOf(last)).toEqual({
      ok: false,
      slots: [
        { slot: 0, outcome: 'replaced', serving: 'new' },
        { slot: 1, outcome: 'replaced', serving: 'new' },
        { slot: 2, outcome: 'vacant', serving: 'none' },
      ],
    });
  });

  it('on abort, keeps and waits for a replacement whose old worker is gone', () => {
    const plan = new ReloadPlan({ slots: [0, 1], batch: 2 });
    plan.handle(start);
    plan.handle(stopped(1));
    expect(short(plan.handle(failed(0)))).toEqual(['stop-replacement:0']);
    expect(short(plan.handle(ready(1)))).toEqual(['done']);
    expect(plan.report?.slots).toEqual([
      { slot: 0, outcome: 'failed', serving: 'old', reason: 'not ready in time' },
      { slot: 1, outcome: 'replaced', serving: 'new' },
    ]);
  });

  it('ignores a second start and events before start; throws for a slot not in the plan', () => {
    const plan = new ReloadPlan({ slots: [0] });
    expect(plan.handle(ready(0))).toEqual([]);
    plan.handle(start);
    expect(plan.handle(start)).toEqual([]);
    expect(plan.handle(ready(0))).toHaveLength(1);
    expect(plan.handle(ready(0))).toEqual([]);
    expect(() => plan.handle(ready(7))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('validates its options with Node codes', () => {
    expect(() => new ReloadPlan(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new ReloadPlan({ slots: 3 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new ReloadPlan({ slots: [0, 0] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new ReloadPlan({ slots: [-1] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new ReloadPlan({ slots: [0], batch: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ReloadPlan({ slots: [0], batch: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ReloadPlan({ slots: [0], batch: '1' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

// The model: a simulated driver delivers events in a random order among those the world could produce at
// that moment. Per slot, serving = (old worker not yet told to drain and alive) + (replacement ready).
type OldState = 'serving' | 'draining' | 'gone';
type NewState = 'none' | 'starting' | 'ready' | 'failed' | 'stopped';

interface World {
  old: OldState[];
  next: NewState[];
  /** A slot hit by something unplanned: its old worker exited on its own, or its replacement died after its drain began. */
  hit: boolean[];
}

function enabledEvents(world: World, slots: number[], unplanned: boolean): ReloadEvent[] {
  const events: ReloadEvent[] = [];
  for (const slot of slots) {
    const { old, next } = { old: world.old[slot], next: world.next[slot] };
    if (next === 'starting') events.push(ready(slot), failed(slot, 'timeout'));
    if (next === 'ready' && unplanned) events.push(failed(slot, 'crashed'));
    if (old === 'draining') events.push(stopped(slot));
    if (old === 'serving' && unplanned) events.push(stopped(slot));
  }
  return events;
}

function runModel(count: number, batch: number, choices: number[], unplanned: boolean): void {
  const slots = Array.from({ length: count }, (_, i) => i);
  const plan = new ReloadPlan({ slots, batch });
  const effectiveBatch = Math.min(batch, Math.max(1, count));
  const batchOf = (slot: number) => Math.floor(slot / effectiveBatch);
  const world: World = {
    old: slots.map(() => 'serving'),
    next: slots.map(() => 'none'),
    hit: slots.map(() => false),
  };
  let aborted = false;
  let report: ReloadReport | undefined;
  const apply = (actions: ReloadAction[]) => {
    for (const action of actions) {
      expect(report, 'nothing follows done').toBeUndefined();
      if (action.kind === 'done') {
        report = action.report;
        continue;
      }
      const { slot } = action;
      if (action.kind === 'start-replacement') {
        expect(aborted, 'no replacement starts after an abort').toBe(false);
        expect(world.next[slot]).toBe('none');
        // Every earlier batch is through: its old workers are gone.
        for (const other of slots) if (batchOf(other) < batchOf(slot)) expect(world.old[other]).toBe('gone');
        world.next[slot] = 'starting';
      } else if (action.kind === 'drain-old') {
        expect(aborted, 'no old worker is drained after an abort').toBe(false);
        expect(world.old[slot]).toBe('serving');
        for (const other of slots) {
          if (batchOf(other) === batchOf(slot) && world.next[other] !== 'none')
            expect(world.next[other]).toBe('ready');
        }
        world.old[slot] = 'draining';
      } else {
        if (world.next[slot] === 'starting' || world.next[slot] === 'ready') world.next[slot] = 'stopped';
      }
    }
    // Capacity: a slot not hit by anything unplanned always has a serving worker.
    let serving = 0;
    for (const slot of slots) {
      const here = (world.old[slot] === 'serving' ? 1 : 0) + (world.next[slot] === 'ready' ? 1 : 0);
      serving += here;
      if (!world.hit[slot]) expect(here, `slot ${slot} serving`).toBeGreaterThanOrEqual(1);
    }
    expect(serving).toBeGreaterThanOrEqual(count - world.hit.filter(Boolean).length);
    // Never more replacements on trial than a batch.
    const onTrial = slots.filter(
      (s) => world.next[s] === 'starting' || (world.next[s] === 'ready' && world.old[s] === 'serving'),
    );
    expect(onTrial.length).toBeLessThanOrEqual(effectiveBatch);
  };

  apply(plan.handle(start));
  const deliver = (event: ReloadEvent) => {
    if (event.kind === 'start') return;
    const { slot } = event;
    if (event.kind === 'replacement-ready') world.next[slot] = 'ready';
    if (event.kind === 'replacement-failed') {
      if (world.old[slot] !== 'serving') world.hit[slot] = true;
      world.next[slot] = 'failed';
      aborted = true;
    }
    if (event.kind === 'old-stopped') {
      if (world.old[slot] === 'serving') world.hit[slot] = true;
      world.old[slot] = 'gone';
    }
    apply(plan.handle(event));
  };
  for (const choice of choices) {
    if (report) break;
    const events = enabledEvents(world, slots, unplanned);
    if (events.length === 0) break;
    deliver(events[choice % events.length]!);
  }
  // Then the world behaves: every replacement becomes ready, every drain ends. The plan must finish.
  for (let guard = 0; !report && guard < 10 * count + 10; guard++) {
    const events = enabledEvents(world, slots, false).filter((e) => e.kind !== 'replacement-failed');
    expect(events.length, 'the plan waits for something that can happen').toBeGreaterThan(0);
    deliver(events[0]!);
  }
  expect(report, 'the plan finished').toBeDefined();
  if (!report) return;
  expect(plan.phase).toBe('done');
  expect(report.slots.map((s) => s.slot)).toEqual(slots);
  for (const entry of report.slots) {
    const { slot } = entry;
    const expected =
      world.next[slot] === 'ready'
        ? { outcome: 'replaced', serving: 'new' }
        : world.next[slot] === 'failed'
          ? { outcome: 'failed', serving: world.old[slot] === 'serving' ? 'old' : 'none' }
          : world.old[slot] === 'serving'
            ? { outcome: 'kept', serving: 'old' }
            : { outcome: 'vacant', serving: 'none' };
    expect(entry).toMatchObject(expected);
    // Nothing is left in flight when done.
    expect(world.next[slot]).not.toBe('starting');
    expect(world.old[slot]).not.toBe('draining');
    if (entry.outcome === 'replaced') expect(world.old[slot]).toBe('gone');
  }
  expect(report.ok).toBe(report.slots.every((s) => s.outcome === 'replaced'));
  expect(report.abortedBy !== undefined).toBe(aborted);
}

describe('ReloadPlan model', () => {
  it('planned failures only: every slot always serves, an abort drains nothing more, each slot once in the report', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (count, batch, choices) => runModel(count, batch, choices, false),
      ),
      { numRuns: 300 },
    );
  });

  it('with old workers exiting on their own and replacements crashing after take-over: only hit slots lose capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (count, batch, choices) => runModel(count, batch, choices, true),
      ),
      { numRuns: 300 },
    );
  });
});
