// @cors *
// @description An edge-style handler: a web-standard Request in, a Response out
export default {
  fetch(request: Request): Response {
    return Response.json({ edge: true, url: new URL(request.url).pathname });
  },
};
