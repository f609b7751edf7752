/** The policy simulator and the explanation of decisions (ramgate extensions). */
export { explain, type Explanation, type MatchedStatement, type PolicyInput } from './explain.js';
export {
  simulate,
  type SimulatedPrincipal,
  type SimulationRequest,
  type SimulationResult,
} from './simulate.js';
export { simulatedActions, simulatedContext, simulatedResources, MAX_SIMULATED } from './params.js';
