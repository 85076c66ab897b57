// The Hub's public surface for the command line and the runtime.
export { createHub, type CreateHubOptions, type Hub } from './hub.js';
export {
  resolveHubConfig,
  type HubConfig,
  type HubConfigInput,
  type LoginLimits,
} from './config.js';
export { loadDataPlaneState, type DataPlaneState } from './data-plane-state.js';
export { createHubStore } from './hub-store.js';
export { openDatabase, type HubDb, type DialectKind } from './db/database.js';
export { changePassword, generateApiToken, parseUserPassword } from './admin-commands.js';
export { HubErrors, HubValidationError, type HubErrorCode } from './errors.js';
