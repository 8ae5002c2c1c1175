// @mode worker
// @description Counts visits in the instance's shared state (kept across requests and Worker restarts)
shared.visits = (shared.visits ?? 0) + 1;
return { visits: shared.visits };
