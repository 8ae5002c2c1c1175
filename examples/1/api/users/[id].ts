// @mode worker
return { id: metadata.parameters.id };
