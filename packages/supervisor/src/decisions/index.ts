// The supervisor's decisions: pure state machines (time and randomness passed in) the driver applies.
export {
  decideExit,
  type ExitDecision,
  type ExitFacts,
  type ExitOutcome,
  initialRestartState,
  type SlotRestartState,
} from './exit-decision.js';
export {
  type HangOptions,
  type HeartbeatFacts,
  hangDeadline,
  hangDefaults,
  isHung,
  type ResolvedHangOptions,
  resolveHangOptions,
} from './hang.js';
export {
  initialMemoryState,
  type MemoryLimitOptions,
  type MemoryLimits,
  type MemorySample,
  type MemoryState,
  type MemoryVerdict,
  overLimit,
  resolveMemoryLimits,
} from './memory.js';
export {
  type ReloadAction,
  type ReloadEvent,
  ReloadPlan,
  type ReloadPlanOptions,
  type ReloadReport,
  type SlotOutcome,
  type SlotReport,
} from './reload-plan.js';
export { ReloadQueue, type ReloadTicket } from './reload-queue.js';
export {
  jitteredDelay,
  nominalDelay,
  type RestartPolicy,
  type RestartPolicyOptions,
  resolveRestartPolicy,
  restartPolicyDefaults,
} from './restart-policy.js';
export { planScale, type ScalePlan } from './scale-plan.js';
