// @description Says hello
return { message: "Hello from hoody-exec", method: req.method };
