// @description A catch-all route: /docs/a/b/c gives slug = ["a", "b", "c"]
return { slug: metadata.parameters.slug };
