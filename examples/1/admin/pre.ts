// Runs before every script in admin/: returning a value answers instead of the script.
if (req.headers["x-role"] !== "admin") {
  res.status(403);
  return { error: "admins only: send x-role: admin" };
}
