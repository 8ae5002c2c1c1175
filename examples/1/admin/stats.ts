// @description Behind the admin/pre.ts middleware
return { uptimeSeconds: Math.round(performance.now() / 1000) };
