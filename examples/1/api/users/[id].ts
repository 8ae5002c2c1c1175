// @description A route parameter from the file name
return { id: metadata.parameters.id };
