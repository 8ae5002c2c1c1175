// @description Says hello: the smallest endpoint there is
return { message: "Hello from hoody-exec", method: req.method };
