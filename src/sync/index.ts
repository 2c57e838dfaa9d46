/**
 * The pure core's public surface: plan a sync, render it, and the helpers workers and CLI
 * commands use to explain or record a decision. Nothing here does I/O.
 */
export { planSync, planSyncStream, type PlanStream } from './planner';
export { renderPlanTable, type RenderOptions } from './plan-render';
export { appliedValuesFrom, deriveDesired, teamForGroups, type DesiredDraft } from './desired-user';
export { createRoleMapper, roleForTitle, type RoleMapper, type RoleMatch, type RoleMatchKind } from './role-mapping';
export { scopeOf, type Scope, type ScopeDecision } from './scope';
export { validateCandidate, emailProblem, type CleanCandidate, type CandidateProblem } from './validate-candidate';
export { evaluateDeletionGuard, type GuardVerdict } from './deletion-guard';
export { diffUser, isDrift } from './user-diff';
export { currentRoleId } from './hubspot-user';
export * from './types';
