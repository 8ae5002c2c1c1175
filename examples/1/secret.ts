// @token change-me
// @description Needs Authorization: Bearer change-me (or X-Token, or ?token=)
return { secret: "42" };
